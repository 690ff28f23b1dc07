import { StoreError } from '../../errors/index.js';
import { blockFree, countFree } from './slots.js';
import type { ReleaseItem, SlotStore, TakeResult } from './types.js';

/** The smallest SQL surface the shared limiter needs; the store module (or a test) provides it. */
export interface SqlExecutor {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
}

/** An executor that can also run a function inside one transaction (same connection, BEGIN … COMMIT). */
export interface SqlTransactor extends SqlExecutor {
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
}

/** The table, created by migration `0002_rate_limits`. */
export const RATE_LIMIT_TABLE = 'http_rate_limits';

/** Database time in ms: every process, on every machine, compares slots on the one clock. */
const DB_NOW = `(extract(epoch from clock_timestamp()) * 1000)::float8`;

interface SlotRow {
  slots: Array<string | number> | null;
  now: number | string;
}

/**
 * Slots shared through PostgreSQL: one row per key (an array of slot-free times) changed under
 * `SELECT … FOR UPDATE` — takes inside the `http_rate_limit_take` function (migration
 * `0002_rate_limits`), releases as one compare-and-set `UPDATE` per batch — so every worker process
 * draws on one budget. Times come from the database clock, not the processes', so machines with
 * skewed clocks still agree.
 *
 * @example
 * const store = new PostgresSlotStore(executorFromPool(pool));
 * const limiter = new SlotLimiter(store);
 */
export class PostgresSlotStore implements SlotStore {
  readonly pollMs: number;

  constructor(
    private readonly db: SqlTransactor,
    options: { pollMs?: number } = {},
  ) {
    this.pollMs = options.pollMs ?? 20;
  }

  async take(key: string, limit: number, holdMs: number, count: number): Promise<TakeResult> {
    const { rows } = await this.db.query<{ idx: number; token: string | number; wait_ms: string | number }>(
      'SELECT idx, token, wait_ms FROM http_rate_limit_take($1, $2, $3, $4)',
      [key, limit, Math.ceil(holdMs), count],
    );
    const taken: TakeResult['taken'] = [];
    let waitMs = 0;
    for (const row of rows) {
      if (row.idx >= 0) taken.push({ index: row.idx, token: Number(row.token) });
      else waitMs = Number(row.wait_ms);
    }
    return { taken, waitMs };
  }

  async release(key: string, items: ReleaseItem[]): Promise<{ free: number | null }> {
    // One statement for any number of slots, no explicit transaction: the row lock it takes makes
    // each compare-and-set atomic, and releases never queue behind one another for connections.
    const { rows } = await this.db.query<SlotRow>(
      `UPDATE ${RATE_LIMIT_TABLE} t
          SET slots = (
                SELECT array_agg(
                         CASE WHEN r.token IS NOT NULL AND s.v = r.token
                              THEN floor(${DB_NOW})::bigint + r.cool ELSE s.v END
                         ORDER BY s.i)
                  FROM unnest(t.slots) WITH ORDINALITY AS s(v, i)
                  LEFT JOIN unnest($2::int[], $3::bigint[], $4::bigint[]) AS r(idx, token, cool)
                    ON r.idx = s.i
              ),
              updated_at = now()
        WHERE key = $1 AND cardinality(t.slots) > 0
        RETURNING slots, ${DB_NOW} AS now`,
      [key, items.map((i) => i.index + 1), items.map((i) => i.token), items.map((i) => Math.ceil(i.coolMs))],
    );
    const row = rows[0];
    if (!row) return { free: null };
    return { free: countFree(toNumbers(row.slots), Number(row.now)) };
  }

  async block(key: string, count: number, forMs: number): Promise<void> {
    await this.db.transaction(async (tx) => {
      const { slots, now } = await this.lockRow(tx, key);
      if (blockFree(slots, now, count, now + Math.ceil(forMs)) > 0) {
        await tx.query(
          `UPDATE ${RATE_LIMIT_TABLE} SET slots = $2::bigint[], updated_at = now() WHERE key = $1`,
          [key, slots],
        );
      }
    });
  }

  /** The slot times of `key` and the database time (tests and diagnostics). */
  async slots(key: string): Promise<{ slots: number[]; now: number }> {
    const { rows } = await this.db.query<SlotRow>(
      `SELECT slots, ${DB_NOW} AS now FROM ${RATE_LIMIT_TABLE} WHERE key = $1`,
      [key],
    );
    const row = rows[0];
    return { slots: row ? toNumbers(row.slots) : [], now: row ? Number(row.now) : Date.now() };
  }

  async peek(key: string): Promise<{ total: number; free: number } | null> {
    const { slots, now } = await this.slots(key);
    return slots.length === 0 ? null : { total: slots.length, free: countFree(slots, now) };
  }

  private async lockRow(tx: SqlExecutor, key: string): Promise<{ slots: number[]; now: number }> {
    const select = `SELECT slots, ${DB_NOW} AS now FROM ${RATE_LIMIT_TABLE} WHERE key = $1 FOR UPDATE`;
    let { rows } = await tx.query<SlotRow>(select, [key]);
    if (rows.length === 0) {
      await tx.query(
        `INSERT INTO ${RATE_LIMIT_TABLE} (key, slots) VALUES ($1, '{}') ON CONFLICT (key) DO NOTHING`,
        [key],
      );
      ({ rows } = await tx.query<SlotRow>(select, [key]));
    }
    const row = rows[0];
    if (!row) {
      throw new StoreError(
        'rate_limit_row_missing',
        `The ${RATE_LIMIT_TABLE} row for ${key} could not be created.`,
        {
          hint: 'Run the migrations (0002_rate_limits) on this database.',
        },
      );
    }
    return { slots: toNumbers(row.slots), now: Math.floor(Number(row.now)) };
  }
}

function toNumbers(values: Array<string | number> | null): number[] {
  return (values ?? []).map(Number);
}

/** The parts of a `pg` Pool the limiter uses. */
export interface PoolLike {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
  connect(): Promise<PoolClientLike>;
}
export interface PoolClientLike {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
  release(err?: Error | boolean): void;
}

/**
 * A `SqlTransactor` over a `pg` Pool (or anything shaped like one).
 *
 * @example
 * const store = new PostgresSlotStore(executorFromPool(new pg.Pool({ connectionString })));
 */
export function executorFromPool(pool: PoolLike): SqlTransactor {
  const wrap = (client: { query: PoolLike['query'] }): SqlExecutor => ({
    query: async <R>(sql: string, params?: unknown[]) => {
      const result = await client.query(sql, params);
      return { rows: result.rows as R[] };
    },
  });
  return {
    ...wrap(pool),
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (e) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true;
        }
        throw e;
      } finally {
        client.release(broken);
      }
    },
  };
}
