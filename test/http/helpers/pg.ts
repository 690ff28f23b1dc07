import pg from 'pg';
import { executorFromPool } from '../../../src/http/rate-limit/postgres.js';
import { migration } from '../../../src/store/migrations/0002_rate_limits.js';

/**
 * A private schema holding the rate-limit table, so parallel test files never share rows, and
 * pools whose connections use it. `drop()` removes the schema and closes every pool.
 */
export async function rateLimitSchema(url: string, label: string) {
  const schema = `t_${label}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Pool({ connectionString: url, max: 1 });
  await admin.query(`CREATE SCHEMA ${schema}`);
  const pools: pg.Pool[] = [];
  const pool = (max = 4) => {
    const p = new pg.Pool({ connectionString: url, max, options: `-c search_path=${schema}` });
    pools.push(p);
    return p;
  };
  const setup = pool(1);
  await setup.query(migration.up);
  return {
    schema,
    /** A new pool (one per simulated process) and its executor. */
    executor: (max = 4) => executorFromPool(pool(max)),
    async drop() {
      await Promise.all(pools.map((p) => p.end()));
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    },
  };
}
