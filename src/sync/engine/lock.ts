/**
 * One sync of a customer at a time, everywhere: an in-process mutex per customer (every engine of
 * the process shares it), plus on PostgreSQL a session advisory lock on a dedicated connection, so
 * a foreground `sync run` and a service on the same database never process one customer at once.
 * A holder that dies ends its session, so PostgreSQL frees its locks at once.
 */
import pg from 'pg';
import type { Store } from '../../store/open.js';

export interface CustomerLock {
  /**
   * Runs `fn` holding the lock of `key`; `{ ok: false }` when the lock could not be had within
   * `waitMs` (another process or job is syncing that customer).
   */
  withLock<T>(
    key: string,
    fn: () => Promise<T>,
    waitMs: number,
  ): Promise<{ ok: true; value: T } | { ok: false }>;
  /** Releases what the lock opened (its PostgreSQL connections). */
  close(): Promise<void>;
}

interface Waiter {
  resolve: () => void;
  timer: NodeJS.Timeout | null;
}

/** Per-key mutexes of this process, with bounded waits (shared by every engine of the process). */
class KeyedMutex {
  readonly #held = new Map<string, Waiter[]>();

  /** Resolves true once the key is held, false after `waitMs` without it. */
  acquire(key: string, waitMs: number): Promise<boolean> {
    const queue = this.#held.get(key);
    if (!queue) {
      this.#held.set(key, []);
      return Promise.resolve(true);
    }
    return new Promise<boolean>((resolve) => {
      const waiter: Waiter = {
        resolve: () => {
          if (waiter.timer) clearTimeout(waiter.timer);
          resolve(true);
        },
        timer: null,
      };
      waiter.timer = setTimeout(
        () => {
          const q = this.#held.get(key);
          const i = q?.indexOf(waiter) ?? -1;
          if (q && i >= 0) q.splice(i, 1);
          resolve(false);
        },
        Math.max(0, waitMs),
      );
      queue.push(waiter);
    });
  }

  release(key: string): void {
    const queue = this.#held.get(key);
    if (!queue) return;
    const next = queue.shift();
    if (next) next.resolve();
    else this.#held.delete(key);
  }
}

const processMutex = new KeyedMutex();

// pg_advisory_lock(class, object): migrations and the vault use 'CIN7', token refreshes 'GHLR'.
const CUSTOMER_LOCK_CLASS = 0x53594e43; // 'SYNC'

/** A 32-bit signed FNV-1a hash of the key: the advisory lock's object id (a collision only serialises two customers). */
export function customerLockId(key: string): number {
  let h = 0x811c9dc5;
  for (const ch of Buffer.from(key, 'utf8')) {
    h ^= ch;
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

/**
 * The customer lock for a store: the process mutex on PGlite (one process owns it), plus a
 * PostgreSQL session advisory lock on PostgreSQL, taken on a pool of its own (`poolSize`, default
 * 10) so holding locks never starves the store's pool.
 *
 * @example
 * const lock = customerLockFor(store);
 * const r = await lock.withLock(customerId, () => sync(customerId), 30_000);
 * await lock.close();
 */
export function customerLockFor(store: Store, options: { poolSize?: number } = {}): CustomerLock {
  if (store.kind !== 'postgres' || !store.databaseUrl) {
    return {
      async withLock(key, fn, waitMs) {
        if (!(await processMutex.acquire(key, waitMs))) return { ok: false };
        try {
          return { ok: true, value: await fn() };
        } finally {
          processMutex.release(key);
        }
      },
      close: async () => {},
    };
  }
  const pool = new pg.Pool({
    connectionString: store.databaseUrl,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    application_name: 'cin7-ghl-sync-locks',
  });
  pool.on('error', () => {});
  return {
    async withLock(key, fn, waitMs) {
      const started = Date.now();
      if (!(await processMutex.acquire(key, waitMs))) return { ok: false };
      try {
        const client = await pool.connect();
        let broken = false;
        try {
          const left = Math.max(1, waitMs - (Date.now() - started));
          const id = customerLockId(key);
          // Bounded wait: a holder that hangs cannot block this customer everywhere for ever.
          await client.query(`select set_config('lock_timeout', $1, false)`, [`${left}ms`]);
          try {
            await client.query('select pg_advisory_lock($1::int, $2::int)', [CUSTOMER_LOCK_CLASS, id]);
          } catch (e) {
            if ((e as { code?: string }).code === '55P03') return { ok: false };
            throw e;
          }
          try {
            return { ok: true, value: await fn() };
          } finally {
            await client
              .query('select pg_advisory_unlock($1::int, $2::int)', [CUSTOMER_LOCK_CLASS, id])
              .catch(() => {
                broken = true;
              });
          }
        } finally {
          client.release(broken);
        }
      } finally {
        processMutex.release(key);
      }
    },
    close: () => pool.end(),
  };
}
