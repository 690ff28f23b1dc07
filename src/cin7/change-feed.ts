/**
 * The loss-free Cin7 change feeds: customers by `ModifiedSince` (with `IncludeDeprecated=true`, or
 * deactivations would be invisible) and sale-list rows by `UpdatedSince`.
 *
 * Why it loses nothing:
 * - A pass reads every page of "changed since S". With that filter a record never leaves the result
 *   set while the pass pages (its timestamp only grows), so offset paging can repeat a record (when
 *   one is created or first changed ahead of the current offset) but never skip one; the results'
 *   order does not matter.
 * - The watermark advances only after a full pass, and never past the moment that pass began by
 *   Cin7's clock: a record changed during the pass — perhaps on a page already read — has a newer
 *   timestamp and is caught by the next pass. Cin7's clock is estimated from the data: every record
 *   read was last modified before Cin7 answered, so `max(LastModifiedOn) − local receive time` is a
 *   lower bound of (Cin7 clock − local clock); the pass start plus that bound is never later than the
 *   true start. The next pass reads from the watermark minus an overlap (commits in flight, clock
 *   jitter), rounded down to the second.
 * - A checkpoint is saved after every page, in the transaction that hands the page to the consumer,
 *   so a stopped feed resumes at the next page of the same pass.
 * - Each (ID, timestamp) is handed on once: processed pairs are kept in `cin7_feed_seen` (committed
 *   with the page), and pruned behind the next pass's lower bound, where they cannot come back.
 */
import type { Generated, Kysely, Transaction } from 'kysely';
import type { Logger } from '../log/logger.js';
import { getCheckpoint, putCheckpoint } from '../store/checkpoints.js';
import type { Store } from '../store/open.js';
import type { Database, Json } from '../store/schema.js';
import type { Cin7Client } from './client.js';
import { floorToSecond, formatCin7Param, parseCin7Date } from './normalize.js';
import type { PageResult } from './pager.js';
import type { Cin7Customer, Cin7SaleListItem } from './schemas.js';

export type Cin7FeedKind = 'customers' | 'sales';

/** One change handed to the consumer: a record as read, with its identity and timestamp. */
export interface FeedChange<T> {
  /** Lower-case GUID. */
  id: string;
  /** `LastModifiedOn` (customers) or `Updated` (sales), ISO UTC with milliseconds. */
  modifiedAt: string;
  record: T;
}

/** What a consumer learns about the page it handles. */
export interface FeedPageContext {
  /** The transaction that also records the changes as processed and saves the checkpoint. */
  trx: Transaction<Database>;
  kind: Cin7FeedKind;
  connectionId: string;
  page: number;
  /** Why the pass runs (`webhook`, `schedule`, `manual`, …), when the caller said. */
  reason?: string;
}

/**
 * Handles one page of changes, inside the feed's transaction (enqueue jobs with `{ trx }`): if it
 * throws, nothing of the page is recorded and the page is read again next time.
 */
export type FeedConsumer<T> = (changes: FeedChange<T>[], ctx: FeedPageContext) => Promise<void>;

export interface ChangeFeedOptions<T> {
  store: Store;
  client: Cin7Client;
  /** The Cin7 connection the feed reads (`cin7:<accountId>`): names its checkpoint and dedupe rows. */
  connectionId: string;
  consumer: FeedConsumer<T>;
  /** Re-read window behind the watermark (default 5 minutes). */
  overlapMs?: number;
  logger?: Logger;
  /** The local clock (tests). */
  now?: () => number;
  /** Why the pass runs (`webhook`, `schedule`, `manual`, …): handed to the consumer. */
  reason?: string;
}

export interface PassOptions {
  signal?: AbortSignal;
  /** Stop after this many pages (the pass stays open and resumes from its checkpoint). */
  maxPages?: number;
}

/** What one `runPass` did. */
export interface PassResult {
  kind: Cin7FeedKind;
  /** True when the pass read its last page (the watermark may have moved). */
  completed: boolean;
  /** True when this run continued a pass a previous run had started. */
  resumed: boolean;
  /** Pages read in this run. */
  pages: number;
  /** HTTP attempts this run made (Cin7 calls, retries included). */
  calls: number;
  /** Rows read. */
  records: number;
  /** Changes handed to the consumer. */
  delivered: number;
  /** Rows skipped as already processed (overlap, repeated offsets). */
  duplicates: number;
  /** The lower bound this pass reads from (`ModifiedSince`/`UpdatedSince`), null for a full read. */
  since: string | null;
  /** The watermark after this run. */
  watermark: string | null;
  /** Local time the pass began (ISO), for callers that settle hints received before it. */
  passStartedAt: string;
}

/** The pass in progress, as checkpointed. */
interface PassState {
  since: string | null;
  /** Next page to read. */
  page: number;
  limit: number;
  /** Local ms when the pass began. */
  startedAt: number;
  /** Lower bound of (Cin7 clock − local clock) from the data read so far. */
  skewMs: number | null;
  pages: number;
  delivered: number;
}

/** The checkpoint of one feed. */
export interface FeedState {
  v: 1;
  /** ISO; null until a pass has seen data. */
  watermark: string | null;
  pass: PassState | null;
  last: { completedAt: string; pages: number; delivered: number } | null;
}

interface FeedSpec<T> {
  kind: Cin7FeedKind;
  operation: 'cin7.customers.list' | 'cin7.sales.list';
  pages(
    client: Cin7Client,
    since: string | null,
    options: { startPage: number; limit: number; signal?: AbortSignal },
  ): AsyncGenerator<PageResult<T>>;
  key(row: T): { id: string; modified: string | null };
}

const CUSTOMERS: FeedSpec<Cin7Customer> = {
  kind: 'customers',
  operation: 'cin7.customers.list',
  pages: (client, since, o) =>
    client.customerPages({ IncludeDeprecated: true, ...(since ? { ModifiedSince: since } : {}) }, o),
  key: (c) => ({ id: c.ID, modified: c.LastModifiedOn }),
};

const SALES: FeedSpec<Cin7SaleListItem> = {
  kind: 'sales',
  operation: 'cin7.sales.list',
  pages: (client, since, o) => client.salePages(since ? { UpdatedSince: since } : {}, o),
  key: (s) => ({ id: s.SaleID, modified: s.Updated }),
};

/** What the dedupe table looks like to Kysely (migration 0020). */
type FeedTables = {
  cin7_feed_seen: { feed: string; record_id: string; modified_at: Date; seen_at: Generated<Date> };
};

const DEFAULT_OVERLAP_MS = 5 * 60_000;
const INSERT_CHUNK = 500;

/** The checkpoint (and dedupe) name of a feed: `cin7.feed.<kind>:<connectionId>`. */
export function feedName(kind: Cin7FeedKind, connectionId: string): string {
  return `cin7.feed.${kind}:${connectionId}`;
}

/**
 * A change feed over one Cin7 list. Not safe to run twice at once for one connection: run passes
 * through the feed job kinds (`feed-jobs.ts`), whose singleton keys guarantee that.
 *
 * @example
 * const feed = customerFeed({ store, client, connectionId, consumer: async (changes, { trx }) => {
 *   await queue.sendMany(syncCustomer, changes.map((c) => ({ id: c.id })), { trx });
 * }});
 * const result = await feed.runPass(); // { completed, pages, calls, delivered, watermark, … }
 */
export class ChangeFeed<T> {
  readonly name: string;
  readonly #spec: FeedSpec<T>;
  readonly #o: ChangeFeedOptions<T>;
  readonly #overlapMs: number;
  readonly #now: () => number;

  constructor(spec: FeedSpec<T>, options: ChangeFeedOptions<T>) {
    this.#spec = spec;
    this.#o = options;
    this.name = feedName(spec.kind, options.connectionId);
    this.#overlapMs = options.overlapMs ?? DEFAULT_OVERLAP_MS;
    this.#now = options.now ?? Date.now;
  }

  get kind(): Cin7FeedKind {
    return this.#spec.kind;
  }

  /** The feed's checkpoint (watermark, pass in progress). */
  async state(): Promise<FeedState> {
    return readState(this.#o.store.db, this.name);
  }

  /** Forgets the watermark, the pass in progress and what was processed: the next pass reads everything. */
  async reset(): Promise<void> {
    await this.#o.store.transaction(async (trx) => {
      await seenTable(trx).deleteFrom('cin7_feed_seen').where('feed', '=', this.name).execute();
      await putCheckpoint(trx, this.name, toJson(emptyState()));
    });
  }

  /**
   * Runs (or resumes) one pass: reads every page of changes since the watermark minus the overlap,
   * hands each page's unseen changes to the consumer with a checkpoint, and on the last page
   * advances the watermark. Stops early (resumable) on `signal` or `maxPages`.
   */
  async runPass(options: PassOptions = {}): Promise<PassResult> {
    const { store, client, consumer, logger } = this.#o;
    const state = await this.state();
    const resumed = state.pass !== null;
    const pass: PassState = state.pass ?? {
      since: nextSince(state.watermark, this.#overlapMs),
      page: 1,
      limit: client.pageSizeFor(this.#spec.operation),
      startedAt: this.#now(),
      skewMs: null,
      pages: 0,
      delivered: 0,
    };
    const result: PassResult = {
      kind: this.#spec.kind,
      completed: false,
      resumed,
      pages: 0,
      calls: 0,
      records: 0,
      delivered: 0,
      duplicates: 0,
      since: pass.since,
      watermark: state.watermark,
      passStartedAt: new Date(pass.startedAt).toISOString(),
    };
    const pageOptions = {
      startPage: pass.page,
      limit: pass.limit,
      ...(options.signal ? { signal: options.signal } : {}),
    };
    let stoppedEarly = false;
    for await (const page of this.#spec.pages(client, pass.since, pageOptions)) {
      const receivedAt = this.#now();
      result.pages++;
      result.calls += page.attempts;
      result.records += page.rows.length;

      const changes: FeedChange<T>[] = [];
      const inPage = new Set<string>();
      let newest: number | null = null;
      for (const row of page.rows) {
        const key = this.#spec.key(row);
        const ms = parseCin7Date(key.modified);
        if (ms !== null && (newest === null || ms > newest)) newest = ms;
        const modifiedAt = new Date(ms ?? 0).toISOString();
        const k = `${key.id}\u0000${modifiedAt}`;
        if (inPage.has(k)) continue;
        inPage.add(k);
        changes.push({ id: key.id, modifiedAt, record: row });
      }
      if (newest !== null) {
        const bound = newest - receivedAt;
        pass.skewMs = pass.skewMs === null ? bound : Math.max(pass.skewMs, bound);
      }
      const fresh = await this.#unseen(changes);
      result.duplicates += page.rows.length - fresh.length;
      pass.page = page.page + 1;
      pass.limit = page.limit;
      pass.pages++;
      pass.delivered += fresh.length;
      await store.transaction(async (trx) => {
        if (fresh.length > 0) {
          await consumer(fresh, {
            trx,
            kind: this.#spec.kind,
            connectionId: this.#o.connectionId,
            page: page.page,
            ...(this.#o.reason ? { reason: this.#o.reason } : {}),
          });
          await this.#markSeen(trx, fresh);
        }
        await putCheckpoint(trx, this.name, toJson({ ...state, pass }));
      });
      result.delivered += fresh.length;
      if (options.maxPages !== undefined && result.pages >= options.maxPages) {
        stoppedEarly = true;
        break;
      }
    }
    if (stoppedEarly || options.signal?.aborted) {
      logger?.info(
        { feed: this.name, page: pass.page, pages: result.pages },
        'cin7 feed pass stopped; it resumes here',
      );
      return result;
    }

    const old = state.watermark === null ? null : parseCin7Date(state.watermark);
    const estimate = pass.skewMs === null ? null : pass.startedAt + pass.skewMs;
    const watermark = estimate === null ? old : old === null ? estimate : Math.max(old, estimate);
    const watermarkIso = watermark === null ? null : new Date(watermark).toISOString();
    const pruneBelow = nextSince(watermarkIso, this.#overlapMs);
    await store.transaction(async (trx) => {
      if (pruneBelow !== null) {
        await seenTable(trx)
          .deleteFrom('cin7_feed_seen')
          .where('feed', '=', this.name)
          .where('modified_at', '<', new Date(`${pruneBelow}Z`))
          .execute();
      }
      const done: FeedState = {
        v: 1,
        watermark: watermarkIso,
        pass: null,
        last: {
          completedAt: new Date(this.#now()).toISOString(),
          pages: pass.pages,
          delivered: pass.delivered,
        },
      };
      await putCheckpoint(trx, this.name, toJson(done));
    });
    result.completed = true;
    result.watermark = watermarkIso;
    logger?.debug(
      {
        feed: this.name,
        pages: result.pages,
        calls: result.calls,
        delivered: result.delivered,
        watermark: watermarkIso,
      },
      'cin7 feed pass complete',
    );
    return result;
  }

  async #unseen(changes: FeedChange<T>[]): Promise<FeedChange<T>[]> {
    if (changes.length === 0) return changes;
    const ids = [...new Set(changes.map((c) => c.id))];
    const seen = new Set<string>();
    for (let i = 0; i < ids.length; i += INSERT_CHUNK) {
      const rows = await seenTable(this.#o.store.db)
        .selectFrom('cin7_feed_seen')
        .select(['record_id', 'modified_at'])
        .where('feed', '=', this.name)
        .where('record_id', 'in', ids.slice(i, i + INSERT_CHUNK))
        .execute();
      for (const r of rows) seen.add(`${r.record_id}\u0000${new Date(r.modified_at).toISOString()}`);
    }
    return changes.filter((c) => !seen.has(`${c.id}\u0000${c.modifiedAt}`));
  }

  async #markSeen(trx: Transaction<Database>, changes: FeedChange<T>[]): Promise<void> {
    for (let i = 0; i < changes.length; i += INSERT_CHUNK) {
      await seenTable(trx)
        .insertInto('cin7_feed_seen')
        .values(
          changes.slice(i, i + INSERT_CHUNK).map((c) => ({
            feed: this.name,
            record_id: c.id,
            modified_at: new Date(c.modifiedAt),
          })),
        )
        .onConflict((oc) => oc.columns(['feed', 'record_id', 'modified_at']).doNothing())
        .execute();
    }
  }
}

/**
 * The customer feed: `GET /customer?ModifiedSince=…&IncludeDeprecated=true`, keyed on
 * (`ID`, `LastModifiedOn`).
 *
 * @example
 * const feed = customerFeed({ store, client, connectionId: 'cin7:…', consumer });
 */
export function customerFeed(options: ChangeFeedOptions<Cin7Customer>): ChangeFeed<Cin7Customer> {
  return new ChangeFeed(CUSTOMERS, options);
}

/**
 * The sale feed: `GET /saleList?UpdatedSince=…`, keyed on (`SaleID`, `Updated`). Rows carry
 * `CustomerID`, `Status` and amounts: enough for purchase aggregates without `GET /sale`.
 */
export function saleFeed(options: ChangeFeedOptions<Cin7SaleListItem>): ChangeFeed<Cin7SaleListItem> {
  return new ChangeFeed(SALES, options);
}

/** The checkpoint of a feed (an empty state when none was saved). */
export async function readState(db: Kysely<Database>, name: string): Promise<FeedState> {
  const value = await getCheckpoint(db, name);
  if (value && typeof value === 'object' && !Array.isArray(value) && (value as { v?: unknown }).v === 1)
    return value as unknown as FeedState;
  return emptyState();
}

function emptyState(): FeedState {
  return { v: 1, watermark: null, pass: null, last: null };
}

/** The lower bound a pass after `watermark` reads from: watermark − overlap, whole seconds, zone-less UTC. */
function nextSince(watermark: string | null, overlapMs: number): string | null {
  if (watermark === null) return null;
  const ms = parseCin7Date(watermark);
  return ms === null ? null : formatCin7Param(floorToSecond(ms - overlapMs));
}

function toJson(state: FeedState): Json {
  return state as unknown as Json;
}

function seenTable(db: Kysely<Database>) {
  return db.withTables<FeedTables>();
}
