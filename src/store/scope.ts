import { AsyncLocalStorage } from 'node:async_hooks';
import { StoreError } from '../errors/index.js';

/**
 * Marks the async context of an application transaction (`store.transaction(fn)`).
 *
 * On PGlite the transaction holds the database's one connection until it ends, so a query issued
 * inside `fn` but outside `trx` (through `store.db`, `store.query`, or a plain `queue.send()`) would
 * wait for the transaction that is waiting for it: a silent deadlock. The guard turns that into an
 * immediate error on both backends, so a bug found on PostgreSQL is the same bug on PGlite.
 */
interface Scope {
  open: boolean;
}

const scopes = new AsyncLocalStorage<Scope>();

/** Runs `fn` inside a transaction scope; the scope closes when `fn` settles. */
export async function withinTransactionScope<T>(fn: () => Promise<T>): Promise<T> {
  const scope: Scope = { open: true };
  try {
    return await scopes.run(scope, fn);
  } finally {
    scope.open = false;
  }
}

/**
 * True while the caller runs inside `store.transaction(fn)`.
 *
 * @example
 * if (insideTransaction()) throw new Error('pass trx');
 */
export function insideTransaction(): boolean {
  return scopes.getStore()?.open === true;
}

/** Throws when a query that bypasses the current transaction is issued from inside it. */
export function assertOutsideTransaction(what: string): void {
  if (!insideTransaction()) return;
  throw new StoreError(
    'store_outside_transaction',
    `${what} was called inside store.transaction() without the transaction handle; on the embedded store this would deadlock.`,
    {
      hint: 'Use the `trx` passed to the transaction callback (for jobs: queue.send(kind, payload, { trx })), or move the call after the transaction.',
    },
  );
}
