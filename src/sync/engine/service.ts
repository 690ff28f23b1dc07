/**
 * The sync engine as the service runs it: the `sync.customer` worker (one customer at a time, per
 * its singleton key and lock), the Cin7 feed workers with the engine's consumers, the inbox
 * processor, and the polling schedule (`sync.pollIntervalMinutes`). Cin7 webhooks reach it through
 * `cin7WebhookRoutes` (a debounced feed pass); the pass stores snapshots and enqueues one job per
 * changed customer.
 */
import type { Cin7Client } from '../../cin7/client.js';
import { CIN7_JOB_KINDS, scheduleCin7Polling, startCin7FeedWorkers } from '../../cin7/feed-jobs.js';
import type { Config } from '../../config/load.js';
import type { GhlClient } from '../../ghl/client.js';
import type { JobQueue } from '../../jobs/queue.js';
import type { Logger } from '../../log/logger.js';
import type { Store } from '../../store/open.js';
import { type InboxHandlers, inboxJob, startInboxProcessor } from '../inbox/processor.js';
import {
  type MappingConfig,
  loadMapping,
  needsCustomFieldIds,
  withCustomFieldIds,
} from '../mapping/index.js';
import { dirtyCustomerIds } from '../repo/customers.js';
import { type TagRules, loadTagRules } from '../rules/index.js';
import { BusinessDirectory } from './business.js';
import { customersConsumer, salesConsumer } from './consumers.js';
import { syncCustomerJob } from './job-kinds.js';
import { type CustomerLock, customerLockFor } from './lock.js';
import { LookupMatcher } from './matcher.js';
import { syncCustomer } from './sync-customer.js';
import type { EngineDeps, EngineHooks } from './types.js';

export interface SyncServiceDeps {
  store: Store;
  queue: JobQueue;
  config: Config;
  logger: Logger;
  ghl: GhlClient;
  cin7: Cin7Client;
  locationId: string;
  /** The Cin7 connection (`cin7:<accountId>`). */
  connectionId: string;
  mapping?: MappingConfig;
  rules?: TagRules;
  lock?: CustomerLock;
  hooks?: EngineHooks;
  /** `sync.customer` jobs run at once in this process (default 5). */
  concurrency?: number;
  /** Schedule the polling passes (default true). */
  polling?: boolean;
  inboxHandlers?: InboxHandlers;
}

export interface SyncService {
  engine: EngineDeps;
  /** Enqueues a job for every customer still dirty (e.g. left by a stopped foreground run); answers how many. */
  sweep(): Promise<number>;
  /** Releases the lock's connections (stop the queue first). */
  close(): Promise<void>;
}

/** Every job kind the sync uses (register them at start: sends inside PGlite transactions need it). */
export const SYNC_JOB_KINDS = [syncCustomerJob, inboxJob] as const;

/**
 * Starts the sync workers on `queue`.
 *
 * @example
 * const sync = await startSyncService({ store, queue, config, logger, ...clients });
 * app.route('/webhooks/cin7', await cin7WebhookRoutes({ store, queue, logger, connectionId, getSecret, debounceMs }));
 */
export async function startSyncService(deps: SyncServiceDeps): Promise<SyncService> {
  const { store, queue, config, logger, ghl } = deps;
  for (const kind of [...CIN7_JOB_KINDS, ...SYNC_JOB_KINDS]) await queue.register(kind);
  let mapping = deps.mapping ?? loadMapping(config);
  if (needsCustomFieldIds(mapping)) mapping = withCustomFieldIds(mapping, await ghl.listCustomFields());
  const rules = deps.rules ?? loadTagRules(config);
  const ownLock = deps.lock ? null : customerLockFor(store, { poolSize: (deps.concurrency ?? 5) + 2 });
  const lock = deps.lock ?? (ownLock as CustomerLock);
  const engine: EngineDeps = {
    store,
    ghl,
    locationId: deps.locationId,
    mapping,
    rules,
    logger,
    lock,
    businesses: config.sync.businesses && mapping.business.enabled ? new BusinessDirectory(ghl) : null,
    ...(deps.hooks ? { hooks: deps.hooks } : {}),
  };
  const matcher = new LookupMatcher(ghl);
  await queue.work(syncCustomerJob, { batchSize: deps.concurrency ?? 5 }, async (payload, job) => {
    const result = await syncCustomer(engine, payload.customerId, {
      cause: payload.cause ?? 'poll',
      matcher,
      signal: job.signal,
      lockWaitMs: 10_000,
    });
    // Transient trouble (network, rate limit, 5xx, the lock held elsewhere): let the queue retry.
    if (result.status === 'deferred') throw result.error ?? new Error('customer sync deferred');
  });
  await startCin7FeedWorkers({
    store,
    queue,
    logger,
    client: () => deps.cin7,
    consumers: {
      customers: customersConsumer({ rules, queue }),
      sales: salesConsumer({ rules, queue }),
    },
  });
  await startInboxProcessor({
    store,
    queue,
    logger,
    ...(deps.inboxHandlers ? { handlers: deps.inboxHandlers } : {}),
  });
  if (deps.polling !== false) {
    await scheduleCin7Polling(queue, deps.connectionId, {
      everyMinutes: config.sync.pollIntervalMinutes,
      timeZone: config.timeZone,
    });
  }
  const sweep = async () => {
    const ids = await dirtyCustomerIds(store.db);
    for (const customerId of ids) await queue.send(syncCustomerJob, { customerId, cause: 'poll' });
    return ids.length;
  };
  await sweep();
  return {
    engine,
    sweep,
    close: async () => {
      await ownLock?.close();
    },
  };
}
