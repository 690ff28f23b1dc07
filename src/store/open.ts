import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, type Transaction } from 'kysely';
import pg from 'pg';
import type { Config } from '../config/load.js';
import { StoreError, errorMessage, isAppError } from '../errors/index.js';
import type { Logger } from '../log/logger.js';
import { acquireStoreLock } from './lock.js';
import { migrate } from './migrate.js';
import { PGLITE_START_PARAMS_EXTRA, preparePgliteDir } from './pglite-init.js';
import { PgliteDialect } from './pglite-driver.js';
import { GuardedPostgresDialect } from './postgres-driver.js';
import type { Database } from './schema.js';
import { assertOutsideTransaction, withinTransactionScope } from './scope.js';
import { Vault } from './vault.js';

/**
 * The application's database: embedded PGlite in the data directory, or PostgreSQL with
 * `DATABASE_URL`. Same schema, same SQL, same types on both.
 */
export interface Store {
  readonly kind: 'pglite' | 'postgres';
  /** Typed queries. Inside `transaction(fn)` use its `trx`, never this (it fails fast there). */
  readonly db: Kysely<Database>;
  /**
   * Runs `fn` in one transaction: committed when it resolves, rolled back when it throws.
   * On PGlite nothing else (no other request, no queue poll) runs until it ends: keep it short.
   * Not re-entrant: pass `trx` down instead of nesting.
   */
  transaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T>;
  /** Raw SQL outside any transaction; with no params a script of several statements is allowed. */
  query<R>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
  /** The environment's data directory on PGlite; null on PostgreSQL. */
  readonly dataDir: string | null;
  readonly vault: Vault;
  /** The PGlite instance (the job queue shares it); null on PostgreSQL. */
  readonly pglite: PGlite | null;
  /** The PostgreSQL connection string; null on PGlite. */
  readonly databaseUrl: string | null;
  /** Closes the database and releases the lock file. Stop the job queue first. */
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  logger: Logger;
  /** PostgreSQL pool size for application queries (default 5). */
  poolSize?: number;
}

/**
 * Opens the store for `config`: takes the data directory's lock (PGlite), initialises or recovers
 * the database, runs the migrations and opens the vault.
 *
 * @example
 * const store = await openStore(config, { logger });
 * try { await store.db.selectFrom('events').selectAll().execute(); } finally { await store.close(); }
 */
export async function openStore(config: Config, options: OpenStoreOptions): Promise<Store> {
  return config.databaseUrl ? openPostgres(config, config.databaseUrl, options) : openPglite(config, options);
}

async function openPglite(config: Config, { logger }: OpenStoreOptions): Promise<Store> {
  const dataDir = config.dataDir;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const lock = await acquireStoreLock(dataDir, logger);
  let pglite: PGlite | null = null;
  try {
    const pgdata = await preparePgliteDir(dataDir, logger);
    pglite = await PGlite.create({
      dataDir: pgdata,
      startParams: [...PGlite.defaultStartParams, ...PGLITE_START_PARAMS_EXTRA],
      // The same JS types node-postgres returns, so code and tests behave alike on both backends.
      parsers: {
        20: (v: string) => v, // int8 as a decimal string
        17: (v: string) => Buffer.from(v.slice(2), 'hex'), // bytea as Buffer
      },
    });
    const db = new Kysely<Database>({ dialect: new PgliteDialect(pglite) });
    const instance = pglite;
    return await finishOpen({
      kind: 'pglite',
      db,
      dataDir,
      databaseUrl: null,
      pglite: instance,
      config,
      logger,
      rawQuery: async <R>(text: string, params?: unknown[]) => {
        if (params && params.length > 0) return { rows: (await instance.query<R>(text, params)).rows };
        const results = await instance.exec(text);
        return { rows: (results[results.length - 1]?.rows ?? []) as R[] };
      },
      shutdown: async () => {
        try {
          await db.destroy();
          if (!instance.closed) await instance.close();
        } finally {
          lock.release();
        }
      },
    });
  } catch (e) {
    if (pglite && !pglite.closed) await pglite.close().catch(() => {});
    lock.release();
    throw wrapOpenError(e, `the embedded store in ${dataDir}`);
  }
}

async function openPostgres(
  config: Config,
  url: string,
  { logger, poolSize }: OpenStoreOptions,
): Promise<Store> {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize ?? 5,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    application_name: 'cin7-ghl-sync',
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', (e) => logger.warn({ err: e }, 'PostgreSQL connection lost; it will be replaced'));
  const db = new Kysely<Database>({ dialect: new GuardedPostgresDialect(pool) });
  try {
    await pool.query('select 1');
    return await finishOpen({
      kind: 'postgres',
      db,
      dataDir: null,
      databaseUrl: url,
      pglite: null,
      config,
      logger,
      rawQuery: async <R>(text: string, params?: unknown[]) => {
        const result = await pool.query(text, params);
        const last = Array.isArray(result) ? result[result.length - 1] : result;
        return { rows: (last?.rows ?? []) as R[] };
      },
      shutdown: () => db.destroy(),
    });
  } catch (e) {
    await db.destroy().catch(() => {});
    throw wrapOpenError(e, `PostgreSQL at ${redactUrl(url)}`);
  }
}

interface Parts {
  kind: 'pglite' | 'postgres';
  db: Kysely<Database>;
  dataDir: string | null;
  databaseUrl: string | null;
  pglite: PGlite | null;
  config: Config;
  logger: Logger;
  rawQuery: <R>(text: string, params?: unknown[]) => Promise<{ rows: R[] }>;
  shutdown: () => Promise<void>;
}

async function finishOpen(parts: Parts): Promise<Store> {
  const { db, logger } = parts;
  const transaction = <T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> => {
    assertOutsideTransaction('store.transaction() (nested)');
    return withinTransactionScope(() => db.transaction().execute(fn));
  };
  await migrate(db, transaction, logger);
  const vault = await Vault.open({
    db,
    transaction,
    dataDir: parts.dataDir,
    masterKey: parts.config.secrets.masterKey,
    logger,
  });
  let closing: Promise<void> | null = null;
  logger.debug({ kind: parts.kind, dataDir: parts.dataDir }, 'store open');
  return {
    kind: parts.kind,
    db,
    dataDir: parts.dataDir,
    databaseUrl: parts.databaseUrl,
    pglite: parts.pglite,
    vault,
    transaction,
    query: <R>(text: string, params?: unknown[]) => {
      assertOutsideTransaction('store.query()');
      return parts.rawQuery<R>(text, params);
    },
    close: () => {
      closing ??= parts.shutdown();
      return closing;
    },
  };
}

function wrapOpenError(e: unknown, where: string): unknown {
  if (isAppError(e)) return e;
  return new StoreError('store_open_failed', `Could not open ${where}: ${errorMessage(e)}`, {
    hint: 'Check the data directory (permissions, free space) or DATABASE_URL (server running, credentials), then start again.',
    cause: e,
  });
}

function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@');
}
