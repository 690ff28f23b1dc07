/**
 * The Cin7 job kinds: one change-feed pass per job (singleton per connection, so two passes of one
 * feed never run at once, and at most one more waits), and the periodic webhook check. Webhooks and
 * schedules only ever ask for a pass; the pass reads pages, not records.
 */
import type { Transaction } from 'kysely';
import { z } from 'zod';
import { defineJob } from '../jobs/define.js';
import { scheduledPassPaused } from '../jobs/pause.js';
import type { JobQueue } from '../jobs/queue.js';
import type { Logger } from '../log/logger.js';
import type { Store } from '../store/open.js';
import type { Database } from '../store/schema.js';
import {
  type ChangeFeed,
  type Cin7FeedKind,
  type FeedConsumer,
  type PassResult,
  customerFeed,
  feedName,
  readState,
  saleFeed,
} from './change-feed.js';
import type { Cin7Client } from './client.js';
import type { Cin7Customer, Cin7SaleListItem } from './schemas.js';
import { checkCin7Webhooks } from './webhooks.js';

const feedPayload = z.object({
  connectionId: z.string().min(1),
  /** Why the pass was asked for: `webhook`, `schedule`, `manual`, … (logged). */
  reason: z.string().max(40).optional(),
});
export type Cin7FeedJobPayload = z.infer<typeof feedPayload>;

/** One pass of the customer feed. */
export const cin7CustomerFeedJob = defineJob({
  name: 'cin7.feed.customers',
  schema: feedPayload,
  retryLimit: 8,
  retryDelaySeconds: 30,
  retryDelayMaxSeconds: 900,
  // A pass over a large tenant reads a page a second; an expired pass resumes from its checkpoint.
  expireInSeconds: 3600,
  singletonKey: (p) => p.connectionId,
});

/** One pass of the sale feed. */
export const cin7SaleFeedJob = defineJob({
  name: 'cin7.feed.sales',
  schema: feedPayload,
  retryLimit: 8,
  retryDelaySeconds: 30,
  retryDelayMaxSeconds: 900,
  expireInSeconds: 3600,
  singletonKey: (p) => p.connectionId,
});

/** One check of our Cin7 webhooks (re-activate, recreate, alert). */
export const cin7WebhookCheckJob = defineJob({
  name: 'cin7.webhooks.check',
  schema: z.object({ connectionId: z.string().min(1) }),
  retryLimit: 3,
  retryDelaySeconds: 30,
  expireInSeconds: 300,
  singletonKey: (p) => p.connectionId,
});

/** Every Cin7 job kind (register them at start: a send inside a PGlite transaction needs that). */
export const CIN7_JOB_KINDS = [cin7CustomerFeedJob, cin7SaleFeedJob, cin7WebhookCheckJob] as const;

/** The job kind that runs passes of `kind`. */
export function feedJob(kind: Cin7FeedKind) {
  return kind === 'customers' ? cin7CustomerFeedJob : cin7SaleFeedJob;
}

/** The inbox source webhook hints for `kind` are stored under. */
export function hintSource(kind: Cin7FeedKind): string {
  return `cin7.${kind}`;
}

export interface RequestPassOptions {
  /** Enqueue inside this transaction (e.g. with the inbox row of the webhook). */
  trx?: Transaction<Database>;
  /** Gather further hints for this long before the pass starts (config `cin7.webhooks.debounceMs`). */
  debounceMs?: number;
  reason?: string;
}

/**
 * Asks for a pass of `kind`. While one is already waiting, this adds nothing (returns null): a
 * burst of webhooks costs one pass, plus one more if the burst outlasts a running pass.
 *
 * The debounce is leading-edge: with `trx`, a hint arriving after a quiet spell (no pass started
 * or ended within `debounceMs`) starts its pass at once, so a lone webhook reaches GHL in about a
 * second; hints arriving during or right after a pass wait until `debounceMs` after it, gathering
 * the rest of a burst into one more pass.
 *
 * @example
 * await requestFeedPass(queue, 'customers', connectionId, { trx, debounceMs: 2000, reason: 'webhook' });
 */
export async function requestFeedPass(
  queue: JobQueue,
  kind: Cin7FeedKind,
  connectionId: string,
  options: RequestPassOptions = {},
): Promise<string | null> {
  let delayMs = options.debounceMs ?? 0;
  if (delayMs > 0 && options.trx) {
    // Passes are spaced at least `debounceMs` apart (from the start of the running one, else the
    // end of the last one); a hint after a quiet spell starts its pass at once.
    const state = await readState(options.trx, feedName(kind, connectionId));
    const since = state.pass
      ? state.pass.startedAt
      : state.last
        ? Date.parse(state.last.completedAt)
        : Number.NaN;
    delayMs = Number.isNaN(since) ? 0 : Math.max(0, since + delayMs - Date.now());
  }
  return queue.send(
    feedJob(kind),
    { connectionId, ...(options.reason ? { reason: options.reason } : {}) },
    {
      ...(options.trx ? { trx: options.trx } : {}),
      ...(delayMs > 0 ? { startAfterSeconds: delayMs / 1000 } : {}),
    },
  );
}

export interface FeedWorkerDeps {
  store: Store;
  queue: JobQueue;
  logger: Logger;
  /** The client of a connection (built once and cached by the caller). */
  client: (connectionId: string) => Cin7Client | Promise<Cin7Client>;
  /** What to do with each page of changes (the sync engine); a feed without one gets no worker. */
  consumers: {
    customers?: FeedConsumer<Cin7Customer>;
    sales?: FeedConsumer<Cin7SaleListItem>;
  };
  overlapMs?: number;
  /** Told after every pass (metrics, tests). */
  onPass?: (result: PassResult, connectionId: string) => void;
}

/**
 * Runs feed passes for the feeds that have a consumer. After a completed pass, the webhook hints
 * that were waiting when it started are marked done in the inbox (the pass covered them).
 *
 * @example
 * await startCin7FeedWorkers({ store, queue, logger, client: () => cin7, consumers: { customers: onCustomers } });
 */
export async function startCin7FeedWorkers(deps: FeedWorkerDeps): Promise<void> {
  for (const kind of ['customers', 'sales'] as const) {
    const consumer = deps.consumers[kind];
    if (!consumer) continue;
    await deps.queue.work(feedJob(kind), { batchSize: 1 }, async (payload, job) => {
      // Schedules paused from the dashboard: a polling pass is skipped (webhook hints still pass).
      if (await scheduledPassPaused(deps.store.db, 'sync', payload.reason)) {
        deps.logger.info(
          { feed: kind, connectionId: payload.connectionId },
          'scheduled pass skipped: paused',
        );
        return;
      }
      const client = await deps.client(payload.connectionId);
      const options = {
        store: deps.store,
        client,
        connectionId: payload.connectionId,
        logger: deps.logger,
        ...(deps.overlapMs !== undefined ? { overlapMs: deps.overlapMs } : {}),
        ...(payload.reason ? { reason: payload.reason } : {}),
      };
      const feed: ChangeFeed<Cin7Customer> | ChangeFeed<Cin7SaleListItem> =
        kind === 'customers'
          ? customerFeed({ ...options, consumer: consumer as FeedConsumer<Cin7Customer> })
          : saleFeed({ ...options, consumer: consumer as FeedConsumer<Cin7SaleListItem> });
      const hints = await deps.store.db
        .selectFrom('inbox')
        .select((eb) => eb.fn.max('id').as('max'))
        .where('source', '=', hintSource(kind))
        .where('status', '=', 'pending')
        .executeTakeFirst();
      const result = await feed.runPass({ signal: job.signal });
      deps.logger.info(
        {
          connectionId: payload.connectionId,
          feed: kind,
          reason: payload.reason,
          pages: result.pages,
          calls: result.calls,
          delivered: result.delivered,
          completed: result.completed,
        },
        'cin7 feed pass',
      );
      deps.onPass?.(result, payload.connectionId);
      if (!result.completed)
        throw new Error(`cin7 ${kind} feed pass stopped at page ${result.pages}; it resumes`);
      if (hints?.max !== null && hints?.max !== undefined) {
        await deps.store.db
          .updateTable('inbox')
          .set({ status: 'done', processed_at: new Date() })
          .where('source', '=', hintSource(kind))
          .where('status', '=', 'pending')
          .where('id', '<=', String(hints.max))
          .execute();
      }
    });
  }
}

export interface WebhookCheckDeps {
  store: Store;
  queue: JobQueue;
  logger: Logger;
  client: (connectionId: string) => Cin7Client | Promise<Cin7Client>;
  connectionId: string;
  /** Config `server.publicUrl`. */
  publicUrl: string;
  /** Config `cin7.webhooks.checkIntervalMinutes`, in ms (tests use seconds). */
  intervalMs: number;
  /** Time zone of the backstop schedule (config `timeZone`). */
  timeZone: string;
  types?: readonly string[];
}

/**
 * Checks our webhooks now and then every `intervalMs`: each check enqueues the next one (singleton
 * per connection, so the cron schedule on the same interval only fills in should the chain break).
 *
 * @example
 * await startCin7WebhookChecks({ store, queue, logger, client: () => cin7, connectionId,
 *   publicUrl: config.server.publicUrl!, intervalMs: config.cin7.webhooks.checkIntervalMinutes * 60_000, timeZone: config.timeZone });
 */
export async function startCin7WebhookChecks(deps: WebhookCheckDeps): Promise<void> {
  const next = () =>
    deps.queue.send(
      cin7WebhookCheckJob,
      { connectionId: deps.connectionId },
      { startAfterSeconds: deps.intervalMs / 1000 },
    );
  await deps.queue.work(cin7WebhookCheckJob, { batchSize: 1 }, async (payload, job) => {
    try {
      const client = await deps.client(payload.connectionId);
      await checkCin7Webhooks({
        store: deps.store,
        client,
        connectionId: payload.connectionId,
        publicUrl: deps.publicUrl,
        logger: deps.logger,
        signal: job.signal,
        ...(deps.types ? { types: deps.types } : {}),
      });
    } finally {
      await next();
    }
  });
  await deps.queue.schedule(
    cin7WebhookCheckJob,
    everyMinutesCron(deps.intervalMs / 60_000),
    { connectionId: deps.connectionId },
    { tz: deps.timeZone, key: scheduleKey(deps.connectionId) },
  );
  await deps.queue.send(cin7WebhookCheckJob, { connectionId: deps.connectionId });
}

/**
 * Polls both feeds on a schedule (config `sync.pollIntervalMinutes`): the backstop for webhooks,
 * which are late, unsigned and switched off after failures.
 *
 * @example
 * await scheduleCin7Polling(queue, connectionId, { everyMinutes: 5, timeZone: 'UTC' });
 */
export async function scheduleCin7Polling(
  queue: JobQueue,
  connectionId: string,
  options: { everyMinutes: number; timeZone: string },
): Promise<void> {
  const cron = everyMinutesCron(options.everyMinutes);
  for (const kind of ['customers', 'sales'] as const) {
    await queue.schedule(
      feedJob(kind),
      cron,
      { connectionId, reason: 'schedule' },
      {
        tz: options.timeZone,
        key: scheduleKey(connectionId),
      },
    );
  }
}

/** pg-boss schedule keys allow letters, digits, `_`, `-`, `.` and `/` only (a connection id has `:`). */
function scheduleKey(connectionId: string): string {
  return connectionId.replace(/[^A-Za-z0-9_./-]/g, '_');
}

/** A 5-field cron running about every `minutes` (exactly when it divides an hour or a day). */
export function everyMinutesCron(minutes: number): string {
  const m = Math.max(1, Math.round(minutes));
  if (m < 60) return m === 1 ? '* * * * *' : `*/${m} * * * *`;
  const h = Math.max(1, Math.round(m / 60));
  return h >= 24 ? '0 0 * * *' : `0 */${h} * * *`;
}
