/**
 * The Cin7 change feeds against the sandbox (results ordered by ID, never by modification time):
 * 10,000 customers with random edits and creations made while the feed pages → every change seen,
 * none missed, each (ID, LastModifiedOn) handed on once; a stopped pass resumes from its checkpoint;
 * a change on a page already read during a pass is caught by the next pass, with Cin7's clock behind
 * or ahead of ours; the sale feed likewise.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FeedChange, customerFeed, feedName, readState, saleFeed } from '../../src/cin7/change-feed.js';
import type { Cin7Customer, Cin7SaleListItem } from '../../src/cin7/schemas.js';
import { requirePostgres } from '../helpers/requirements.js';
import { type Backend, type TestStore, openTestStore } from '../helpers/store.js';
import { type SandboxClient, newCustomer, sandboxClient } from './helpers.js';

const CONNECTION = 'cin7:test-feed';
const pg = requirePostgres('cin7 sale feed on PostgreSQL');
const backends: Backend[] = pg.available ? ['pglite', 'postgres'] : ['pglite'];

/** What a consumer received, and checks on it. */
class Ledger {
  readonly pairs = new Map<string, number>();
  readonly byId = new Map<string, string[]>();
  add(changes: FeedChange<unknown>[]): void {
    for (const c of changes) {
      const k = `${c.id}|${c.modifiedAt}`;
      this.pairs.set(k, (this.pairs.get(k) ?? 0) + 1);
      const list = this.byId.get(c.id) ?? [];
      list.push(c.modifiedAt);
      this.byId.set(c.id, list);
    }
  }
  duplicates(): string[] {
    return [...this.pairs].filter(([, n]) => n > 1).map(([k]) => k);
  }
  /** True when a version of `id` at or after `modifiedAt` was delivered. */
  sawAtLeast(id: string, modifiedAt: string): boolean {
    return (this.byId.get(id) ?? []).some((m) => m >= modifiedAt);
  }
}

const isoOf = (lastModifiedOn: string) => new Date(lastModifiedOn).toISOString();

describe('customer feed: 10,000 customers, edits while paging, stop and resume', () => {
  let t: SandboxClient;
  let s: TestStore;
  beforeAll(async () => {
    [t, s] = await Promise.all([
      sandboxClient({ customers: 10_000, salesPerCustomer: 0, seed: 21 }, { pageSize: 500 }),
      openTestStore({ backend: 'pglite' }),
    ]);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await s?.cleanup();
  });

  it('sees every change exactly once, whatever the order of results and the edits made meanwhile', async () => {
    const ledger = new Ledger();
    /** Every user change made during the test: the version each edit produced. */
    const made: { id: string; modifiedAt: string }[] = [];
    const editSome = (edits: number, creations: number) => {
      for (const e of t.sandbox.control.randomEdits(edits, 0)) {
        const c = t.sandbox.control.customer(e.id) as Cin7Customer & { LastModifiedOn: string };
        made.push({ id: e.id, modifiedAt: isoOf(c.LastModifiedOn) });
      }
      for (let i = 0; i < creations; i++) {
        const c = t.sandbox.control.createCustomer(newCustomer(`Feed New ${made.length}-${i}`));
        made.push({ id: c.ID, modifiedAt: isoOf(c.LastModifiedOn) });
      }
    };
    let editing = true;
    const consumer = async (changes: FeedChange<Cin7Customer>[]) => {
      ledger.add(changes);
      if (editing) editSome(40, 2); // between this page and the next one
    };
    const feed = () => customerFeed({ store: s.store, client: t.client, connectionId: CONNECTION, consumer });

    const seeded = t.sandbox.customers().map((c) => c.ID);
    expect(seeded).toHaveLength(10_000);
    // The results are not in modification order (the sandbox lists by ID).
    const firstPage = t.sandbox
      .customers()
      .slice(0, 500)
      .map((c) => c.LastModifiedOn);
    expect([...firstPage].sort()).not.toEqual(firstPage);

    // Pass 1, stopped after 7 of its 20 pages ("the process was killed").
    const requestsBefore = t.requests.length;
    const first = await feed().runPass({ maxPages: 7 });
    expect(first.completed).toBe(false);
    expect(first.pages).toBe(7);
    const state = await readState(s.store.db, feedName('customers', CONNECTION));
    expect(state.pass?.page).toBe(8);
    expect(state.watermark).toBeNull();

    // A new feed object (a restarted process) resumes at page 8 of the same pass.
    const resumed = await feed().runPass();
    expect(resumed.resumed).toBe(true);
    expect(resumed.completed).toBe(true);
    const pagesAsked = t.requests.slice(requestsBefore).map((r) => Number(r.url.searchParams.get('Page')));
    expect(pagesAsked.slice(0, 8)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // 10,000 seeded + the ones created meanwhile, at 500 a page: page 1 was never read twice.
    expect(pagesAsked.filter((p) => p === 1)).toHaveLength(1);
    expect(first.pages + resumed.pages).toBeGreaterThanOrEqual(20);
    expect(resumed.watermark).not.toBeNull();

    // Every seeded customer was handed on in the first pass.
    expect(seeded.filter((id) => !ledger.byId.has(id))).toEqual([]);

    // Pass 2 (edits still going on), pass 3 (quiet), pass 4 (nothing left).
    const second = await feed().runPass();
    expect(second.completed).toBe(true);
    expect(second.since).not.toBeNull();
    editing = false;
    const third = await feed().runPass();
    const fourth = await feed().runPass();
    expect(fourth.delivered).toBe(0);
    // A quiet pass costs the pages of its overlap window only: ⌈changed since its bound / 500⌉.
    const since = `${fourth.since}Z`;
    const inWindow = t.sandbox.customers().filter((c) => isoOf(c.LastModifiedOn) >= isoOf(since)).length;
    expect(fourth.calls).toBe(Math.max(1, Math.ceil(inWindow / 500)));

    // Nothing missed: every edit's version (or a later one) arrived, and every customer's current state.
    expect(made.length).toBeGreaterThan(800);
    const missed = made.filter((m) => !ledger.sawAtLeast(m.id, m.modifiedAt));
    expect(missed).toEqual([]);
    for (const c of t.sandbox.customers()) {
      expect(ledger.pairs.has(`${c.ID}|${isoOf(c.LastModifiedOn)}`), c.ID).toBe(true);
    }
    // Each change once: no (ID, LastModifiedOn) delivered twice across passes, overlaps and restarts.
    expect(ledger.duplicates()).toEqual([]);
    expect(third.duplicates + second.duplicates).toBeGreaterThan(0); // the overlap re-read them, and they were skipped
  });

  it('prunes what was processed behind the next lower bound', async () => {
    const state = await readState(s.store.db, feedName('customers', CONNECTION));
    const bound = new Date(
      `${new Date(new Date(state.watermark as string).getTime() - 5 * 60_000).toISOString().slice(0, 19)}Z`,
    );
    const { rows } = await s.store.query<{ older: number; total: number }>(
      `select count(*) filter (where modified_at < $2)::int as older, count(*)::int as total
         from cin7_feed_seen where feed = $1`,
      [feedName('customers', CONNECTION), bound],
    );
    expect(rows[0]?.older).toBe(0);
    expect(rows[0]?.total).toBeGreaterThan(0);
  });
});

describe.each([
  ['behind ours by 30 minutes', -30 * 60_000],
  ['ahead of ours by 30 minutes', 30 * 60_000],
])("a change on a page already read is caught by the next pass (Cin7's clock %s)", (_label, skew) => {
  let t: SandboxClient;
  let s: TestStore;
  beforeAll(async () => {
    [t, s] = await Promise.all([
      sandboxClient({ customers: 400, salesPerCustomer: 0, seed: 5, clockSkewMs: skew }, { pageSize: 20 }),
      openTestStore({ backend: 'pglite' }),
    ]);
  });
  afterAll(async () => {
    await t?.close();
    await s?.cleanup();
  });

  it('re-reads from no later than the pass start by Cin7 clock, minus the overlap', async () => {
    const ledger = new Ledger();
    let onFirstPage: ((changes: FeedChange<Cin7Customer>[]) => void) | null = null;
    const feed = customerFeed({
      store: s.store,
      client: t.client,
      connectionId: CONNECTION,
      overlapMs: 60_000,
      consumer: async (changes) => {
        ledger.add(changes);
        const hook = onFirstPage;
        onFirstPage = null;
        hook?.(changes);
      },
    });
    await feed.runPass(); // everything, once
    // 100 customers change now, so the next pass has 5 pages of 20.
    for (const e of t.sandbox.control.randomEdits(100, 0)) expect(e.kind).toBe('customer');
    const lateEdits: { id: string; modifiedAt: string }[] = [];
    onFirstPage = (changes) => {
      // While the pass continues, the customers of its first page change again.
      for (const c of changes.slice(0, 5)) {
        const after = t.sandbox.control.editCustomer(c.id, { Comments: 'changed after it was read' });
        lateEdits.push({ id: c.id, modifiedAt: isoOf(after.LastModifiedOn) });
      }
    };
    const second = await feed.runPass();
    expect(second.pages).toBeGreaterThanOrEqual(5);
    expect(lateEdits).toHaveLength(5);
    for (const e of lateEdits) expect(ledger.sawAtLeast(e.id, e.modifiedAt)).toBe(false);

    const third = await feed.runPass();
    for (const e of lateEdits) expect(ledger.pairs.get(`${e.id}|${e.modifiedAt}`)).toBe(1);
    expect(third.delivered).toBeGreaterThanOrEqual(5);
    expect(ledger.duplicates()).toEqual([]);
    // The watermark follows Cin7's clock, not ours.
    const cin7Now = new Date(t.sandbox.control.now()).getTime();
    const watermark = new Date(third.watermark as string).getTime();
    expect(watermark).toBeLessThanOrEqual(cin7Now);
    expect(cin7Now - watermark).toBeLessThan(60_000);
  });
});

describe('a pass that lasts longer than the overlap', () => {
  let t: SandboxClient;
  let s: TestStore;
  beforeAll(async () => {
    [t, s] = await Promise.all([
      sandboxClient({ customers: 300, salesPerCustomer: 0, seed: 13 }, { pageSize: 20 }),
      openTestStore({ backend: 'pglite' }),
    ]);
  });
  afterAll(async () => {
    await t?.close();
    await s?.cleanup();
  });

  it('does not move the watermark to the newest change it read (that would skip earlier late changes)', async () => {
    const ledger = new Ledger();
    let duringFirstPage: ((changes: FeedChange<Cin7Customer>[]) => Promise<void>) | null = null;
    const feed = customerFeed({
      store: s.store,
      client: t.client,
      connectionId: CONNECTION,
      overlapMs: 200,
      consumer: async (changes) => {
        ledger.add(changes);
        const hook = duringFirstPage;
        duringFirstPage = null;
        await hook?.(changes);
      },
    });
    await feed.runPass();
    t.sandbox.control.randomEdits(80, 0);
    // The lower bound of the next pass: the watermark minus 200 ms, rounded down to the second.
    const { watermark } = await readState(s.store.db, feedName('customers', CONNECTION));
    const sinceMs = Math.floor((new Date(watermark as string).getTime() - 200) / 1000) * 1000;
    const since = new Date(sinceMs).toISOString();
    const late: { id: string; modifiedAt: string }[] = [];
    duringFirstPage = async (changes) => {
      const first = changes[0] as FeedChange<Cin7Customer>;
      const a = t.sandbox.control.editCustomer(first.id, { Comments: 'late, on a page already read' });
      late.push({ id: first.id, modifiedAt: isoOf(a.LastModifiedOn) });
      await new Promise((r) => setTimeout(r, 2_500));
      // Later, a customer on the last page changes: the pass will read this newer timestamp.
      const lastId = t.sandbox
        .customers()
        .filter((c) => isoOf(c.LastModifiedOn) >= since)
        .map((c) => c.ID)
        .sort()
        .at(-1) as string;
      t.sandbox.control.editCustomer(lastId, { Comments: 'newest' });
    };
    const second = await feed.runPass();
    expect(second.pages).toBeGreaterThanOrEqual(4);
    expect(late).toHaveLength(1);
    const lateChange = late[0] as { id: string; modifiedAt: string };
    expect(ledger.sawAtLeast(lateChange.id, lateChange.modifiedAt)).toBe(false);
    await feed.runPass();
    expect(ledger.pairs.get(`${lateChange.id}|${lateChange.modifiedAt}`)).toBe(1);
    expect(ledger.duplicates()).toEqual([]);
  });
});

describe.each(backends)('sale feed: saleList by UpdatedSince (%s)', (backend) => {
  let t: SandboxClient;
  let s: TestStore;
  beforeAll(async () => {
    [t, s] = await Promise.all([
      sandboxClient({ customers: 200, salesPerCustomer: 3, seed: 9 }, { pageSize: 50 }),
      openTestStore({ backend }),
    ]);
  });
  afterAll(async () => {
    await t?.close();
    await s?.cleanup();
  });

  it('hands on every sale change once, including changes made while it pages', async () => {
    const ledger = new Ledger();
    const customers = t.sandbox.customers().filter((c) => c.Status === 'Active');
    const made: { id: string; modifiedAt: string }[] = [];
    let round = 0;
    let created = 0;
    let editing = true;
    const feed = saleFeed({
      store: s.store,
      client: t.client,
      connectionId: CONNECTION,
      consumer: async (changes: FeedChange<Cin7SaleListItem>[]) => {
        ledger.add(changes);
        if (!editing) return;
        round++;
        const c = customers[round % customers.length] as Cin7Customer;
        const sale = t.sandbox.control.createSale({ CustomerID: c.ID, Status: 'ORDERED' });
        made.push({ id: sale.SaleID as string, modifiedAt: isoOf(sale.Updated as string) });
        created++;
        const older = changes[0];
        if (older && older.record.Status !== 'VOIDED') {
          const voided = t.sandbox.control.voidSale(older.id);
          made.push({ id: older.id, modifiedAt: isoOf(voided.Updated as string) });
        }
      },
    });
    const first = await feed.runPass();
    expect(first.completed).toBe(true);
    expect(first.pages).toBeGreaterThanOrEqual(12);
    editing = false;
    await feed.runPass();
    const last = await feed.runPass();
    expect(last.delivered).toBe(0);

    const rows: Cin7SaleListItem[] = [];
    for await (const r of t.client.sales()) rows.push(r);
    for (const r of rows) expect(ledger.pairs.get(`${r.SaleID}|${r.Updated}`), r.SaleID).toBe(1);
    expect(made.filter((m) => !ledger.sawAtLeast(m.id, m.modifiedAt))).toEqual([]);
    expect(ledger.duplicates()).toEqual([]);
    expect(rows.length).toBe(600 + created);
  });
});
