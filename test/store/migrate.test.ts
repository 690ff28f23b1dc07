import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreError } from '../../src/errors/index.js';
import { createLogger, silentLogger } from '../../src/log/logger.js';
import { migrate } from '../../src/store/migrate.js';
import { migrations } from '../../src/store/migrations/index.js';
import { type Store, openStore } from '../../src/store/open.js';
import { createTestDatabase } from '../helpers/pg.js';
import { requirePostgres } from '../helpers/requirements.js';
import {
  type Backend,
  type TestStore,
  openTestStore,
  randomMasterKey,
  testConfig,
} from '../helpers/store.js';

const pgReq = requirePostgres('migrations (PostgreSQL)');

/** Tables, columns, indexes and constraints of the public schema, as text. */
async function schemaSnapshot(store: Store): Promise<string> {
  const columns = await store.query<Record<string, string>>(
    `select table_name, column_name, data_type, is_nullable, coalesce(column_default, '') as d
       from information_schema.columns where table_schema = 'public' order by 1, 2`,
  );
  const indexes = await store.query<Record<string, string>>(
    "select tablename, indexname, indexdef from pg_indexes where schemaname = 'public' order by 1, 2",
  );
  const constraints = await store.query<Record<string, string>>(
    `select conrelid::regclass::text as t, conname, pg_get_constraintdef(oid) as def
       from pg_constraint where connamespace = 'public'::regnamespace order by 1, 2`,
  );
  return JSON.stringify([columns.rows, indexes.rows, constraints.rows]);
}

function bound(store: Store) {
  return <T>(fn: Parameters<Store['transaction']>[0]) => store.transaction(fn) as Promise<T>;
}

for (const backend of ['pglite', 'postgres'] as Backend[]) {
  describe.skipIf(backend === 'postgres' && !pgReq.available)(`migrations on ${backend}`, () => {
    let t: TestStore;
    beforeAll(async () => {
      t = await openTestStore({ backend });
    });
    afterAll(async () => {
      await t?.cleanup();
    });

    it('from empty: every migration is applied once, in order, and recorded', async () => {
      const rows = await t.store.db
        .selectFrom('schema_migrations')
        .select(['id', 'checksum'])
        .orderBy('id')
        .execute();
      expect(rows.map((r) => r.id)).toEqual(migrations.map((m) => m.id));
      for (const table of ['secrets', 'vault_keys', 'inbox', 'checkpoints', 'events']) {
        const found = await t.store.query<{ n: number }>(
          "select count(*)::int as n from information_schema.tables where table_schema = 'public' and table_name = $1",
          [table],
        );
        expect(found.rows[0]!.n, table).toBe(1);
      }
    });

    it('running them again changes nothing', async () => {
      const before = await schemaSnapshot(t.store);
      const applied = await t.store.db.selectFrom('schema_migrations').selectAll().orderBy('id').execute();
      const report = await migrate(t.store.db, bound(t.store), silentLogger());
      expect(report.applied).toEqual([]);
      expect(report.alreadyApplied).toEqual(migrations.map((m) => m.id));
      expect(await schemaSnapshot(t.store)).toBe(before);
      expect(await t.store.db.selectFrom('schema_migrations').selectAll().orderBy('id').execute()).toEqual(
        applied,
      );
    });

    it('applies a failing migration not at all, and reports which one', async () => {
      const bad = [
        ...migrations,
        { id: '9001_half_done', up: 'create table half_done (a int); select * from no_such_table;' },
      ];
      const error = await migrate(t.store.db, bound(t.store), silentLogger(), bad).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreError);
      expect((error as Error).message).toContain('9001_half_done');
      const exists = await t.store.query<{ n: number }>(
        "select count(*)::int as n from information_schema.tables where table_name = 'half_done'",
      );
      expect(exists.rows[0]!.n).toBe(0);
      const recorded = await t.store.db
        .selectFrom('schema_migrations')
        .select('id')
        .where('id', '=', '9001_half_done')
        .execute();
      expect(recorded).toEqual([]);
    });

    it('warns when an applied migration has changed, and about migrations it does not know', async () => {
      let out = '';
      const logger = createLogger({
        level: 'warn',
        destination: new Writable({
          write(c: Buffer, _e, cb) {
            out += c.toString('utf8');
            cb();
          },
        }),
      });
      await t.store.db
        .insertInto('schema_migrations')
        .values({ id: '9999_from_the_future', checksum: 'x' })
        .execute();
      const changed = migrations.map((m, i) => (i === 0 ? { ...m, up: `${m.up}\n-- edited` } : m));
      const report = await migrate(t.store.db, bound(t.store), logger, changed);
      expect(report.applied).toEqual([]);
      expect(report.unknown).toEqual(['9999_from_the_future']);
      expect(out).toContain('has changed');
      expect(out).toContain('does not know');
      await t.store.db.deleteFrom('schema_migrations').where('id', '=', '9999_from_the_future').execute();
    });

    it('refuses a malformed or out-of-order list', async () => {
      const m = migrations[0]!;
      await expect(migrate(t.store.db, bound(t.store), silentLogger(), [m, m])).rejects.toMatchObject({
        code: 'store_migration_order',
      });
      await expect(
        migrate(t.store.db, bound(t.store), silentLogger(), [{ id: 'bad id', up: 'select 1' }]),
      ).rejects.toMatchObject({ code: 'store_migration_order' });
    });
  });
}

describe.skipIf(!pgReq.available)('migrations on postgres: several processes starting at once', () => {
  it('apply each migration exactly once', async () => {
    const db = await createTestDatabase();
    const stores: Store[] = [];
    try {
      const config = testConfig({ root: '/nonexistent', databaseUrl: db.url, masterKey: randomMasterKey() });
      // Four stores, four connection pools: as many sessions racing as four processes would be.
      const opened = await Promise.all(
        Array.from({ length: 4 }, () => openStore(config, { logger: silentLogger(), poolSize: 2 })),
      );
      stores.push(...opened);
      const rows = await opened[0]!.db.selectFrom('schema_migrations').select('id').orderBy('id').execute();
      expect(rows.map((r) => r.id)).toEqual(migrations.map((m) => m.id));
      // and every vault agrees on the key (none raced to a different state)
      const ids = new Set(opened.map((s) => s.vault.currentKeyId));
      expect(ids.size).toBe(1);
    } finally {
      for (const s of stores) await s.close();
      await db.drop();
    }
  });
});
