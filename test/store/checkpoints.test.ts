import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteCheckpoint, getCheckpoint, putCheckpoint } from '../../src/store/checkpoints.js';
import { requirePostgres } from '../helpers/requirements.js';
import { type Backend, type TestStore, openTestStore } from '../helpers/store.js';

const pgReq = requirePostgres('checkpoints repository (PostgreSQL)');

for (const backend of ['pglite', 'postgres'] as Backend[]) {
  describe.skipIf(backend === 'postgres' && !pgReq.available)(`checkpoints on ${backend}`, () => {
    let t: TestStore;
    beforeAll(async () => {
      t = await openTestStore({ backend });
    });
    afterAll(async () => {
      await t?.cleanup();
    });

    it('saves, replaces, reads and deletes JSON values', async () => {
      const db = t.store.db;
      expect(await getCheckpoint(db, 'reconcile:cin7')).toBeNull();
      await putCheckpoint(db, 'reconcile:cin7', { page: 1, ids: ['a', 'b'], done: false });
      expect(await getCheckpoint(db, 'reconcile:cin7')).toEqual({ page: 1, ids: ['a', 'b'], done: false });
      await putCheckpoint(db, 'reconcile:cin7', [1, 2, 3]);
      expect(await getCheckpoint(db, 'reconcile:cin7')).toEqual([1, 2, 3]);
      await putCheckpoint(db, 'scalar', 'text');
      expect(await getCheckpoint<string>(db, 'scalar')).toBe('text');
      expect(await deleteCheckpoint(db, 'reconcile:cin7')).toBe(true);
      expect(await deleteCheckpoint(db, 'reconcile:cin7')).toBe(false);
      expect(await getCheckpoint(db, 'reconcile:cin7')).toBeNull();
    });

    it('commits with the work of its transaction, or not at all', async () => {
      await t.store.transaction(async (trx) => {
        await putCheckpoint(trx, 'kept', { page: 2 });
        expect(await getCheckpoint(trx, 'kept')).toEqual({ page: 2 });
      });
      await expect(
        t.store.transaction(async (trx) => {
          await putCheckpoint(trx, 'kept', { page: 3 });
          throw new Error('crash before commit');
        }),
      ).rejects.toThrow('crash before commit');
      expect(await getCheckpoint(t.store.db, 'kept')).toEqual({ page: 2 });
    });
  });
}
