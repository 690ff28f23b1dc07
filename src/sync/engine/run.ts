/**
 * A foreground sync pass, run to completion (`cin7-ghl sync run`), ordered to spend as few calls
 * as the budget formula allows: `me` once; the sales feed before the customers (so rule tags are
 * known when contacts are created, and go into the create bodies); customers 1,000 a page; on an
 * initial or full sync every GHL contact prefetched once (search pages of 500) for matching; then
 * every dirty customer synced from its stored snapshot — no per-customer GET, nothing for an
 * unchanged record.
 */
import { setMaxListeners } from 'node:events';
import type { Cin7Client } from '../../cin7/client.js';
import { customerFeed, feedName, readState, saleFeed } from '../../cin7/change-feed.js';
import type { Config } from '../../config/load.js';
import { errorMessage, isAppError } from '../../errors/index.js';
import type { GhlClient } from '../../ghl/client.js';
import { CallCounter } from '../../http/counter.js';
import type { Logger } from '../../log/logger.js';
import type { Store } from '../../store/open.js';
import type { Json } from '../../store/schema.js';
import {
  type MappingConfig,
  type SkippedContact,
  loadMapping,
  needsCustomFieldIds,
  withCustomFieldIds,
} from '../mapping/index.js';
import { dirtyCustomerIds } from '../repo/customers.js';
import { finishRun, liveRun, runProgress, startRun } from '../repo/runs.js';
import { type TagRules, loadTagRules } from '../rules/index.js';
import { BusinessDirectory } from './business.js';
import { customersConsumer, salesConsumer } from './consumers.js';
import { SyncBusyError, isFatal } from './errors.js';
import { type CustomerLock, customerLockFor } from './lock.js';
import { LookupMatcher, type Matcher, PrefetchMatcher } from './matcher.js';
import { syncCustomer } from './sync-customer.js';
import { RunTally } from './tally.js';
import type { Cause, EngineDeps, EngineHooks } from './types.js';

export interface SyncRunDeps {
  store: Store;
  config: Config;
  logger: Logger;
  ghl: GhlClient;
  cin7: Cin7Client;
  locationId: string;
  /** The Cin7 connection (`cin7:<accountId>`). */
  connectionId: string;
  /** The counter of the HTTP layer both clients use: the run reports its difference. */
  counter: CallCounter;
  /** Default: `loadMapping(config)`. */
  mapping?: MappingConfig;
  /** Default: `loadTagRules(config)`. */
  rules?: TagRules;
  /** Default: `customerLockFor(store)` (closed at the end). */
  lock?: CustomerLock;
  hooks?: EngineHooks;
  now?: () => Date;
}

export type RunPhase = 'me' | 'sales' | 'customers' | 'prefetch' | 'sync' | 'done';

export interface RunProgress {
  phase: RunPhase;
  /** Done in this phase (pages, contacts prefetched, customers synced). */
  done: number;
  /** Known total of the phase, or null. */
  total: number | null;
}

export interface SyncRunOptions {
  /** Read everything (the feeds start over) and prefetch GHL for matching. */
  full?: boolean;
  /** Customers synced at once (default 8). */
  concurrency?: number;
  onProgress?: (p: RunProgress) => void;
  signal?: AbortSignal;
  /** Recorded in the audit (default `manual`). */
  cause?: Cause;
  /** Recorded on the run (default `manual`). */
  trigger?: string;
  /** Which feeds to read (default both; `trigger simulate cin7.poll.*` reads one). */
  feeds?: { customers: boolean; sales: boolean };
}

/** What a run did: the `--json` fields, and the details behind them. */
export interface SyncRunReport {
  runId: string | null;
  mode: 'incremental' | 'initial' | 'full';
  status: 'completed' | 'partial' | 'failed';
  customersRead: number;
  contactsCreated: number;
  contactsUpdated: number;
  unchanged: number;
  skipped: number;
  failed: number;
  deferred: number;
  calls: { ghl: number; cin7: number };
  minimumCalls: { ghl: number; cin7: number };
  skippedContacts: SkippedContact[];
  failures: Array<{ cin7CustomerId: string; cin7ContactId: string; code: string; error: string }>;
  deferredCustomers: Array<{ customerId: string; reason: string }>;
  salesRead: number;
  prefetched: number;
  durationMs: number;
  /** Milliseconds per phase (`me`, `sales`, `customers`, `prefetch`, `sync`). */
  timings: Record<string, number>;
  error?: string;
}

const HEARTBEAT_MS = 5_000;

/**
 * Runs one pass to completion. Throws `SyncBusyError` when another foreground run is live; any other
 * error after the run started is reported in the answer (`status: 'failed'`, `error`).
 *
 * @example
 * const report = await runSync({ store, config, logger, ...clients }, { full: false });
 * process.exitCode = report.status === 'completed' ? 0 : report.status === 'partial' ? 2 : 1;
 */
export async function runSync(deps: SyncRunDeps, options: SyncRunOptions = {}): Promise<SyncRunReport> {
  const { store, cin7, ghl, counter } = deps;
  const db = store.db;
  const started = Date.now();
  const busy = await liveRun(db, 'sync');
  if (busy) {
    throw new SyncBusyError(
      'sync_busy',
      `Another sync run (#${busy.id}, started ${busy.startedAt.toISOString()}) is in progress.`,
      {
        hint: 'Wait for it to finish (`cin7-ghl status` shows it); a run whose process died is ignored after a minute.',
      },
    );
  }
  let mapping = deps.mapping ?? loadMapping(deps.config);
  const rules = deps.rules ?? loadTagRules(deps.config);
  const feeds = options.feeds ?? { customers: true, sales: true };
  const customerState = await readState(db, feedName('customers', deps.connectionId));
  const initial = customerState.watermark === null;
  const mode: SyncRunReport['mode'] = options.full ? 'full' : initial ? 'initial' : 'incremental';
  const cause = options.cause ?? 'manual';
  const runId = await startRun(db, { kind: 'sync', mode, trigger: options.trigger ?? 'manual' });
  const tally = new RunTally();
  const before = counter.snapshot();
  const ownLock = deps.lock ? null : customerLockFor(store);
  const lock = deps.lock ?? (ownLock as CustomerLock);
  const stop = new AbortController();
  // Every call in flight listens to it: many at once is expected.
  setMaxListeners(0, stop.signal);
  const onAbort = () => stop.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const progress: RunProgress = { phase: 'me', done: 0, total: null };
  const timings: Record<string, number> = {};
  let phaseStart = Date.now();
  const tell = (p: Partial<RunProgress>) => {
    if (p.phase && p.phase !== progress.phase) {
      timings[progress.phase] = (timings[progress.phase] ?? 0) + Date.now() - phaseStart;
      phaseStart = Date.now();
    }
    Object.assign(progress, p);
    options.onProgress?.({ ...progress });
  };
  const heartbeat = setInterval(() => {
    void runProgress(db, runId, { ...progress } as unknown as Json).catch(() => {});
  }, HEARTBEAT_MS);
  heartbeat.unref();
  let error: unknown = null;
  const now = deps.now ?? (() => new Date());
  try {
    tell({ phase: 'me', done: 0, total: 1 });
    await cin7.me(stop.signal);
    tally.meCalls = 1;

    // GHL first, while the Cin7 pages are still to come: the mapping's custom field ids, and on an
    // initial or full sync every GHL contact, read once for matching.
    if (needsCustomFieldIds(mapping)) mapping = withCustomFieldIds(mapping, await ghl.listCustomFields());
    let matcher: Matcher;
    if (options.full || initial) {
      tell({ phase: 'prefetch', done: 0, total: null });
      const prefetch = await PrefetchMatcher.load(ghl, mapping.defaults.phoneRegion, {
        signal: stop.signal,
        onPage: (read, total) => tell({ done: read, total }),
      });
      tally.prefetchUsed = true;
      tally.prefetched = prefetch.count;
      matcher = prefetch;
    } else {
      matcher = new LookupMatcher(ghl);
    }
    const engine: EngineDeps = {
      store,
      ghl,
      locationId: deps.locationId,
      mapping,
      rules,
      logger: deps.logger,
      lock,
      now,
      businesses: deps.config.sync.businesses && mapping.business.enabled ? new BusinessDirectory(ghl) : null,
      ...(deps.hooks ? { hooks: deps.hooks } : {}),
    };

    const feedOptions = { store, client: cin7, connectionId: deps.connectionId, logger: deps.logger };
    if (feeds.sales) {
      // Before the customers: their rule tags (from purchases) go into the create bodies.
      const feed = saleFeed({ ...feedOptions, consumer: salesConsumer({ rules, now }) });
      if (options.full) await feed.reset();
      tell({ phase: 'sales', done: 0, total: null });
      const pass = await feed.runPass({ signal: stop.signal });
      tally.salesRead = pass.records;
      tell({ done: pass.pages });
    }

    // Customers are synced while later customer pages are read: a page's customers are handed to
    // the workers once its transaction has committed (when the feed asks for the next page, or ends).
    const work = new WorkQueue();
    let pageIds: string[] = [];
    const handOn = () => {
      work.push(pageIds);
      pageIds = [];
    };
    const concurrency = Math.max(1, Math.min(64, Math.trunc(options.concurrency ?? 8)));
    let done = 0;
    const worker = async () => {
      for (;;) {
        const id = await work.next(stop.signal);
        if (id === null) return;
        try {
          await syncCustomer(engine, id, { cause, matcher, runId, tally, signal: stop.signal });
        } catch (e) {
          // Credentials or scopes refused: nothing else will work either.
          error ??= e;
          stop.abort();
          return;
        }
        tell({ done: ++done });
      }
    };
    const workers = Array.from({ length: concurrency }, worker);
    try {
      if (feeds.customers) {
        const consumer = customersConsumer({
          rules,
          now,
          onDirty: (ids) => {
            pageIds.push(...ids);
          },
        });
        const feed = customerFeed({
          ...feedOptions,
          consumer: async (changes, ctx) => {
            handOn();
            await consumer(changes, ctx);
          },
        });
        if (options.full) await feed.reset();
        tell({ phase: 'customers', done: 0, total: null });
        const pass = await feed.runPass({ signal: stop.signal });
        handOn();
        tally.customersRead = pass.records;
        tally.cin7PageSize = cin7.pageSizeFor('cin7.customers.list');
      }
      if (stop.signal.aborted) throw new Error('the run was stopped');
      // Customers left dirty before this run (deferred, or changed by sales) are synced too.
      work.push(await dirtyCustomerIds(db));
      tell({ phase: 'sync', done, total: work.total });
    } finally {
      work.end();
      await Promise.all(workers);
    }
    const left = work.left();
    if (left > 0 && error === null) {
      tally.deferred += left;
      tally.deferredCustomers.push({
        customerId: '(not started)',
        reason: `${left} customers not started: the run was stopped`,
      });
    }
    if (error !== null) throw error;
  } catch (e) {
    error = e;
    if (!isFatal(e) && !isAppError(e)) deps.logger.error({ err: e }, 'sync run failed');
  } finally {
    clearInterval(heartbeat);
    options.signal?.removeEventListener('abort', onAbort);
    await ownLock?.close();
  }
  tell({ phase: 'done' });
  const used = CallCounter.diff(before, counter.snapshot()).totals;
  const calls = { ghl: used.ghl?.calls ?? 0, cin7: used.cin7?.calls ?? 0 };
  const minimumCalls = tally.minimumCalls({ cin7Feeds: feeds.customers || feeds.sales });
  const status: SyncRunReport['status'] =
    error !== null ? 'failed' : tally.failed > 0 || tally.deferred > 0 ? 'partial' : 'completed';
  const failures = await runFailures(store, runId);
  const report: SyncRunReport = {
    runId,
    mode,
    status,
    customersRead: tally.customersRead,
    contactsCreated: tally.contactsCreated,
    contactsUpdated: tally.contactsUpdated,
    unchanged: tally.unchanged,
    skipped: tally.skipped,
    failed: tally.failed,
    deferred: tally.deferred,
    calls,
    minimumCalls,
    skippedContacts: tally.skippedContacts,
    failures,
    deferredCustomers: tally.deferredCustomers,
    salesRead: tally.salesRead,
    prefetched: tally.prefetched,
    durationMs: Date.now() - started,
    timings,
    ...(error !== null ? { error: errorMessage(error) } : {}),
  };
  await finishRun(db, runId, {
    status,
    counts: {
      customersRead: report.customersRead,
      salesRead: report.salesRead,
      contactsCreated: report.contactsCreated,
      contactsUpdated: report.contactsUpdated,
      unchanged: report.unchanged,
      skipped: report.skipped,
      failed: report.failed,
      deferred: report.deferred,
      prefetched: report.prefetched,
    },
    calls,
    minimumCalls,
    timings: { durationMs: report.durationMs, ...timings },
    error: report.error ?? null,
  }).catch((e) => deps.logger.warn({ err: e }, 'could not record the end of the run'));
  return report;
}

async function runFailures(store: Store, runId: string): Promise<SyncRunReport['failures']> {
  const rows = await store.db
    .selectFrom('failures')
    .select(['cin7_customer_id', 'cin7_contact_id', 'code', 'error'])
    .where('run_id', '=', runId)
    .where('status', '=', 'open')
    .orderBy('id')
    .limit(10_000)
    .execute();
  return rows.map((r) => ({
    cin7CustomerId: r.cin7_customer_id,
    cin7ContactId: r.cin7_contact_id,
    code: r.code,
    error: r.error,
  }));
}

/**
 * Customer ids handed to the workers as feed pages commit: each id once per run, in order; `next`
 * waits for more until `end()`.
 */
class WorkQueue {
  readonly #ids: string[] = [];
  readonly #queued = new Set<string>();
  #head = 0;
  #ended = false;
  #wake: (() => void) | null = null;

  get total(): number {
    return this.#ids.length;
  }

  push(ids: readonly string[]): void {
    for (const id of ids) {
      if (this.#queued.has(id)) continue;
      this.#queued.add(id);
      this.#ids.push(id);
    }
    this.#notify();
  }

  end(): void {
    this.#ended = true;
    this.#notify();
  }

  /** Ids not handed out (when the run stopped early). */
  left(): number {
    return this.#ids.length - this.#head;
  }

  async next(signal: AbortSignal): Promise<string | null> {
    for (;;) {
      if (signal.aborted) return null;
      if (this.#head < this.#ids.length) return this.#ids[this.#head++] as string;
      if (this.#ended) return null;
      await new Promise<void>((resolve) => {
        const done = () => {
          signal.removeEventListener('abort', done);
          resolve();
        };
        const previous = this.#wake;
        this.#wake = () => {
          previous?.();
          done();
        };
        signal.addEventListener('abort', done, { once: true });
      });
    }
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }
}
