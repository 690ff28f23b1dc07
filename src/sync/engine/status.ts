/**
 * `cin7-ghl status`: what the sync knows, from the store alone (no API call): customers and links
 * by state, the open failures in plain words, contacts skipped, conflicts by status, the latest
 * runs, and where each Cin7 change feed stands.
 */
import { sql } from 'kysely';
import type { FeedState } from '../../cin7/change-feed.js';
import type { Store } from '../../store/open.js';
import type { Json } from '../../store/schema.js';
import { conflictCounts } from '../conflicts/repo.js';
import { customerCounts } from '../repo/customers.js';
import { failureCounts, listFailures } from '../repo/failures.js';
import { linkCounts } from '../repo/links.js';
import { listRuns } from '../repo/runs.js';

export interface SyncStatus {
  customers: { total: number; dirty: number; byStatus: Record<string, number> };
  links: { pending: number; linked: number; unlinked: number };
  failures: {
    open: number;
    byCode: Record<string, number>;
    latest: Array<{
      id: string;
      cin7CustomerId: string;
      cin7ContactId: string;
      code: string;
      error: string;
      attempts: number;
      lastAt: string;
    }>;
  };
  skipped: { contacts: number; byReason: Record<string, number> };
  /** Conflicts by status: the open ones wait for `cin7-ghl conflicts resolve`. */
  conflicts: { open: number; resolved: number; superseded: number };
  runs: Array<{
    id: string;
    kind: string;
    mode: string;
    status: string;
    startedAt: string;
    finishedAt: string | null;
    counts: Json;
    calls: Json;
    minimumCalls: Json;
    error: string | null;
  }>;
  feeds: Array<{
    name: string;
    watermark: string | null;
    lastCompletedAt: string | null;
    passInProgress: boolean;
  }>;
}

/**
 * The sync's status.
 *
 * @example
 * const s = await syncStatus(store, { failures: 20, runs: 5 });
 */
export async function syncStatus(
  store: Store,
  options: { failures?: number; runs?: number } = {},
): Promise<SyncStatus> {
  const db = store.db;
  const [customers, links, fc, failures, runs, conflicts] = await Promise.all([
    customerCounts(db),
    linkCounts(db),
    failureCounts(db),
    listFailures(db, { status: 'open', limit: options.failures ?? 20 }),
    listRuns(db, options.runs ?? 5),
    conflictCounts(db),
  ]);
  const skippedRows = await db
    .selectFrom('customers')
    .select(sql<string>`s->>'code'`.as('code'))
    .select(sql<number>`count(*)::int`.as('n'))
    .innerJoin(sql`jsonb_array_elements(customers.skipped)`.as('s'), (join) => join.onTrue())
    .groupBy(sql`s->>'code'`)
    .execute()
    .catch(() => [] as Array<{ code: string; n: number }>);
  const byReason: Record<string, number> = {};
  let skipped = 0;
  for (const r of skippedRows) {
    byReason[r.code ?? 'unknown'] = r.n;
    skipped += r.n;
  }
  const feedRows = await db
    .selectFrom('checkpoints')
    .select(['name', 'value'])
    .where('name', 'like', 'cin7.feed.%')
    .orderBy('name')
    .execute();
  return {
    customers,
    links,
    failures: {
      open: fc.open,
      byCode: fc.byCode,
      latest: failures.map((f) => ({
        id: f.id,
        cin7CustomerId: f.cin7CustomerId,
        cin7ContactId: f.cin7ContactId,
        code: f.code,
        error: f.error,
        attempts: f.attempts,
        lastAt: f.lastAt.toISOString(),
      })),
    },
    skipped: { contacts: skipped, byReason },
    conflicts,
    runs: runs.map((r) => ({
      id: r.id,
      kind: r.kind,
      mode: r.mode,
      status: r.status,
      startedAt: r.startedAt.toISOString(),
      finishedAt: r.finishedAt?.toISOString() ?? null,
      counts: r.counts,
      calls: r.calls,
      minimumCalls: r.minimumCalls,
      error: r.error,
    })),
    feeds: feedRows.map((r) => {
      const v = r.value as unknown as Partial<FeedState>;
      return {
        name: r.name,
        watermark: v.watermark ?? null,
        lastCompletedAt: v.last?.completedAt ?? null,
        passInProgress: v.pass !== null && v.pass !== undefined,
      };
    }),
  };
}

/** `status` as text for a person. */
export function statusText(s: SyncStatus): string {
  const lines: string[] = [];
  const statuses = Object.entries(s.customers.byStatus)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  lines.push(
    `Customers: ${s.customers.total}${statuses ? ` (${statuses})` : ''}; ${s.customers.dirty} waiting to be synced.`,
  );
  lines.push(`Links: ${s.links.linked} linked, ${s.links.pending} pending, ${s.links.unlinked} unlinked.`);
  if (s.skipped.contacts > 0) {
    lines.push(
      `Skipped contacts: ${s.skipped.contacts} (${Object.entries(s.skipped.byReason)
        .map(([k, n]) => `${n} ${k.replace(/_/g, ' ')}`)
        .join(', ')}).`,
    );
  }
  if (s.failures.open === 0) lines.push('Failures: none.');
  else {
    lines.push(
      `Failures: ${s.failures.open} open (${Object.entries(s.failures.byCode)
        .map(([k, n]) => `${n} ${k.replace(/_/g, ' ')}`)
        .join(', ')}):`,
    );
    for (const f of s.failures.latest)
      lines.push(`  #${f.id} ${f.error}${f.attempts > 1 ? ` (${f.attempts} attempts)` : ''}`);
    if (s.failures.latest.length < s.failures.open)
      lines.push(`  … and ${s.failures.open - s.failures.latest.length} more: \`cin7-ghl failures list\`.`);
    lines.push('Retry them after fixing the data: `cin7-ghl failures retry <id>` or `--all`.');
  }
  lines.push(
    s.conflicts.open === 0
      ? 'Conflicts: none open.'
      : `Conflicts: ${s.conflicts.open} open (both sides changed a field): \`cin7-ghl conflicts list\`, then \`cin7-ghl conflicts resolve <id> --take cin7|ghl|value\`.`,
  );
  if (s.runs.length > 0) {
    lines.push('Latest runs:');
    for (const r of s.runs) {
      const calls = r.calls as { ghl?: number; cin7?: number };
      const min = r.minimumCalls as { ghl?: number; cin7?: number };
      lines.push(
        `  #${r.id} ${r.kind} ${r.mode} ${r.status} at ${r.startedAt}${
          calls.ghl !== undefined
            ? `; calls GHL ${calls.ghl}/${min.ghl ?? '?'}, Cin7 ${calls.cin7}/${min.cin7 ?? '?'} (used/minimum)`
            : ''
        }${r.error ? `; error: ${r.error}` : ''}`,
      );
    }
  }
  for (const f of s.feeds) {
    lines.push(
      `Feed ${f.name}: watermark ${f.watermark ?? 'none (the next pass reads everything)'}${f.passInProgress ? ', a pass is in progress' : ''}.`,
    );
  }
  return lines.join('\n');
}
