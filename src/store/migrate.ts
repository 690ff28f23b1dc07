import { createHash } from 'node:crypto';
import { type Kysely, type Transaction, sql } from 'kysely';
import { StoreError } from '../errors/index.js';
import type { Logger } from '../log/logger.js';
import { migrations as allMigrations } from './migrations/index.js';
import type { Migration } from './migrations/types.js';
import type { Database } from './schema.js';

// Held for each migration transaction, so processes starting together on PostgreSQL take turns.
const LOCK_CLASS = 1128877623; // 'CIN7'
const MIGRATION_LOCK = 1;

export interface MigrationReport {
  applied: string[];
  alreadyApplied: string[];
  /** Applied in the database but unknown to this version (a newer version ran here). */
  unknown: string[];
}

/**
 * Brings the schema up to date: each pending migration runs in its own transaction under an
 * advisory lock, and is recorded in `schema_migrations` in that same transaction, so a crash
 * leaves it either fully applied or not at all, and running again changes nothing.
 *
 * @example
 * const report = await migrate(store.db, (fn) => store.transaction(fn), logger);
 */
export async function migrate(
  db: Kysely<Database>,
  transaction: <T>(fn: (trx: Transaction<Database>) => Promise<T>) => Promise<T>,
  logger: Logger,
  list: Migration[] = allMigrations,
): Promise<MigrationReport> {
  checkOrder(list);
  await transaction(async (trx) => {
    await lock(trx);
    await sql`CREATE TABLE IF NOT EXISTS schema_migrations (
      id text PRIMARY KEY,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`.execute(trx);
  });
  const report: MigrationReport = { applied: [], alreadyApplied: [], unknown: [] };
  const known = new Set(list.map((m) => m.id));
  const before = await db.selectFrom('schema_migrations').select(['id', 'checksum']).execute();
  report.unknown = before.map((r) => r.id).filter((id) => !known.has(id));
  if (report.unknown.length > 0) {
    logger.warn(
      { unknown: report.unknown },
      'the database has migrations this version does not know (was a newer version run on it?)',
    );
  }
  for (const m of list) {
    const checksum = checksumOf(m);
    const outcome = await transaction(async (trx) => {
      await lock(trx);
      const done = await trx
        .selectFrom('schema_migrations')
        .select('checksum')
        .where('id', '=', m.id)
        .executeTakeFirst();
      if (done) return done.checksum === checksum ? 'skipped' : 'changed';
      try {
        await sql.raw(m.up).execute(trx);
      } catch (e) {
        throw new StoreError('store_migration_failed', `Migration ${m.id} failed: ${(e as Error).message}`, {
          hint: 'Nothing of this migration was applied. Fix the cause (see the error) and start again.',
          cause: e,
        });
      }
      await trx.insertInto('schema_migrations').values({ id: m.id, checksum }).execute();
      return 'applied';
    });
    if (outcome === 'applied') {
      report.applied.push(m.id);
      logger.info({ migration: m.id }, 'applied migration');
    } else {
      report.alreadyApplied.push(m.id);
      if (outcome === 'changed') {
        logger.warn(
          { migration: m.id },
          'a migration already applied has changed since; released migrations must not change (add a new one)',
        );
      }
    }
  }
  return report;
}

async function lock(trx: Kysely<Database>): Promise<void> {
  await sql`select pg_advisory_xact_lock(${sql.lit(LOCK_CLASS)}, ${sql.lit(MIGRATION_LOCK)})`.execute(trx);
}

function checksumOf(m: Migration): string {
  return createHash('sha256').update(m.up).digest('hex').slice(0, 16);
}

function checkOrder(list: Migration[]): void {
  const seen = new Set<string>();
  let previous = 0;
  for (const m of list) {
    const match = /^(\d{4})_[a-z0-9_]+$/.exec(m.id);
    const n = match ? Number(match[1]) : Number.NaN;
    if (!match || seen.has(m.id) || n <= previous) {
      throw new StoreError(
        'store_migration_order',
        `Migration id "${m.id}" is malformed, repeated or out of order.`,
        {
          hint: 'Name migrations NNNN_what with increasing numbers and list them in order in src/store/migrations/index.ts.',
        },
      );
    }
    seen.add(m.id);
    previous = n;
  }
}
