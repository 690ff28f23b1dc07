/**
 * The sync repositories on both backends: snapshots only move forward and a sync clears `dirty` only
 * for the version it read; the links table refuses a second holder of a GHL contact, an email or a
 * phone (and frees them when unlinked); one open failure per record; sale facts only move forward;
 * a run whose process died is not "live".
 */
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cin7Customer } from '../../../src/cin7/schemas.js';
import {
  finishCustomerSync,
  getCustomerRecord,
  updateRuleTags,
  upsertSnapshots,
} from '../../../src/sync/repo/customers.js';
import { uniqueViolation } from '../../../src/sync/repo/db-errors.js';
import { listFailures, recordFailure, resolveFailures } from '../../../src/sync/repo/failures.js';
import {
  identityHolder,
  insertFoundLink,
  linkByGhlContact,
  recordIntent,
  updateLink,
} from '../../../src/sync/repo/links.js';
import { liveRun, startRun } from '../../../src/sync/repo/runs.js';
import { salesOf, upsertSales } from '../../../src/sync/repo/sales.js';
import { computeAggregates, parseTagRules } from '../../../src/sync/rules/index.js';
import { requirePostgres } from '../../helpers/requirements.js';
import { type Backend, type TestStore, openTestStore } from '../../helpers/store.js';

const pgReq = requirePostgres('sync repositories (PostgreSQL)');
const LOC = 'loc-1';

function customer(id: string, modified: string, name = 'Acme'): Cin7Customer {
  return {
    ID: id,
    Name: name,
    Status: 'Active',
    LastModifiedOn: modified,
    Contacts: [],
    Addresses: [],
  } as unknown as Cin7Customer;
}

const rules = parseTagRules({}, { source: null });
const agg = computeAggregates([], new Date('2026-01-01T00:00:00Z'), rules);

for (const backend of ['pglite', 'postgres'] as Backend[]) {
  describe.skipIf(backend === 'postgres' && !pgReq.available)(`sync repositories on ${backend}`, () => {
    let t: TestStore;
    beforeAll(async () => {
      t = await openTestStore({ backend });
    }, 60_000);
    afterAll(async () => {
      await t?.cleanup();
    });

    it('snapshots move forward only; dirty is cleared only for the version that was synced', async () => {
      const db = t.store.db;
      const at = (iso: string) => new Date(iso);
      const put = (c: Cin7Customer, ruleTags: string[] = []) =>
        upsertSnapshots(db, [
          {
            customer: c,
            modifiedAt: at(c.LastModifiedOn as string),
            aggregates: agg,
            ruleTags,
            ruleReasons: [],
          },
        ]);
      expect(await put(customer('c1', '2026-01-02T00:00:00.000Z'))).toEqual(['c1']);
      const v1 = await getCustomerRecord(db, 'c1');
      expect(v1).toMatchObject({ version: 1, dirty: true, name: 'Acme' });
      expect(await put(customer('c1', '2026-01-01T00:00:00.000Z', 'Older'))).toEqual([]);
      expect((await getCustomerRecord(db, 'c1'))?.name).toBe('Acme');
      expect(await put(customer('c1', '2026-01-03T00:00:00.000Z', 'Newer'))).toEqual(['c1']);
      const v2 = await getCustomerRecord(db, 'c1');
      expect(v2).toMatchObject({ version: 2, name: 'Newer', dirty: true });
      // A sync of version 1 finishing after version 2 arrived leaves the customer dirty.
      await finishCustomerSync(db, 'c1', 1, {
        clean: true,
        status: 'synced',
        skipped: [],
        profile: null,
        ghlChangedAt: null,
      });
      expect((await getCustomerRecord(db, 'c1'))?.dirty).toBe(true);
      await finishCustomerSync(db, 'c1', 2, {
        clean: true,
        status: 'synced',
        skipped: [],
        profile: null,
        ghlChangedAt: null,
      });
      expect(await getCustomerRecord(db, 'c1')).toMatchObject({ dirty: false, syncStatus: 'synced' });
      // Rule tags: the same tags change nothing; other tags make it dirty with a new version.
      expect(await updateRuleTags(db, 'c1', { aggregates: agg, ruleTags: [], ruleReasons: [] })).toBe(false);
      expect((await getCustomerRecord(db, 'c1'))?.dirty).toBe(false);
      expect(await updateRuleTags(db, 'c1', { aggregates: agg, ruleTags: ['vip'], ruleReasons: [] })).toBe(
        true,
      );
      expect(await getCustomerRecord(db, 'c1')).toMatchObject({ dirty: true, version: 3, ruleTags: ['vip'] });
    });

    it('links: one holder per GHL contact, email and phone; unlinked rows hold nothing', async () => {
      const db = t.store.db;
      const key = (n: number) => ({
        locationId: LOC,
        cin7CustomerId: `cust-${n}`,
        cin7ContactId: `con-${n}`,
      });
      const a = await recordIntent(db, key(1), { id: 'i1', email: 'a@example.com', phone: '+15550001' });
      expect(a).toMatchObject({ state: 'pending', intent: { email: 'a@example.com', phone: '+15550001' } });
      const refused = async (fn: () => Promise<unknown>) => {
        try {
          await fn();
        } catch (e) {
          return uniqueViolation(e);
        }
        return 'no error';
      };
      expect(
        await refused(() => recordIntent(db, key(2), { id: 'i2', email: 'a@example.com', phone: null })),
      ).toBe('links_email');
      expect(
        await refused(() =>
          recordIntent(db, key(2), { id: 'i2', email: 'b@example.com', phone: '+15550001' }),
        ),
      ).toBe('links_phone');
      await updateLink(db, a.id, { state: 'linked', ghlContactId: 'G1' });
      expect(
        await refused(() =>
          insertFoundLink(db, key(3), {
            ghlContactId: 'G1',
            email: null,
            phone: null,
            hashes: {},
            ghlTags: [],
            ghlChangedAt: null,
          }),
        ),
      ).toBe('links_ghl_contact');
      expect((await linkByGhlContact(db, LOC, 'G1'))?.cin7ContactId).toBe('con-1');
      expect((await identityHolder(db, LOC, 'phone', '+15550001'))?.id).toBe(a.id);
      expect(await identityHolder(db, LOC, 'phone', '+15550001', a.id)).toBeNull();
      await updateLink(db, a.id, { state: 'unlinked' });
      expect(await linkByGhlContact(db, LOC, 'G1')).toBeNull();
      const b = await insertFoundLink(db, key(3), {
        ghlContactId: 'G1',
        email: 'a@example.com',
        phone: '+15550001',
        hashes: { email: 'h' },
        ghlTags: ['x'],
        ghlChangedAt: null,
      });
      expect(b).toMatchObject({
        state: 'linked',
        ghlContactId: 'G1',
        hashes: { email: 'h' },
        ghlTags: ['x'],
      });
    });

    it('failures: one open row per record, attempts counted, resolved when it syncs', async () => {
      const db = t.store.db;
      const f = {
        cin7CustomerId: 'fc1',
        cin7ContactId: 'fk1',
        stage: 'create' as const,
        code: 'ghl_rejected',
        error: 'first',
      };
      const id1 = await recordFailure(db, f);
      const id2 = await recordFailure(db, { ...f, error: 'second' });
      expect(id2).toBe(id1);
      expect((await listFailures(db, { customerId: 'fc1' }))[0]).toMatchObject({
        attempts: 2,
        error: 'second',
        status: 'open',
      });
      await recordFailure(db, { ...f, cin7ContactId: 'fk2', error: 'other contact' });
      expect(await resolveFailures(db, 'fc1', ['fk2'])).toBe(1);
      expect((await listFailures(db, { customerId: 'fc1' })).map((x) => x.cin7ContactId)).toEqual(['fk2']);
      const id3 = await recordFailure(db, { ...f, error: 'again' });
      expect(id3).not.toBe(id1);
      expect((await listFailures(db, { customerId: 'fc1', status: 'all' })).length).toBe(3);
    });

    it('sale facts move forward only and are grouped by customer', async () => {
      const db = t.store.db;
      const fact = (updated: string, status: string) => ({
        saleId: 's1',
        customerId: 'sc1',
        status,
        orderDate: '2026-01-01',
        invoiceAmount: 10.5,
        currency: 'USD',
        updated,
      });
      expect(await upsertSales(db, [fact('2026-01-02T00:00:00.000Z', 'ORDERED')])).toEqual(['sc1']);
      expect(await upsertSales(db, [fact('2026-01-01T00:00:00.000Z', 'DRAFT')])).toEqual([]);
      expect(await upsertSales(db, [fact('2026-01-03T00:00:00.000Z', 'VOIDED')])).toEqual(['sc1']);
      const got = await salesOf(db, ['sc1', 'nobody']);
      expect(got.get('sc1')).toEqual([fact('2026-01-03T00:00:00.000Z', 'VOIDED')]);
      expect(got.has('nobody')).toBe(false);
    });

    it('a run whose process is gone is not live (and is marked failed)', async () => {
      const db = t.store.db;
      const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
        encoding: 'utf8',
      });
      const id = await startRun(db, { kind: 'test-run', mode: 'incremental', trigger: 'manual' });
      await db
        .updateTable('sync_runs')
        .set({ progress: JSON.stringify({ owner: { pid: Number(dead.stdout), host: hostname() } }) })
        .where('id', '=', id)
        .execute();
      expect(await liveRun(db, 'test-run')).toBeNull();
      const row = await db
        .selectFrom('sync_runs')
        .select(['status', 'error'])
        .where('id', '=', id)
        .executeTakeFirst();
      expect(row).toEqual({ status: 'failed', error: 'the process running it stopped' });
      const mine = await startRun(db, { kind: 'test-run', mode: 'incremental', trigger: 'manual' });
      expect((await liveRun(db, 'test-run'))?.id).toBe(mine);
    });
  });
}
