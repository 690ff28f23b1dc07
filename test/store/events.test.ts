import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEvents, recordEvent } from '../../src/store/events.js';
import { requirePostgres } from '../helpers/requirements.js';
import { type Backend, type TestStore, openTestStore } from '../helpers/store.js';

const pgReq = requirePostgres('events repository (PostgreSQL)');

for (const backend of ['pglite', 'postgres'] as Backend[]) {
  describe.skipIf(backend === 'postgres' && !pgReq.available)(`events on ${backend}`, () => {
    let t: TestStore;
    beforeAll(async () => {
      t = await openTestStore({ backend });
    });
    afterAll(async () => {
      await t?.cleanup();
    });

    it('records events and lists them newest first, filtered', async () => {
      const db = t.store.db;
      const a = await recordEvent(db, {
        kind: 'run.failed',
        severity: 'error',
        message: 'A',
        subject: 'run-1',
      });
      const b = await recordEvent(db, {
        kind: 'run.ok',
        severity: 'info',
        message: 'B',
        details: { calls: 3, ids: ['x'] },
      });
      const c = await recordEvent(db, {
        kind: 'auth.lost',
        severity: 'critical',
        message: 'C',
        subject: 'ghl:loc1',
      });
      expect([a, b, c].every((id) => typeof id === 'string')).toBe(true);
      const all = await listEvents(db);
      expect(all.map((e) => e.message)).toEqual(['C', 'B', 'A']);
      expect(all[1]).toMatchObject({
        kind: 'run.ok',
        severity: 'info',
        details: { calls: 3, ids: ['x'] },
        subject: null,
      });
      expect(all[0]!.createdAt).toBeInstanceOf(Date);
      expect((await listEvents(db, { severities: ['error', 'critical'] })).map((e) => e.message)).toEqual([
        'C',
        'A',
      ]);
      expect((await listEvents(db, { kinds: ['run.ok'] })).map((e) => e.message)).toEqual(['B']);
      expect((await listEvents(db, { subject: 'run-1' })).map((e) => e.message)).toEqual(['A']);
      expect((await listEvents(db, { limit: 1 })).map((e) => e.message)).toEqual(['C']);
      expect((await listEvents(db, { beforeId: c! })).map((e) => e.message)).toEqual(['B', 'A']);
      expect(await listEvents(db, { since: new Date(Date.now() + 60_000) })).toEqual([]);
    });

    it('keeps one event per dedupe key', async () => {
      const db = t.store.db;
      const first = await recordEvent(db, {
        kind: 'job.dead_letter',
        severity: 'error',
        message: 'once',
        dedupeKey: 'dl:1',
      });
      const again = await recordEvent(db, {
        kind: 'job.dead_letter',
        severity: 'error',
        message: 'twice',
        dedupeKey: 'dl:1',
      });
      expect(first).not.toBeNull();
      expect(again).toBeNull();
      const found = await listEvents(db, { kinds: ['job.dead_letter'] });
      expect(found.map((e) => e.message)).toEqual(['once']);
    });

    it('records inside a transaction, atomically with it', async () => {
      await expect(
        t.store.transaction(async (trx) => {
          await recordEvent(trx, { kind: 'tx.event', severity: 'info', message: 'rolled back' });
          throw new Error('no');
        }),
      ).rejects.toThrow('no');
      expect(await listEvents(t.store.db, { kinds: ['tx.event'] })).toEqual([]);
    });

    it('rejects an unknown severity at the database', async () => {
      await expect(
        recordEvent(t.store.db, { kind: 'x', severity: 'loud' as 'info', message: 'x' }),
      ).rejects.toThrow(/check constraint/);
    });
  });
}
