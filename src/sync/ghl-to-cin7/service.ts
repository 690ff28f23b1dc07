/**
 * GHL → Cin7 as the service runs it: the inbox handlers (given to `startSyncService` before the
 * engine exists), the `sync.ghl-inbound` worker (debounced per customer, under the engine's customer
 * lock), the contact poll (search by `dateUpdated` from a checkpoint, read back an overlap window
 * because search lags) and, with `sync.taskPolling`, the location-wide task poll. Each poll is
 * scheduled every `sync.pollIntervalMinutes`; both catch what lost webhooks did not bring.
 */
import { everyMinutesCron } from '../../cin7/feed-jobs.js';
import type { Cin7Client } from '../../cin7/client.js';
import type { Config } from '../../config/load.js';
import type { GhlClient } from '../../ghl/client.js';
import type { JobQueue } from '../../jobs/queue.js';
import type { Logger } from '../../log/logger.js';
import { getCheckpoint, putCheckpoint } from '../../store/checkpoints.js';
import type { Store } from '../../store/open.js';
import type { EngineDeps } from '../engine/types.js';
import type { InboxHandlers } from '../inbox/processor.js';
import { type MappingConfig, loadMapping } from '../mapping/index.js';
import { adoptLinkedCreate, createFromContact } from './create.js';
import { ghlToCin7Handlers, noteGhlChange } from './events.js';
import {
  GHL_TO_CIN7_JOB_KINDS,
  customerKey,
  ghlInboundJob,
  ghlPollContactsJob,
  ghlPollTasksJob,
} from './jobs.js';
import { pullCustomer, type PullResult } from './pull.js';
import { createIntent, finishInbound, inboundOfContact, moveInbound } from './repo.js';
import { type TaskPollReport, pollTasks } from './tasks.js';
import type { GhlToCin7Deps } from './types.js';

const LOCK_WAIT_MS = 10_000;

/**
 * Runs one `sync.ghl-inbound` job: a linked customer's waiting GHL work (`customer:<id>`, under the
 * customer lock), or an unlinked GHL contact's (`contact:<id>`: created in Cin7 when switched on).
 *
 * @example
 * await processInbound(deps, `customer:${customerId}`);
 */
export async function processInbound(
  deps: GhlToCin7Deps,
  key: string,
  signal?: AbortSignal,
): Promise<PullResult | null> {
  if (key.startsWith('customer:')) return pullLocked(deps, key.slice('customer:'.length), signal);
  const ghlContactId = key.slice('contact:'.length);
  const row = await inboundOfContact(deps.store.db, deps.locationId, ghlContactId);
  if (!row) return null;
  const link = await deps.store.db
    .selectFrom('links')
    .select(['state', 'cin7_customer_id'])
    .where('ghl_location_id', '=', deps.locationId)
    .where('ghl_contact_id', '=', ghlContactId)
    .where('state', '<>', 'unlinked')
    .executeTakeFirst();
  if (link?.state === 'linked') {
    // Linked meanwhile (the engine created or matched it): its customer's work now.
    await adoptLinkedCreate(deps, row, link.cin7_customer_id);
    await moveInbound(deps.store.db, row, link.cin7_customer_id);
    return pullLocked(deps, link.cin7_customer_id, signal);
  }
  if (link?.state === 'pending' || !deps.mapping.createCustomers.enabled || row.needs.deleted) {
    await finishInbound(deps.store.db, [row]);
    return null;
  }
  await createFromContact(deps, row, signal);
  return null;
}

async function pullLocked(
  deps: GhlToCin7Deps,
  customerId: string,
  signal?: AbortSignal,
): Promise<PullResult> {
  const r = await deps.lock.withLock(customerId, () => pullCustomer(deps, customerId, signal), LOCK_WAIT_MS);
  if (!r.ok) throw new Error(`customer ${customerId} is being synced by another job or process; retried`);
  if (r.value.cin7Writes > 0 || r.value.unlinked.length > 0 || r.value.warnings.length > 0) {
    deps.logger.info(
      {
        customerId,
        fields: r.value.fieldsWritten,
        profile: r.value.profileWritten,
        unlinked: r.value.unlinked,
        warnings: r.value.warnings,
      },
      'GHL changes written to Cin7',
    );
  }
  return r.value;
}

export interface ContactPollReport {
  pages: number;
  seen: number;
  /** GHL contacts queued for a re-read. */
  queued: number;
  /** The checkpoint after the pass (ISO). */
  since: string;
}

/** The checkpoint of the contact poll of a location. */
export const contactPollCheckpoint = (locationId: string) => `ghl.poll.contacts:${locationId}`;

/**
 * One pass of the contact poll: `POST /contacts/search` for `dateUpdated` ≥ checkpoint − overlap,
 * oldest first, 500 a page. A linked contact is queued for a re-read when its `dateUpdated` is
 * after the link's last GHL change (so our own writes, whose read-back set it, are not); an
 * unlinked one only when creating Cin7 customers is on. The checkpoint moves after each page.
 *
 * @example
 * const r = await pollContacts(deps); // { pages, seen, queued, since }
 */
export async function pollContacts(deps: GhlToCin7Deps, signal?: AbortSignal): Promise<ContactPollReport> {
  const db = deps.store.db;
  const name = contactPollCheckpoint(deps.locationId);
  const now = (deps.now?.() ?? new Date()).getTime();
  const overlap = deps.pollOverlapMs ?? 120_000;
  const saved = await getCheckpoint<{ since: string }>(db, name);
  let since = saved ? Date.parse(saved.since) : now - overlap;
  if (Number.isNaN(since)) since = now - overlap;
  const from = new Date(since - overlap).toISOString();
  const report: ContactPollReport = { pages: 0, seen: 0, queued: 0, since: new Date(since).toISOString() };
  for await (const page of deps.ghl.searchContactPages(
    {
      locationId: deps.locationId,
      pageLimit: 500,
      filters: [{ field: 'dateUpdated', operator: 'range', value: { gte: from } }],
      sort: [{ field: 'dateUpdated', direction: 'asc' }],
    },
    signal ? { signal } : {},
  )) {
    report.pages++;
    const ids = page.contacts.map((c) => c.id);
    const links = new Map(
      (
        await db
          .selectFrom('links')
          .select(['ghl_contact_id', 'state', 'ghl_changed_at'])
          .where('ghl_location_id', '=', deps.locationId)
          .where('ghl_contact_id', 'in', ids.length > 0 ? ids : [''])
          .where('state', '<>', 'unlinked')
          .execute()
      ).map((l) => [l.ghl_contact_id, l]),
    );
    for (const hit of page.contacts) {
      report.seen++;
      const t = typeof hit.dateUpdated === 'string' ? Date.parse(hit.dateUpdated) : Number.NaN;
      if (!Number.isNaN(t) && t > since) since = t;
      const link = links.get(hit.id);
      if (link) {
        if (link.state !== 'linked') continue;
        if (link.ghl_changed_at && !Number.isNaN(t) && t <= link.ghl_changed_at.getTime()) continue;
      } else {
        if (!deps.mapping.createCustomers.enabled) continue;
        if (await createIntent(db, deps.locationId, hit.id)) continue;
      }
      const r = await noteGhlChange(deps, hit.id, { contact: true }, 'poll', {
        name: 'poll.contacts',
        at: new Date(now).toISOString(),
        ...(typeof hit.dateUpdated === 'string' ? { dateUpdated: hit.dateUpdated } : {}),
      });
      if (r === 'queued') report.queued++;
    }
    await putCheckpoint(db, name, { since: new Date(since).toISOString() });
  }
  if (!saved) await putCheckpoint(db, name, { since: new Date(since).toISOString() });
  report.since = new Date(since).toISOString();
  return report;
}

/**
 * One pass of the task poll (`sync.taskPolling`): contacts whose tasks changed since the last pass
 * are queued for a re-read of their tasks.
 *
 * @example
 * await pollTaskChanges(deps);
 */
export async function pollTaskChanges(deps: GhlToCin7Deps, signal?: AbortSignal): Promise<TaskPollReport> {
  const at = (deps.now?.() ?? new Date()).toISOString();
  return pollTasks(
    deps,
    async (ids) => {
      for (const id of ids)
        await noteGhlChange(deps, id, { tasks: true }, 'poll', { name: 'poll.tasks', at });
    },
    signal,
  );
}

export interface GhlToCin7Options {
  store: Store;
  queue: JobQueue;
  config: Config;
  logger: Logger;
  ghl: GhlClient;
  cin7: Cin7Client;
  locationId: string;
  /** Default: the config's mapping (the engine's, with custom field ids, once started). */
  mapping?: MappingConfig;
  debounceMs?: number;
  pollOverlapMs?: number;
  /** Schedule the polls (default true). */
  polling?: boolean;
  /** `sync.ghl-inbound` jobs at once (default 3). */
  concurrency?: number;
  hooks?: GhlToCin7Deps['hooks'];
}

export interface GhlToCin7Service {
  /** The GHL inbox handlers: give them to `startSyncService({ inboxHandlers })`. */
  handlers: NonNullable<InboxHandlers['ghl']>;
  /** Starts the workers and the schedules on the engine's mapping and lock. */
  start(engine: Pick<EngineDeps, 'mapping' | 'lock'>): Promise<GhlToCin7Deps>;
}

/**
 * GHL → Cin7 in the service: handlers first (the engine starts the inbox processor), then `start`.
 *
 * @example
 * const g2c = ghlToCin7Service({ store, queue, config, logger, ghl, cin7, locationId });
 * const sync = await startSyncService({ ..., inboxHandlers: { ghl: { ...defaultInboxHandlers().ghl, ...g2c.handlers } } });
 * await g2c.start(sync.engine);
 */
export function ghlToCin7Service(options: GhlToCin7Options): GhlToCin7Service {
  const base = {
    store: options.store,
    queue: options.queue,
    logger: options.logger,
    ghl: options.ghl,
    cin7: options.cin7,
    locationId: options.locationId,
    ...(options.debounceMs !== undefined ? { debounceMs: options.debounceMs } : {}),
    ...(options.pollOverlapMs !== undefined ? { pollOverlapMs: options.pollOverlapMs } : {}),
    ...(options.hooks ? { hooks: options.hooks } : {}),
  };
  let deps: GhlToCin7Deps = {
    ...base,
    mapping: options.mapping ?? loadMapping(options.config),
    lock: {
      withLock: async () => {
        throw new Error('GHL → Cin7 is not started yet');
      },
      close: async () => {},
    },
  };
  const handlers = ghlToCin7Handlers({
    get store() {
      return deps.store;
    },
    get queue() {
      return deps.queue;
    },
    get mapping() {
      return deps.mapping;
    },
    get lock() {
      return deps.lock;
    },
    ghl: base.ghl,
    cin7: base.cin7,
    logger: base.logger,
    locationId: base.locationId,
    ...(options.debounceMs !== undefined ? { debounceMs: options.debounceMs } : {}),
  });
  return {
    handlers,
    start: async (engine) => {
      deps = { ...deps, mapping: engine.mapping, lock: engine.lock };
      const { queue, config } = options;
      for (const kind of GHL_TO_CIN7_JOB_KINDS) await queue.register(kind);
      await queue.work(ghlInboundJob, { batchSize: options.concurrency ?? 3 }, async (p, job) => {
        await processInbound(deps, p.key, job.signal);
      });
      await queue.work(ghlPollContactsJob, { batchSize: 1 }, async (_p, job) => {
        const r = await pollContacts(deps, job.signal);
        options.logger.debug({ ...r }, 'GHL contact poll');
      });
      await queue.work(ghlPollTasksJob, { batchSize: 1 }, async (_p, job) => {
        const r = await pollTaskChanges(deps, job.signal);
        options.logger.debug({ ...r }, 'GHL task poll');
      });
      if (options.polling !== false) {
        const cron = everyMinutesCron(config.sync.pollIntervalMinutes);
        await queue.schedule(ghlPollContactsJob, cron, { reason: 'schedule' }, { tz: config.timeZone });
        if (config.sync.taskPolling) {
          await queue.schedule(ghlPollTasksJob, cron, { reason: 'schedule' }, { tz: config.timeZone });
        }
      }
      // Work left waiting by a stopped process.
      const waiting = await options.store.db
        .selectFrom('ghl_inbound')
        .select(['ghl_contact_id', 'cin7_customer_id'])
        .where('location_id', '=', options.locationId)
        .execute();
      for (const w of waiting) {
        await queue.send(ghlInboundJob, {
          key: w.cin7_customer_id ? customerKey(w.cin7_customer_id) : `contact:${w.ghl_contact_id}`,
        });
      }
      return deps;
    },
  };
}
