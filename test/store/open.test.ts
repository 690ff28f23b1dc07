import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreError, StoreLockedError } from '../../src/errors/index.js';
import { silentLogger } from '../../src/log/logger.js';
import { openStore } from '../../src/store/open.js';
import { requirePostgres } from '../helpers/requirements.js';
import { type Backend, type TestStore, openTestStore } from '../helpers/store.js';
import { startChild } from './fixtures/child.js';

const pgReq = requirePostgres('store open (PostgreSQL)');
const backends: { backend: Backend; skip: boolean }[] = [
  { backend: 'pglite', skip: false },
  { backend: 'postgres', skip: !pgReq.available },
];

for (const { backend, skip } of backends) {
  describe.skipIf(skip)(`openStore on ${backend}`, () => {
    let t: TestStore;
    beforeAll(async () => {
      t = await openTestStore({ backend });
    });
    afterAll(async () => {
      await t?.cleanup();
    });

    it('reports its backend and data directory', () => {
      expect(t.store.kind).toBe(backend);
      if (backend === 'pglite') {
        expect(t.store.dataDir).toBe(t.config.dataDir);
        expect(t.store.pglite).not.toBeNull();
        expect(t.store.databaseUrl).toBeNull();
      } else {
        expect(t.store.dataDir).toBeNull();
        expect(t.store.pglite).toBeNull();
        expect(t.store.databaseUrl).toMatch(/^postgres/);
      }
    });

    it('returns the same JS types on both backends', async () => {
      const row = await t.store.db
        .insertInto('inbox')
        .values({
          source: 'types',
          headers: JSON.stringify({ 'x-a': ['1', '2'] }),
          body: Buffer.from([0, 1, 254, 255]),
        })
        .returning(['id', 'headers', 'body', 'received_at', 'status', 'attempts', 'processed_at'])
        .executeTakeFirstOrThrow();
      expect(typeof row.id).toBe('string');
      expect(row.id).toMatch(/^\d+$/);
      expect(row.headers).toEqual({ 'x-a': ['1', '2'] });
      expect(Buffer.isBuffer(row.body)).toBe(true);
      expect([...row.body]).toEqual([0, 1, 254, 255]);
      expect(row.received_at).toBeInstanceOf(Date);
      expect(row.status).toBe('pending');
      expect(row.attempts).toBe(0);
      expect(row.processed_at).toBeNull();
      const count = await t.store.db
        .selectFrom('inbox')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow();
      expect(count.n).toBe('1');
    });

    it('runs raw SQL with parameters and multi-statement scripts', async () => {
      const one = await t.store.query<{ v: number; s: string }>('select $1::int as v, $2::text as s', [
        41,
        'x',
      ]);
      expect(one.rows).toEqual([{ v: 41, s: 'x' }]);
      const script = await t.store.query<{ n: number }>(
        'create temp table if not exists t_script (n int); insert into t_script values (1), (2); select count(*)::int as n from t_script',
      );
      expect(script.rows).toEqual([{ n: 2 }]);
    });

    it('commits a transaction that resolves and rolls back one that throws', async () => {
      await t.store.transaction(async (trx) => {
        await trx.insertInto('checkpoints').values({ name: 'kept', value: '1' }).execute();
      });
      await expect(
        t.store.transaction(async (trx) => {
          await trx.insertInto('checkpoints').values({ name: 'dropped', value: '1' }).execute();
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      const names = (await t.store.db.selectFrom('checkpoints').select('name').execute()).map((r) => r.name);
      expect(names).toContain('kept');
      expect(names).not.toContain('dropped');
    });

    it('rolls back a transaction whose statement failed, and the store stays usable', async () => {
      await expect(
        t.store.transaction(async (trx) => {
          await trx.insertInto('checkpoints').values({ name: 'half', value: '1' }).execute();
          await sql`select 1/0`.execute(trx);
        }),
      ).rejects.toThrow(/division by zero/);
      const half = await t.store.db
        .selectFrom('checkpoints')
        .select('name')
        .where('name', '=', 'half')
        .execute();
      expect(half).toEqual([]);
      expect((await t.store.query<{ ok: number }>('select 1 as ok')).rows).toEqual([{ ok: 1 }]);
    });

    it('refuses a query that bypasses the open transaction instead of deadlocking', async () => {
      const outside = t.store.transaction(async () => {
        await t.store.db.selectFrom('events').selectAll().execute();
      });
      await expect(outside).rejects.toBeInstanceOf(StoreError);
      await expect(outside).rejects.toMatchObject({ code: 'store_outside_transaction' });
      await expect(t.store.transaction(async () => t.store.query('select 1'))).rejects.toMatchObject({
        code: 'store_outside_transaction',
      });
      await expect(t.store.transaction(async () => t.store.transaction(async () => 1))).rejects.toMatchObject(
        {
          code: 'store_outside_transaction',
        },
      );
      // and after the transaction, the same calls work
      expect((await t.store.query<{ ok: number }>('select 1 as ok')).rows[0]!.ok).toBe(1);
    });

    it('keeps committed data across close and reopen', async () => {
      await t.store.db.insertInto('checkpoints').values({ name: 'durable', value: '{"a":1}' }).execute();
      await t.store.close();
      await t.store.close(); // idempotent
      if (backend === 'pglite') expect(existsSync(path.join(t.config.dataDir, 'store.lock'))).toBe(false);
      const again = await t.reopen();
      const row = await again.db
        .selectFrom('checkpoints')
        .select('value')
        .where('name', '=', 'durable')
        .executeTakeFirst();
      expect(row?.value).toEqual({ a: 1 });
      t.store = again;
    });
  });
}

describe('openStore on pglite: one process per data directory', () => {
  it('refuses a second process with the holder PID, and leaves the data directory intact', async () => {
    const t = await openTestStore({ backend: 'pglite' });
    try {
      await t.store.db.insertInto('checkpoints').values({ name: 'before', value: '"x"' }).execute();
      await t.store.close();
      const fixture = path.resolve(import.meta.dirname, 'fixtures/store-child.ts');
      const holder = startChild(fixture, ['hold'], { CIN7_GHL_DATA_DIR: t.root });
      try {
        const ready = await holder.waitFor(/^ready \d+/);
        const pid = Number(ready.split(' ')[1]);
        const filesBefore = listFiles(t.config.dataDir);
        const error = await openStore(t.config, { logger: silentLogger() }).then(
          () => null,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(StoreLockedError);
        expect((error as StoreLockedError).pid).toBe(pid);
        expect((error as Error).message).toContain(`process ${pid}`);
        expect((error as Error).message).toContain(t.config.dataDir);
        expect(listFiles(t.config.dataDir)).toEqual(filesBefore);
        holder.proc.stdin!.end();
        await holder.waitFor(/^closed/);
        expect(await holder.exited).toBe(0);
      } finally {
        holder.kill();
      }
      const again = await t.reopen();
      const row = await again.db
        .selectFrom('checkpoints')
        .select('value')
        .where('name', '=', 'before')
        .executeTakeFirst();
      expect(row?.value).toBe('x');
    } finally {
      await t.cleanup();
    }
  });
});

/** Names (not contents) of everything outside the live database files, which the holder may change. */
function listFiles(dataDir: string): string[] {
  return readdirSync(dataDir).sort();
}
