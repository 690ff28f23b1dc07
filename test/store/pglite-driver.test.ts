import { sql } from 'kysely';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineJob } from '../../src/jobs/define.js';
import { JobQueue } from '../../src/jobs/queue.js';
import { silentLogger } from '../../src/log/logger.js';
import { requirePostgres } from '../helpers/requirements.js';
import { type Backend, type TestStore, openTestStore } from '../helpers/store.js';

const pgReq = requirePostgres('transaction-safe driver (PostgreSQL)');

const traffic = defineJob({
  name: 'test.driver-traffic',
  schema: z.object({ tag: z.string() }),
  retryLimit: 2,
  retryDelaySeconds: 0,
  expireInSeconds: 30,
});

/**
 * The published PGlite dialects send BEGIN as an ordinary statement on PGlite's single session, so
 * whatever else runs meanwhile lands inside that transaction: a rollback swallows other callers'
 * writes, and unrelated statements are committed with it. This drives transactions that commit,
 * transactions that roll back, plain statements and pg-boss traffic all at once, and counts.
 */
for (const backend of ['pglite', 'postgres'] as Backend[]) {
  describe.skipIf(backend === 'postgres' && !pgReq.available)(
    `the store driver on ${backend} under concurrency`,
    () => {
      let t: TestStore;
      let queue: JobQueue;
      beforeAll(async () => {
        t = await openTestStore({ backend });
        await t.store.query(`
        create table driver_rows (tag text not null, n int not null);
        create table driver_counter (id int primary key, v int not null);
        insert into driver_counter values (1, 0);`);
        queue = await JobQueue.start(t.store, {
          logger: silentLogger(),
          kinds: [traffic],
          superviseIntervalSeconds: 1,
        });
      });
      afterAll(async () => {
        await queue?.stop({ graceful: false, timeoutMs: 2000 });
        await t?.cleanup();
      });

      it('loses no write and lets no write slip into another transaction', async () => {
        const { store } = t;
        const ran: string[] = [];
        await queue.work(traffic, { batchSize: 10, concurrency: 2 }, async ({ tag }) => {
          ran.push(tag);
          await store.db
            .insertInto('driver_rows' as never)
            .values({ tag: `job:${tag}`, n: 1 } as never)
            .execute();
        });

        const committing = Array.from({ length: 30 }, (_, i) =>
          store.transaction(async (trx) => {
            for (let k = 0; k < 4; k++) {
              await sql`insert into driver_rows (tag, n) values (${`commit:${i}`}, ${k})`.execute(trx);
              await new Promise((r) => setImmediate(r)); // let everything else interleave
            }
            await queue.send(traffic, { tag: `trx-commit:${i}` }, { trx });
          }),
        );
        const rollingBack = Array.from({ length: 30 }, (_, i) =>
          store
            .transaction(async (trx) => {
              for (let k = 0; k < 4; k++) {
                await sql`insert into driver_rows (tag, n) values (${`rollback:${i}`}, ${k})`.execute(trx);
                await new Promise((r) => setImmediate(r));
              }
              await queue.send(traffic, { tag: `trx-rollback:${i}` }, { trx });
              throw new Error('roll back on purpose');
            })
            .then(
              () => 'committed',
              () => 'rolled back',
            ),
        );
        const plain = Array.from({ length: 150 }, (_, i) =>
          store.db
            .insertInto('driver_rows' as never)
            .values({ tag: `plain:${i}`, n: 0 } as never)
            .execute(),
        );
        const counter = Array.from({ length: 60 }, () =>
          store.transaction(async (trx) => {
            const row = await sql<{
              v: number;
            }>`select v from driver_counter where id = 1 for update`.execute(trx);
            await new Promise((r) => setImmediate(r));
            await sql`update driver_counter set v = ${row.rows[0]!.v + 1} where id = 1`.execute(trx);
          }),
        );
        const sent = Array.from({ length: 200 }, (_, i) => queue.send(traffic, { tag: `plain-send:${i}` }));

        const outcomes = await Promise.all(rollingBack);
        await Promise.all([...committing, ...plain, ...counter, ...sent]);
        expect(outcomes.every((o) => o === 'rolled back')).toBe(true);

        const expectedJobs = 30 + 200;
        const deadline = Date.now() + 30_000;
        while (ran.length < expectedJobs && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 50));
        await new Promise((r) => setTimeout(r, 700)); // anything extra would show up by now

        const count = async (pattern: string) =>
          (
            await store.query<{ n: number }>('select count(*)::int as n from driver_rows where tag like $1', [
              pattern,
            ])
          ).rows[0]!.n;
        expect(await count('commit:%')).toBe(30 * 4);
        expect(await count('rollback:%')).toBe(0);
        expect(await count('plain:%')).toBe(150);
        expect(await count('job:%')).toBe(expectedJobs);
        const counterValue = await store.query<{ v: number }>('select v from driver_counter where id = 1');
        expect(counterValue.rows[0]!.v).toBe(60);
        expect(ran.filter((tag) => tag.startsWith('trx-rollback'))).toEqual([]);
        expect(new Set(ran).size).toBe(expectedJobs);
        expect(ran.length).toBe(expectedJobs);
        expect((await queue.counts(traffic)).completed).toBe(expectedJobs);
      });
    },
  );
}
