/**
 * On one small linked tenant (a real initial sync against the sandboxes), one behaviour per test,
 * each leaving the next plan empty:
 * - each conflict policy gives the result written here by hand (owner wins; newest wins, either
 *   side; manual leaves it open, and `resolveConflict` applies the choice and audits it);
 * - a GHL change of dnd (GHL-owned) reaches Cin7's MarketingConsent;
 * - apply emits one `record.synced` per record and side it writes (a plan none), and one
 *   `record.failed` per failure row it writes;
 * - a GHL contact deleted in GHL: confirmed by a second read, then unlinked;
 * - a 5xx storm: the pass fails or stops, unlinks nothing and tags nothing; the next clean pass does;
 * - a deprecated Cin7 customer's GHL contact is tagged and unlinked, not deleted;
 * - with the daily budget low, a scheduled run stops at the headroom, reports what it deferred, and
 *   the next run picks it up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cin7Customer } from '../../../sandbox/cin7/index.js';
import { listConflicts } from '../../../src/sync/conflicts/repo.js';
import { resolveConflict } from '../../../src/sync/conflicts/resolve.js';
import { listAudit } from '../../../src/sync/repo/audit.js';
import { listFailures } from '../../../src/sync/repo/failures.js';
import { runReconcile } from '../../../src/sync/reconcile/run.js';
import type { ReconcileOptions, ReconcileReport } from '../../../src/sync/reconcile/types.js';
import type { LinkRecord } from '../../../src/sync/repo/links.js';
import { type Harness, startHarness } from '../engine/harness.js';
import { ghlWrites, linkedLinks, reconcileDeps, shuffled } from './helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface EventRow {
  name: string;
  payload: Record<string, unknown>;
}

describe('reconcile policies, orphans, failures and budget on a small tenant', () => {
  let h: Harness;
  let pool: LinkRecord[];
  const used = new Set<string>();
  const started = Date.now();

  const run = (o: Partial<ReconcileOptions> = {}) =>
    runReconcile(reconcileDeps(h), { mode: 'apply', trigger: 'manual', ...o });
  const plan = () => runReconcile(reconcileDeps(h), { mode: 'plan', trigger: 'manual' });
  const take = (ok: (l: LinkRecord) => boolean = () => true): LinkRecord => {
    const l = pool.find((x) => !used.has(x.cin7CustomerId) && ok(x));
    if (!l) throw new Error('no record left');
    used.add(l.cin7CustomerId);
    return l;
  };
  const ghl = (l: LinkRecord) =>
    h.sb.ghl.control.contact(l.ghlContactId as string) as Record<string, unknown> & { tags?: string[] };
  const cin7 = (l: LinkRecord) => h.sb.cin7.control.customer(l.cin7CustomerId) as Cin7Customer;
  const contactOf = (l: LinkRecord) => cin7(l).Contacts.find((c) => c.ID === l.cin7ContactId);
  const setCity = (l: LinkRecord, city: string) => {
    for (const a of cin7(l).Addresses) h.sb.cin7.control.editAddress(l.cin7CustomerId, a.ID, { City: city });
  };
  const expectEmpty = async () => {
    const p = await plan();
    expect(p.changes).toEqual([]);
    expect(p.counts.drift + p.counts.conflict + p.counts.orphan + p.counts.unlinked).toBe(0);
  };
  /** The record events in the outbox (read from the store), oldest first. */
  const recordEvents = async (): Promise<EventRow[]> => {
    const rows = await h.t.store.db
      .selectFrom('product_events')
      .select(['name', 'payload'])
      .where('name', 'in', ['record.synced', 'record.failed'])
      .orderBy('id')
      .execute();
    return rows as unknown as EventRow[];
  };
  const eventsOfRun = async (runId: string) =>
    (await recordEvents()).filter((e) => e.payload.runId === runId);
  const linkState = async (l: LinkRecord) =>
    (await h.t.store.db.selectFrom('links').select('state').where('id', '=', l.id).executeTakeFirst())?.state;

  beforeAll(async () => {
    h = await startHarness({
      customers: 260,
      salesPerCustomer: 0,
      seed: 31,
      timeScale: 100,
      cin7: { bumpOnContactEdit: true },
      mappingYaml: 'fields:\n  website: { direction: both }\n',
    });
    const sync = await h.run({ concurrency: 8 });
    expect(sync.status).not.toBe('failed');
    pool = shuffled(await linkedLinks(h), 3).filter((l) => cin7(l).Addresses.length > 0);
    await expectEmpty();
  }, 240_000);

  afterAll(async () => {
    await h?.close();
  });

  it('owner: the owner (Cin7, for city) wins; GHL is written; the conflict is kept resolved', async () => {
    const l = take();
    setCity(l, 'Cin7 Owner');
    h.sb.ghl.control.editContact(l.ghlContactId as string, { city: 'GHL Owner' });
    const r = await run({ policy: 'owner' });
    expect(r.counts.conflict).toBe(1);
    expect(r.status).toBe('completed');
    expect(ghl(l).city).toBe('Cin7 Owner');
    const [c] = await listConflicts(h.t.store.db, { status: 'all', ghlContactId: l.ghlContactId as string });
    expect(c).toMatchObject({
      field: 'city',
      cin7Value: 'Cin7 Owner',
      ghlValue: 'GHL Owner',
      policy: 'owner',
      winner: 'cin7',
      status: 'resolved',
      resolution: 'policy',
    });
    await expectEmpty();
  });

  it('newest: the side changed last wins — GHL (its value stays) or Cin7 (GHL is written)', async () => {
    const a = take();
    setCity(a, 'Cin7 First');
    await sleep(50);
    h.sb.ghl.control.editContact(a.ghlContactId as string, { city: 'GHL Later' });
    const b = take();
    h.sb.ghl.control.editContact(b.ghlContactId as string, { city: 'GHL First' });
    await sleep(50);
    setCity(b, 'Cin7 Later');
    const c = take();
    h.sb.cin7.control.editContact(c.cin7CustomerId, c.cin7ContactId, {
      Website: 'https://cin7.example/first',
    });
    await sleep(50);
    h.sb.ghl.control.editContact(c.ghlContactId as string, { website: 'https://ghl.example/later' });
    const r = await run({ policy: 'newest' });
    expect(r.counts.conflict).toBe(3);
    expect(r.failed).toBe(0);
    // a: GHL is newer; city does not flow to Cin7, so each side keeps its value.
    expect(ghl(a).city).toBe('GHL Later');
    expect(cin7(a).Addresses.every((x) => x.City === 'Cin7 First')).toBe(true);
    // b: Cin7 is newer; GHL gets it.
    expect(ghl(b).city).toBe('Cin7 Later');
    // c: website flows both ways and GHL is newer: Cin7 gets GHL's value.
    expect(contactOf(c)?.Website).toBe('https://ghl.example/later');
    expect(ghl(c).website).toBe('https://ghl.example/later');
    const rows = await listConflicts(h.t.store.db, { status: 'all' });
    const winner = (l: LinkRecord) => rows.find((x) => x.ghlContactId === l.ghlContactId)?.winner;
    expect([winner(a), winner(b), winner(c)]).toEqual(['ghl', 'cin7', 'ghl']);
    await expectEmpty();
  });

  it('manual: nothing is written, the conflict stays open (exit 2), and resolving applies and audits it', async () => {
    const a = take();
    setCity(a, 'Cin7 Manual');
    h.sb.ghl.control.editContact(a.ghlContactId as string, { city: 'GHL Manual' });
    const b = take();
    h.sb.cin7.control.editContact(b.cin7CustomerId, b.cin7ContactId, { Website: 'https://cin7.example/m' });
    h.sb.ghl.control.editContact(b.ghlContactId as string, { website: 'https://ghl.example/m' });
    const writes = ghlWrites(h);
    const r = await run({ policy: 'manual' });
    expect(r.status).toBe('partial');
    expect(r.openConflicts).toBe(2);
    expect(ghlWrites(h)).toEqual(writes);
    expect(ghl(a).city).toBe('GHL Manual');
    const open = await listConflicts(h.t.store.db);
    expect(open.map((c) => c.field).sort()).toEqual(['city', 'website']);
    // The same conflict seen again is not a second row.
    await run({ policy: 'manual' });
    expect((await listConflicts(h.t.store.db)).length).toBe(2);

    const cityConflict = open.find((c) => c.field === 'city')?.id as string;
    const webConflict = open.find((c) => c.field === 'website')?.id as string;
    const deps = reconcileDeps(h);
    const first = await resolveConflict(deps, cityConflict, { take: 'cin7' });
    expect(first.value).toBe('Cin7 Manual');
    expect(first.written).toEqual({ ghl: ['city'], cin7: [] });
    expect(ghl(a).city).toBe('Cin7 Manual');
    const second = await resolveConflict(deps, webConflict, {
      take: 'value',
      value: 'https://resolved.example',
    });
    expect(second.written).toEqual({ ghl: ['website'], cin7: ['website'] });
    expect(ghl(b).website).toBe('https://resolved.example');
    expect(contactOf(b)?.Website).toBe('https://resolved.example');
    expect(await listConflicts(h.t.store.db)).toEqual([]);
    const resolved = await listConflicts(h.t.store.db, { status: 'resolved' });
    expect(resolved.find((c) => c.id === webConflict)).toMatchObject({
      resolution: 'value',
      resolvedValue: 'https://resolved.example',
      resolvedBy: 'manual',
    });
    const audit = (await listAudit(h.t.store.db, { limit: 1000 })).filter(
      (x) => x.cause === 'manual' && (x.details as { conflictId?: string } | null)?.conflictId !== undefined,
    );
    expect(audit.map((x) => [x.ghlContactId, x.direction, x.fields]).sort()).toEqual(
      [
        [a.ghlContactId, 'cin7_to_ghl', ['city']],
        [b.ghlContactId, 'cin7_to_ghl', ['website']],
        [b.ghlContactId, 'ghl_to_cin7', ['website']],
      ].sort(),
    );
    await expect(resolveConflict(deps, cityConflict, { take: 'ghl' })).rejects.toThrow(/already resolved/);
    await expectEmpty();
  });

  it('a dnd change in GHL reaches Cin7 (opt-out), confirmed with a GET first', async () => {
    const l = take((x) => ghl(x).dnd !== true);
    h.sb.ghl.control.editContact(l.ghlContactId as string, { dnd: true });
    const r = await run();
    expect(r.counts.drift).toBe(1);
    expect(contactOf(l)?.MarketingConsent).toBe(3);
    // 1 GHL page + the confirming GET; 1 Cin7 page + the read and the PUT.
    expect(r.minimumCalls).toEqual({ ghl: 2, cin7: 3 });
    await expectEmpty();
  });

  it('apply emits one record.synced per record and side written, in its run; a plan emits none; a failure row emits record.failed', async () => {
    const toGhl = take();
    setCity(toGhl, 'Eventville');
    const toCin7 = take((x) => ghl(x).dnd !== true);
    h.sb.ghl.control.editContact(toCin7.ghlContactId as string, { dnd: true });

    const before = await recordEvents();
    const p = await plan();
    expect(p.counts.drift).toBe(2);
    expect(await recordEvents()).toEqual(before);

    const r = await run();
    expect(r.counts.drift).toBe(2);
    const events = await eventsOfRun(r.runId);
    expect(events).toHaveLength(2);
    expect(events).toEqual(
      expect.arrayContaining([
        {
          name: 'record.synced',
          payload: {
            cin7CustomerId: toGhl.cin7CustomerId,
            cin7ContactId: toGhl.cin7ContactId,
            ghlContactId: toGhl.ghlContactId,
            ghlLocationId: h.clients.locationId,
            action: 'updated',
            fields: ['city'],
            direction: 'cin7_to_ghl',
            runId: r.runId,
            at: expect.any(String),
          },
        },
        {
          name: 'record.synced',
          payload: {
            cin7CustomerId: toCin7.cin7CustomerId,
            cin7ContactId: toCin7.cin7ContactId,
            ghlContactId: toCin7.ghlContactId,
            ghlLocationId: h.clients.locationId,
            action: 'updated',
            fields: ['dnd'],
            direction: 'ghl_to_cin7',
            runId: r.runId,
            at: expect.any(String),
          },
        },
      ]),
    );
    // Only this run's: nothing else was emitted since the plan.
    expect((await recordEvents()).length).toBe(before.length + 2);
    await expectEmpty();

    // GHL refuses the PUT (422): the record fails alone, its failure row and one record.failed.
    const bad = take();
    setCity(bad, 'Refusedville');
    h.sb.ghl.control.set({ faults: { statusRates: { '422': 1 }, operations: ['ghl.contacts.update'] } });
    let refused: ReconcileReport;
    try {
      refused = await run();
    } finally {
      h.sb.ghl.control.set({ faults: {} });
    }
    expect(refused.failed).toBe(1);
    const [failure] = await listFailures(h.t.store.db, { customerId: bad.cin7CustomerId });
    expect(failure).toBeDefined();
    expect(await eventsOfRun(refused.runId)).toEqual([
      {
        name: 'record.failed',
        payload: {
          cin7CustomerId: bad.cin7CustomerId,
          cin7ContactId: bad.cin7ContactId,
          ghlContactId: bad.ghlContactId,
          failureId: failure?.id,
          stage: 'update',
          code: 'ghl_rejected',
          error: failure?.error,
          runId: refused.runId,
          at: expect.any(String),
        },
      },
    ]);
    const fixed = await run();
    expect(await eventsOfRun(fixed.runId)).toEqual([
      {
        name: 'record.synced',
        payload: expect.objectContaining({
          cin7CustomerId: bad.cin7CustomerId,
          fields: ['city'],
          direction: 'cin7_to_ghl',
        }),
      },
    ]);
    expect(ghl(bad).city).toBe('Refusedville');
    await expectEmpty();
  });

  it('a GHL contact deleted in GHL is read twice, then unlinked (nothing to tag)', async () => {
    const l = take();
    h.sb.ghl.control.deleteContact(l.ghlContactId as string);
    const p = await plan();
    expect(p.counts.orphan).toBe(1);
    expect(p.changes).toEqual([
      {
        class: 'orphan',
        cin7CustomerId: l.cin7CustomerId,
        cin7ContactId: l.cin7ContactId,
        ghlContactId: l.ghlContactId,
        field: 'link',
        from: l.ghlContactId,
        to: null,
        target: null,
      },
    ]);
    const r = await run();
    expect(r.counts.orphan).toBe(1);
    expect(await linkState(l)).toBe('unlinked');
    await expectEmpty();
  });

  it('a 5xx storm: the failed pass unlinks and tags nothing; a storm while applying defers the orphans too; the next clean pass handles them', async () => {
    const orphan = take();
    h.sb.cin7.control.deprecateCustomer(orphan.cin7CustomerId);
    const drifted = take();
    setCity(drifted, 'Stormville');

    h.sb.ghl.control.set({ faults: { statusRates: { '503': 1 } } });
    const failed = await run();
    expect(failed.status).toBe('failed');
    expect(await linkState(orphan)).toBe('linked');
    expect(ghl(orphan).tags ?? []).not.toContain('cin7:deprecated');

    // Search works, but every contact read and write fails: the apply stops, orphans wait.
    h.sb.ghl.control.set({
      faults: {
        statusRates: { '503': 1 },
        operations: ['ghl.contacts.get', 'ghl.contacts.update', 'ghl.contacts.tags.add'],
      },
    });
    const storm = await run();
    expect(storm.status).toBe('partial');
    expect(storm.deferred).toBe(2);
    expect(await linkState(orphan)).toBe('linked');
    expect(ghl(orphan).tags ?? []).not.toContain('cin7:deprecated');

    h.sb.ghl.control.set({ faults: {} });
    const clean = await run();
    expect(clean.status).toBe('completed');
    expect(await linkState(orphan)).toBe('unlinked');
    expect(ghl(orphan).tags).toContain('cin7:deprecated');
    expect(ghl(drifted).city).toBe('Stormville');
    await expectEmpty();
  });

  it('a deprecated Cin7 customer’s GHL contact is tagged and unlinked, not deleted (the default)', async () => {
    const l = take();
    h.sb.cin7.control.deprecateCustomer(l.cin7CustomerId);
    const before = h.sb.ghl.control.stats().byRoute['ghl.contacts.delete'] ?? 0;
    const r = await run();
    expect(r.counts.orphan).toBe(1);
    expect(ghl(l)).toBeDefined();
    expect(ghl(l).tags).toContain('cin7:deprecated');
    expect(h.sb.ghl.control.stats().byRoute['ghl.contacts.delete'] ?? 0).toBe(before);
    expect(await linkState(l)).toBe('unlinked');
    const audit = await listAudit(h.t.store.db, { ghlContactId: l.ghlContactId as string, limit: 5 });
    expect(audit[0]).toMatchObject({ action: 'orphan', cause: 'reconcile', fields: ['tags', 'link'] });
    await expectEmpty();
  });

  it('with the daily budget low, a scheduled run stops at the headroom, reports what it deferred, and the next run picks it up', async () => {
    expect(Date.now() - started).toBeLessThan(800_000); // one scaled GHL day (864 s) since the sandbox started
    const drifted: LinkRecord[] = [];
    for (let i = 0; i < 12; i++) {
      const l = take();
      setCity(l, `Budgetville ${i}`);
      drifted.push(l);
    }
    // The day's usage so far: every request the GHL sandbox let through (all of today's).
    const usedToday = h.sb.ghl.control.stats().requests;
    // headroom 0.5: room for the page read and about 4 records (2 calls each) above half the limit.
    const limit = 2 * (usedToday + 1 + 8);
    h.sb.ghl.control.set({ dailyLimit: limit });
    const deps = reconcileDeps(h, {
      config: { ...h.config, reconcile: { ...h.config.reconcile, dailyHeadroom: 0.5 } },
    });
    const first: ReconcileReport = await runReconcile(deps, { mode: 'apply', trigger: 'schedule' });
    expect(first.status).toBe('partial');
    expect(first.applied).toBeGreaterThanOrEqual(3);
    expect(first.applied).toBeLessThanOrEqual(5);
    expect(first.deferred).toBe(12 - first.applied);
    expect(first.deferredRecords.every((d) => /GHL daily budget/.test(d.reason))).toBe(true);
    const fixed = drifted.filter((l, i) => ghl(l).city === `Budgetville ${i}`).length;
    expect(fixed).toBe(first.applied);

    h.sb.ghl.control.set({ dailyLimit: 200_000 });
    const second = await runReconcile(deps, { mode: 'apply', trigger: 'schedule' });
    expect(second.status).toBe('completed');
    expect(second.applied).toBe(first.deferred);
    for (const [i, l] of drifted.entries()) expect(ghl(l).city).toBe(`Budgetville ${i}`);
    await expectEmpty();
  });
});
