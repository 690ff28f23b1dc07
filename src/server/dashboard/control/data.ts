/**
 * Read models of the dashboard and its REST routes, from the store and the process's HTTP layer
 * (no vendor call): connections with webhook health, schedules, rate budgets, record search, dead
 * letters.
 */
import { CronExpressionParser } from 'cron-parser';
import { type Kysely, sql } from 'kysely';
import { credentialsFromConfig, credentialsFromStore } from '../../../cin7/connection.js';
import { cin7CustomerFeedJob } from '../../../cin7/feed-jobs.js';
import type { DailyBudgetView } from '../../../http/daily-budget.js';
import { rateKeyId } from '../../../http/keys.js';
import { SlotLimiter } from '../../../http/rate-limit/limiter.js';
import { JOBS_SCHEMA } from '../../../jobs/queue.js';
import { type SchedulePause, readSchedulePause } from '../../../jobs/pause.js';
import { redactValue } from '../../../log/redact.js';
import type { Database, Json } from '../../../store/schema.js';
import { reconcileJob } from '../../../sync/reconcile/schedule.js';
import type { ApiContext } from '../../api/context.js';

export interface ConnectionView {
  id: string;
  api: 'ghl' | 'cin7';
  accountId: string;
  status: string;
  authMode: string;
  scopes: string[];
  tokenExpiresAt: string | null;
  tokenRefreshedAt: string | null;
  lastUsedAt: string | null;
  lastError: string | null;
  details: Record<string, unknown>;
}

export interface WebhookHealth {
  /** Last signed GHL webhook stored (any event), and how many arrived in the last hour. */
  ghl: { lastAt: string | null; lastHour: number; failed: number };
  /** Cin7 webhooks as last registered (type → id), where they point, and the last delivery. */
  cin7: {
    registered: Record<string, string>;
    baseUrl: string | null;
    lastAt: string | null;
    lastHour: number;
    /** Warnings of the periodic check (switched off by Cin7, recreated …), newest first. */
    repairs: Array<{ at: string; message: string }>;
  };
}

/**
 * Every connection, secrets redacted, newest state first.
 *
 * @example
 * const rows = await listConnectionViews(store.db);
 */
export async function listConnectionViews(db: Kysely<Database>): Promise<ConnectionView[]> {
  const rows = await db.selectFrom('connections').selectAll().orderBy('api').orderBy('id').execute();
  return rows.map((r) => ({
    id: r.id,
    api: r.api,
    accountId: r.account_id,
    status: r.status,
    authMode: r.auth_mode,
    scopes: r.scopes,
    tokenExpiresAt: r.token_expires_at?.toISOString() ?? null,
    tokenRefreshedAt: r.token_refreshed_at?.toISOString() ?? null,
    lastUsedAt: r.last_used_at?.toISOString() ?? null,
    lastError: r.last_error,
    details: redactValue(
      r.details && typeof r.details === 'object' && !Array.isArray(r.details) ? r.details : {},
    ) as Record<string, unknown>,
  }));
}

/** What the inbox and the Cin7 connection say about webhooks. */
export async function webhookHealth(db: Kysely<Database>): Promise<WebhookHealth> {
  const rows = await db
    .selectFrom('inbox')
    .select([
      sql<string>`case when source = 'ghl' then 'ghl' else 'cin7' end`.as('side'),
      sql<Date | null>`max(received_at)`.as('last'),
      sql<number>`count(*) filter (where received_at > now() - interval '1 hour')::int`.as('hour'),
      sql<number>`count(*) filter (where status = 'failed')::int`.as('failed'),
    ])
    .where((eb) => eb.or([eb('source', '=', 'ghl'), eb('source', 'like', 'cin7%')]))
    .groupBy(sql`1`)
    .execute();
  const side = (s: string) => rows.find((r) => r.side === s);
  const cin7 = await db
    .selectFrom('connections')
    .select('details')
    .where('api', '=', 'cin7')
    .orderBy('updated_at', 'desc')
    .executeTakeFirst();
  const details = (cin7?.details ?? {}) as { webhooks?: Record<string, string>; webhookBaseUrl?: string };
  const repairs = await db
    .selectFrom('events')
    .select(['created_at', 'message'])
    .where('kind', 'like', 'cin7.webhook.%')
    .orderBy('id', 'desc')
    .limit(5)
    .execute();
  const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : null);
  return {
    ghl: {
      lastAt: iso(side('ghl')?.last),
      lastHour: side('ghl')?.hour ?? 0,
      failed: side('ghl')?.failed ?? 0,
    },
    cin7: {
      registered: details.webhooks ?? {},
      baseUrl: details.webhookBaseUrl ?? null,
      lastAt: iso(side('cin7')?.last),
      lastHour: side('cin7')?.hour ?? 0,
      repairs: repairs.map((r) => ({ at: r.created_at.toISOString(), message: r.message })),
    },
  };
}

export interface ScheduleInfo {
  paused: SchedulePause;
  /** Next fire time of the polling pass (sync) and of the reconciliation; null when not scheduled here. */
  next: { sync: string | null; reconcile: string | null };
  crons: { sync: string | null; reconcile: string | null };
}

function nextFire(cron: string, tz: string): string | null {
  try {
    return CronExpressionParser.parse(cron, { tz, currentDate: new Date() }).next().toDate().toISOString();
  } catch {
    return null;
  }
}

/**
 * The schedules as the queue holds them (what really fires), their next times and the pause.
 *
 * @example
 * const { next, paused } = await scheduleInfo(ctx);
 */
export async function scheduleInfo(ctx: ApiContext): Promise<ScheduleInfo> {
  const [polls, reconciles, paused] = await Promise.all([
    ctx.queue.schedules(cin7CustomerFeedJob).catch(() => []),
    ctx.queue.schedules(reconcileJob).catch(() => []),
    readSchedulePause(ctx.store.db),
  ]);
  const poll = polls[0];
  const rec = reconciles[0];
  return {
    paused,
    next: {
      sync: poll ? nextFire(poll.cron, poll.tz) : null,
      reconcile: rec ? nextFire(rec.cron, rec.tz) : null,
    },
    crons: { sync: poll?.cron ?? null, reconcile: rec?.cron ?? null },
  };
}

export interface BurstView {
  limit: number;
  windowMs: number;
  /** Slots free now; null when the limiter cannot tell. */
  free: number | null;
}

export interface RateBudget {
  ghl: Array<{ locationId: string; burst: BurstView; daily: DailyBudgetView | null; dailyLimit: number }>;
  cin7: Array<{ accountId: string; perMinute: BurstView }>;
}

async function burst(ctx: ApiContext, key: string, limit: number, windowMs: number): Promise<BurstView> {
  const limiter = ctx.http.limiter;
  if (limiter instanceof SlotLimiter) return limiter.usage(key, { limit, windowMs });
  return { limit, windowMs, free: null };
}

/**
 * Per GHL location, the burst window and the daily budget; per Cin7 application, its per-minute
 * budget — as this process's rate limiter and the vendors' last answers see them.
 *
 * @example
 * const budget = await rateBudget(ctx);
 */
export async function rateBudget(ctx: ApiContext): Promise<RateBudget> {
  const { config } = ctx;
  const locations = await ctx.store.db
    .selectFrom('connections')
    .select('account_id')
    .where('api', '=', 'ghl')
    .execute();
  const ids = new Set(locations.map((l) => l.account_id));
  if (config.ghl.locationId) ids.add(config.ghl.locationId);
  let rules: { budget?: (locationId: string) => DailyBudgetView | null } = {};
  try {
    rules = ctx.http.rulesFor('ghl') as typeof rules;
  } catch {
    // no GHL rules registered (a bare test stack)
  }
  const ghl = [];
  for (const locationId of [...ids].sort()) {
    ghl.push({
      locationId,
      burst: await burst(
        ctx,
        rateKeyId('ghl', locationId),
        config.ghl.rateLimit.requests,
        config.ghl.rateLimit.windowMs,
      ),
      daily: rules.budget?.(locationId) ?? null,
      dailyLimit: config.ghl.dailyLimit,
    });
  }
  const cin7 = [];
  const creds =
    credentialsFromConfig(config) ?? (await credentialsFromStore(ctx.store, config).catch(() => null));
  if (creds) {
    cin7.push({
      accountId: creds.accountId,
      perMinute: await burst(
        ctx,
        rateKeyId('cin7', creds.applicationKey),
        config.cin7.rateLimit.requests,
        config.cin7.rateLimit.windowMs,
      ),
    });
  }
  return { ghl, cin7 };
}

export interface RecordRow {
  cin7CustomerId: string;
  name: string;
  status: string | null;
  syncStatus: string | null;
  dirty: boolean;
  cin7ChangedAt: string | null;
  ghlChangedAt: string | null;
  syncedAt: string | null;
  links: Array<{ cin7ContactId: string; ghlContactId: string | null; state: string; email: string | null }>;
  openFailures: number;
  openConflicts: number;
}

/**
 * Customers matching `q` — a Cin7 customer id, a GHL contact id, part of a name, or part of an
 * email — most recently changed first; without `q`, the latest changed.
 *
 * @example
 * const rows = await searchRecords(store.db, 'jane@example.com');
 */
export async function searchRecords(db: Kysely<Database>, q: string, limit = 50): Promise<RecordRow[]> {
  const term = q.trim();
  let query = db
    .selectFrom('customers as c')
    .select([
      'c.cin7_customer_id',
      'c.name',
      'c.status',
      'c.sync_status',
      'c.dirty',
      'c.cin7_changed_at',
      'c.ghl_changed_at',
      'c.synced_at',
      'c.cin7_modified_at',
    ]);
  if (term !== '') {
    const like = `%${term.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
    const lower = term.toLowerCase();
    query = query.where((eb) =>
      eb.or([
        eb('c.cin7_customer_id', '=', lower),
        eb('c.name', 'ilike', like),
        eb.exists(
          eb
            .selectFrom('links as l')
            .select(sql`1`.as('one'))
            .whereRef('l.cin7_customer_id', '=', 'c.cin7_customer_id')
            .where((e2) => e2.or([e2('l.email', 'ilike', like), e2('l.ghl_contact_id', '=', term)])),
        ),
        // Contacts that never linked (an invalid email, say) are found in the snapshot.
        ...(term.includes('@') ? [eb(sql<string>`c.snapshot::text`, 'ilike', like)] : []),
      ]),
    );
  }
  const rows = await query
    .orderBy(sql`coalesce(c.synced_at, c.cin7_modified_at, c.updated_at)`, 'desc')
    .orderBy('c.cin7_customer_id')
    .limit(Math.max(1, Math.min(500, limit)))
    .execute();
  const ids = rows.map((r) => r.cin7_customer_id);
  if (ids.length === 0) return [];
  const [links, failures, conflicts] = await Promise.all([
    db
      .selectFrom('links')
      .select(['cin7_customer_id', 'cin7_contact_id', 'ghl_contact_id', 'state', 'email'])
      .where('cin7_customer_id', 'in', ids)
      .orderBy('id')
      .execute(),
    db
      .selectFrom('failures')
      .select(['cin7_customer_id', sql<number>`count(*)::int`.as('n')])
      .where('cin7_customer_id', 'in', ids)
      .where('status', '=', 'open')
      .groupBy('cin7_customer_id')
      .execute(),
    db
      .selectFrom('conflicts')
      .select(['cin7_customer_id', sql<number>`count(*)::int`.as('n')])
      .where('cin7_customer_id', 'in', ids)
      .where('status', '=', 'open')
      .groupBy('cin7_customer_id')
      .execute(),
  ]);
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  return rows.map((r) => ({
    cin7CustomerId: r.cin7_customer_id,
    name: r.name ?? '(no name)',
    status: r.status,
    syncStatus: r.sync_status,
    dirty: r.dirty,
    cin7ChangedAt: iso(r.cin7_changed_at ?? r.cin7_modified_at),
    ghlChangedAt: iso(r.ghl_changed_at),
    syncedAt: iso(r.synced_at),
    links: links
      .filter((l) => l.cin7_customer_id === r.cin7_customer_id)
      .map((l) => ({
        cin7ContactId: l.cin7_contact_id,
        ghlContactId: l.ghl_contact_id,
        state: l.state,
        email: l.email,
      })),
    openFailures: failures.find((f) => f.cin7_customer_id === r.cin7_customer_id)?.n ?? 0,
    openConflicts: conflicts.find((f) => f.cin7_customer_id === r.cin7_customer_id)?.n ?? 0,
  }));
}

export interface DeadLetterView {
  id: string;
  kind: string;
  payload: Json;
  error: string;
  deadAt: string;
}

/**
 * Jobs that failed after their last retry, every kind, newest first.
 *
 * @example
 * const dead = await listDeadLetters(store, 50);
 */
export async function listDeadLetters(
  store: { query: ApiContext['store']['query'] },
  limit = 100,
): Promise<DeadLetterView[]> {
  const { rows } = await store.query<{
    id: string;
    name: string;
    data: Json;
    output: Json;
    created_on: Date | string;
  }>(
    `select id::text as id, name, data, output, created_on from ${JOBS_SCHEMA}.job
      where name like '%.dead' and state in ('created', 'retry')
      order by created_on desc limit $1`,
    [Math.max(1, Math.min(1000, limit))],
  );
  return rows.map((r) => ({
    id: r.id,
    kind: r.name.replace(/\.dead$/, ''),
    payload: redactValue(r.data) as Json,
    error: errorText(r.output),
    deadAt: new Date(r.created_on).toISOString(),
  }));
}

function errorText(output: Json): string {
  if (output && typeof output === 'object' && !Array.isArray(output)) {
    const o = output as Record<string, Json>;
    const inner = (o.sourceOutput ?? o) as Record<string, Json> | null;
    const msg = inner && typeof inner === 'object' ? (inner.message ?? inner.error) : null;
    if (typeof msg === 'string') return msg;
  }
  return typeof output === 'string' ? output : JSON.stringify(output ?? 'unknown error');
}
