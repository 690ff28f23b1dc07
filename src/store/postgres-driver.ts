import {
  type CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  PostgresDialect,
  type PostgresPool,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import type pg from 'pg';
import { assertOutsideTransaction } from './scope.js';

/**
 * Kysely's PostgreSQL dialect with the same guard as the PGlite driver: a query issued inside
 * `store.transaction(fn)` but not through its `trx` fails at once instead of running on another
 * pooled connection (where it would not be part of the transaction, and on PGlite would deadlock).
 *
 * @example
 * const db = new Kysely<Database>({ dialect: new GuardedPostgresDialect(pool) });
 */
export class GuardedPostgresDialect implements Dialect {
  readonly #inner: PostgresDialect;
  constructor(pool: pg.Pool) {
    // @types/pg 8.6 does not declare Pool#options, which the pool has and Kysely reads.
    this.#inner = new PostgresDialect({ pool: pool as unknown as PostgresPool });
  }
  createDriver(): Driver {
    return new GuardedDriver(this.#inner.createDriver());
  }
  createQueryCompiler(): QueryCompiler {
    return this.#inner.createQueryCompiler();
  }
  createAdapter(): DialectAdapter {
    return this.#inner.createAdapter();
  }
  // biome-ignore lint/suspicious/noExplicitAny: the Dialect interface declares Kysely<any>
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return this.#inner.createIntrospector(db);
  }
}

class GuardedConnection implements DatabaseConnection {
  inTransaction = false;
  constructor(readonly inner: DatabaseConnection) {}
  executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    if (!this.inTransaction) assertOutsideTransaction('A query on store.db');
    return this.inner.executeQuery<R>(compiledQuery);
  }
  streamQuery<R>(compiledQuery: CompiledQuery, chunkSize: number): AsyncIterableIterator<QueryResult<R>> {
    if (!this.inTransaction) assertOutsideTransaction('A query on store.db');
    return this.inner.streamQuery<R>(compiledQuery, chunkSize);
  }
}

class GuardedDriver implements Driver {
  readonly #inner: Driver;
  constructor(inner: Driver) {
    this.#inner = inner;
  }
  init(): Promise<void> {
    return this.#inner.init();
  }
  async acquireConnection(): Promise<DatabaseConnection> {
    return new GuardedConnection(await this.#inner.acquireConnection());
  }
  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const c = unwrap(connection);
    await this.#inner.beginTransaction(c.inner, settings);
    c.inTransaction = true;
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const c = unwrap(connection);
    try {
      await this.#inner.commitTransaction(c.inner);
    } finally {
      c.inTransaction = false;
    }
  }
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const c = unwrap(connection);
    try {
      await this.#inner.rollbackTransaction(c.inner);
    } finally {
      c.inTransaction = false;
    }
  }
  savepoint(
    connection: DatabaseConnection,
    name: string,
    compileQuery: QueryCompiler['compileQuery'],
  ): Promise<void> {
    return this.#inner.savepoint!(unwrap(connection).inner, name, compileQuery);
  }
  rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compileQuery: QueryCompiler['compileQuery'],
  ): Promise<void> {
    return this.#inner.rollbackToSavepoint!(unwrap(connection).inner, name, compileQuery);
  }
  releaseSavepoint(
    connection: DatabaseConnection,
    name: string,
    compileQuery: QueryCompiler['compileQuery'],
  ): Promise<void> {
    return this.#inner.releaseSavepoint!(unwrap(connection).inner, name, compileQuery);
  }
  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.#inner.releaseConnection(unwrap(connection).inner);
  }
  destroy(): Promise<void> {
    return this.#inner.destroy();
  }
}

function unwrap(connection: DatabaseConnection): GuardedConnection {
  return connection as GuardedConnection;
}
