import type { PGlite, Results, Transaction as PgliteTransaction } from '@electric-sql/pglite';
import {
  CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import { StoreError } from '../errors/index.js';
import { assertOutsideTransaction } from './scope.js';

/**
 * A Kysely dialect for PGlite that is safe under concurrency.
 *
 * PGlite is one PostgreSQL session. The published dialects send `BEGIN` as an ordinary query, so
 * any other query issued meanwhile (another request, pg-boss polling) runs inside that transaction
 * and is committed or rolled back with it: writes are lost or swallowed. Here every Kysely
 * transaction runs inside `pglite.transaction()`, which holds PGlite's transaction mutex until it
 * ends; queries outside transactions go through `pglite.query()`/`exec()`, which wait for the same
 * mutex. pg-boss (through `fromPglite`) uses those same entry points, so it never slips into an
 * application transaction either.
 *
 * @example
 * const db = new Kysely<Database>({ dialect: new PgliteDialect(pglite) });
 */
export class PgliteDialect implements Dialect {
  readonly #pglite: PGlite;
  constructor(pglite: PGlite) {
    this.#pglite = pglite;
  }
  createDriver(): Driver {
    return new PgliteDriver(this.#pglite);
  }
  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler();
  }
  createAdapter(): DialectAdapter {
    return new PostgresAdapter();
  }
  // biome-ignore lint/suspicious/noExplicitAny: the Dialect interface declares Kysely<any>
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new PostgresIntrospector(db);
  }
}

class PgliteDriver implements Driver {
  readonly #pglite: PGlite;
  constructor(pglite: PGlite) {
    this.#pglite = pglite;
  }
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    // A connection is only a handle: outside a transaction every statement takes the mutex itself.
    return new PgliteConnection(this.#pglite);
  }
  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    await asPglite(connection).begin(settings);
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await asPglite(connection).finish('commit');
  }
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await asPglite(connection).finish('rollback');
  }
  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`savepoint ${quoteIdent(name)}`));
  }
  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`rollback to savepoint ${quoteIdent(name)}`));
  }
  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`release savepoint ${quoteIdent(name)}`));
  }
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {}
}

type Outcome = 'commit' | 'rollback';

class PgliteConnection implements DatabaseConnection {
  readonly #pglite: PGlite;
  #tx: PgliteTransaction | null = null;
  #decide: ((outcome: Outcome) => void) | null = null;
  #settled: Promise<void> | null = null;

  constructor(pglite: PGlite) {
    this.#pglite = pglite;
  }

  /**
   * Opens `pglite.transaction()` and keeps its callback waiting until Kysely commits or rolls back,
   * so the mutex is held for exactly the life of the Kysely transaction.
   */
  async begin(settings: TransactionSettings): Promise<void> {
    if (this.#tx)
      throw new StoreError('store_nested_transaction', 'A transaction is already open on this connection.');
    let outcome!: (o: Outcome) => void;
    const decided = new Promise<Outcome>((resolve) => {
      outcome = resolve;
    });
    let started!: (tx: PgliteTransaction) => void;
    const ready = new Promise<PgliteTransaction>((resolve, reject) => {
      started = resolve;
      this.#settled = this.#pglite
        .transaction(async (tx) => {
          if (settings.isolationLevel || settings.accessMode) {
            const parts = [
              settings.isolationLevel ? `isolation level ${settings.isolationLevel}` : '',
              settings.accessMode ?? '',
            ];
            await tx.exec(`set transaction ${parts.join(' ').trim()}`);
          }
          started(tx);
          if ((await decided) === 'rollback') await tx.rollback();
        })
        .catch((e: unknown) => {
          reject(e);
          throw e;
        });
      // Kysely learns about a failed COMMIT from finish(); this only silences the early copy.
      this.#settled.catch(() => {});
    });
    this.#tx = await ready;
    this.#decide = outcome;
  }

  /** Settles the open transaction; a COMMIT that PostgreSQL turned into ROLLBACK rejects. */
  async finish(outcome: Outcome): Promise<void> {
    const decide = this.#decide;
    const settled = this.#settled;
    this.#tx = null;
    this.#decide = null;
    this.#settled = null;
    if (!decide || !settled) return;
    decide(outcome);
    await settled;
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const { sql, parameters } = compiledQuery;
    const tx = this.#tx;
    if (!tx) assertOutsideTransaction('A query on store.db');
    const target = tx ?? this.#pglite;
    if (parameters.length > 0) {
      return toQueryResult<R>(await target.query<R>(sql, parameters as unknown[]));
    }
    // Without parameters the simple protocol is used, which also runs multi-statement scripts
    // (migrations) the same way node-postgres does; the last statement's rows are the result.
    const results = await target.exec(sql);
    const last = results[results.length - 1];
    const affected = results.reduce((n, r) => n + (r.affectedRows ?? 0), 0);
    return {
      rows: (last?.rows ?? []) as R[],
      ...(isWrite(last) ? { numAffectedRows: BigInt(affected) } : {}),
    };
  }

  async *streamQuery<R>(
    compiledQuery: CompiledQuery,
    chunkSize: number,
  ): AsyncIterableIterator<QueryResult<R>> {
    // PGlite has no cursors over its single session without holding the mutex; read then chunk.
    const { rows } = await this.executeQuery<R>(compiledQuery);
    const size = Math.max(1, chunkSize);
    for (let i = 0; i < rows.length; i += size) yield { rows: rows.slice(i, i + size) };
  }
}

function asPglite(connection: DatabaseConnection): PgliteConnection {
  if (connection instanceof PgliteConnection) return connection;
  throw new StoreError('store_driver', 'The PGlite driver was given a connection it did not create.');
}

function isWrite(result: Results | undefined): boolean {
  const command = result?.command?.toUpperCase();
  return command === 'INSERT' || command === 'UPDATE' || command === 'DELETE' || command === 'MERGE';
}

function toQueryResult<R>(result: Results<R>): QueryResult<R> {
  return {
    rows: result.rows,
    ...(isWrite(result as Results) ? { numAffectedRows: BigInt(result.affectedRows ?? 0) } : {}),
  };
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
