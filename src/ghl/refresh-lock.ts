/**
 * One token refresh at a time per connection, in this process and across processes.
 *
 * - In a process: a mutex per connection id shared by every token manager of the process.
 * - Across processes (PostgreSQL): a session advisory lock on a dedicated connection, held for the
 *   whole refresh (request included). If the holder dies its session ends and PostgreSQL frees the
 *   lock at once; the next holder then finds the refresh-intent marker it left and finds out what
 *   happened. PGlite is single-process (the data directory's lock file), so the mutex is enough.
 */
import { sql } from 'kysely';
import type { Store } from '../store/open.js';

export interface RefreshLock {
  /** Runs `fn` while holding the lock for `key`. */
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

const chains = new Map<string, Promise<unknown>>();

/** The in-process mutex per key (every token manager of the process shares it). */
export const processLock: RefreshLock = {
  async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const before = chains.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => {
      release = r;
    });
    const tail = before.then(() => mine);
    chains.set(key, tail);
    await before.catch(() => {});
    try {
      return await fn();
    } finally {
      release();
      if (chains.get(key) === tail) chains.delete(key);
    }
  },
};

// pg_advisory_lock(class, object): the vault and migrations use class 'CIN7'; refreshes their own.
const REFRESH_LOCK_CLASS = 0x47484c52; // 'GHLR'

/** A 32-bit signed hash of the key (FNV-1a), the advisory lock's object id. */
export function lockObjectId(key: string): number {
  let h = 0x811c9dc5;
  for (const ch of Buffer.from(key, 'utf8')) {
    h ^= ch;
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

/**
 * The lock for a store: the process mutex, plus a PostgreSQL advisory lock across processes.
 *
 * @example
 * await refreshLockFor(store).withLock(connectionId, () => refresh());
 */
export function refreshLockFor(store: Store, options: { waitTimeoutMs?: number } = {}): RefreshLock {
  if (store.kind !== 'postgres') return processLock;
  const waitMs = Math.max(1000, Math.trunc(options.waitTimeoutMs ?? 120_000));
  return {
    withLock: (key, fn) =>
      processLock.withLock(key, () =>
        store.db.connection().execute(async (conn) => {
          const id = lockObjectId(key);
          // Bounded wait: a holder that hangs cannot block every other process forever.
          await sql`select set_config('lock_timeout', ${`${waitMs}ms`}, false)`.execute(conn);
          await sql`select pg_advisory_lock(${REFRESH_LOCK_CLASS}::int, ${id}::int)`.execute(conn);
          try {
            return await fn();
          } finally {
            await sql`select pg_advisory_unlock(${REFRESH_LOCK_CLASS}::int, ${id}::int)`
              .execute(conn)
              .catch(() => {});
            await sql`select set_config('lock_timeout', '0', false)`.execute(conn).catch(() => {});
          }
        }),
      ),
  };
}
