import path from 'node:path';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors/index.js';
import { defineJob } from '../../src/jobs/define.js';
import { JobPayloadError, JobQueue } from '../../src/jobs/queue.js';
import { silentLogger } from '../../src/log/logger.js';
import { registerSecret } from '../../src/log/redact.js';
import { listEvents } from '../../src/store/events.js';
import { requirePostgres } from '../helpers/requirements.js';
import { type Backend, type TestStore, openTestStore } from '../helpers/store.js';
import { type Child, startChild } from '../store/fixtures/child.js';
import { RUNS_TABLE_SQL, numbered } from './fixtures/kinds.js';

const pgReq = requirePostgres('job queue (PostgreSQL)');
const workerFixture = path.resolve(import.meta.dirname, 'fixtures/worker-child.ts');
const logger = silentLogger();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(25);
  }
}

const flaky = defineJob({
  name: 'test.flaky',
  schema: z.object({ id: z.string() }),
  retryLimit: 3,
  retryDelaySeconds: 1,
  expireInSeconds: 30,
});
const doomed = defineJob({
  name: 'test.doomed',
  schema: z.object({ id: z.string() }),
  retryLimit: 2,
  retryDelaySeconds: 0,
  expireInSeconds: 30,
});
const strictSend = defineJob({
  name: 'test.strict',
  schema: z.object({ n: z.string() }),
  retryLimit: 2,
  retryDelaySeconds: 0,
  expireInSeconds: 30,
});
// The same queue read with a schema the stored payload no longer matches (e.g. after a deploy).
const strictReceive = defineJob({
  name: 'test.strict',
  schema: z.object({ n: z.number() }),
  retryLimit: 2,
  retryDelaySeconds: 0,
  expireInSeconds: 30,
});
const txKind = defineJob({
  name: 'test.tx',
  schema: z.object({ tag: z.string() }),
  retryLimit: 0,
  retryDelaySeconds: 0,
  expireInSeconds: 30,
});
const single = defineJob({
  name: 'test.single',
  schema: z.object({ key: z.string(), n: z.number() }),
  retryLimit: 0,
  retryDelaySeconds: 0,
  expireInSeconds: 30,
  singletonKey: (p) => p.key,
});
const unregistered = defineJob({
  name: 'test.unregistered',
  schema: z.object({}),
  retryLimit: 0,
  retryDelaySeconds: 0,
  expireInSeconds: 30,
});
const swapped = defineJob({
  name: 'test.swapped',
  schema: z.object({ n: z.number() }),
  retryLimit: 0,
  retryDelaySeconds: 0,
  expireInSeconds: 30,
});
const cron = defineJob({
  name: 'test.cron',
  schema: z.object({ full: z.boolean() }),
  retryLimit: 0,
  retryDelaySeconds: 0,
  expireInSeconds: 30,
});

for (const backend of ['pglite', 'postgres'] as Backend[]) {
  describe.skipIf(backend === 'postgres' && !pgReq.available)(`job queue on ${backend}`, () => {
    let t: TestStore;
    let queue: JobQueue;
    beforeAll(async () => {
      t = await openTestStore({ backend });
      await t.store.query(RUNS_TABLE_SQL);
      queue = await JobQueue.start(t.store, {
        logger,
        kinds: [numbered, flaky, doomed, strictSend, txKind, single, swapped, cron],
        superviseIntervalSeconds: 1,
      });
    });
    afterAll(async () => {
      await queue?.stop({ graceful: false, timeoutMs: 2000 });
      await t?.cleanup();
    });

    it('completes 2,000 jobs across 4 concurrent workers exactly once', async () => {
      const workers: JobQueue[] = [];
      const children: Child[] = [];
      try {
        if (backend === 'pglite') {
          // PGlite is one process: four independent queue instances compete in it.
          for (let w = 0; w < 4; w++) {
            const q = await JobQueue.start(t.store, { logger, kinds: [numbered], schedule: false });
            workers.push(q);
            await q.work(numbered, { batchSize: 10 }, async ({ i }, job) => {
              await t.store.query('insert into test_runs (i, job_id, pid) values ($1, $2, $3)', [
                i,
                job.id,
                w,
              ]);
            });
          }
        } else {
          for (let w = 0; w < 4; w++) {
            children.push(
              startChild(workerFixture, ['work', '0'], {
                DATABASE_URL: t.store.databaseUrl!,
                CIN7_GHL_MASTER_KEY: t.config.secrets.masterKey!,
              }),
            );
          }
          await Promise.all(children.map((c) => c.waitFor(/^working$/)));
        }
        const started = Date.now();
        await queue.sendMany(
          numbered,
          Array.from({ length: 2000 }, (_, i) => ({ i })),
        );
        await until(
          async () => (await queue.counts(numbered)).completed >= 2000,
          90_000,
          '2,000 completions',
        );
        const seconds = (Date.now() - started) / 1000;
        const runs = await t.store.query<{ n: number; distinct_i: number; workers: number }>(
          'select count(*)::int as n, count(distinct i)::int as distinct_i, count(distinct pid)::int as workers from test_runs',
        );
        expect(runs.rows[0]).toEqual({ n: 2000, distinct_i: 2000, workers: 4 });
        const counts = await queue.counts(numbered);
        expect(counts).toMatchObject({
          completed: 2000,
          created: 0,
          active: 0,
          retry: 0,
          failed: 0,
          deadLetters: 0,
        });
        expect(seconds).toBeLessThan(90);
      } finally {
        for (const q of workers) await q.stop({ graceful: true, timeoutMs: 5000 });
        for (const c of children) {
          c.proc.stdin!.end();
        }
        await Promise.all(children.map((c) => Promise.race([c.exited, sleep(10_000)])));
        for (const c of children) c.kill();
      }
    }, 120_000);

    it('retries a job failing twice with growing waits, then completes it', async () => {
      const attempts: { retryCount: number; at: number }[] = [];
      await queue.work(flaky, { batchSize: 1 }, async (_p, job) => {
        attempts.push({ retryCount: job.retryCount, at: Date.now() });
        if (attempts.length <= 2) throw new Error(`failure ${attempts.length}`);
      });
      await queue.send(flaky, { id: 'f1' });
      await until(
        async () => (await queue.counts(flaky)).completed === 1,
        30_000,
        'the flaky job to complete',
      );
      expect(attempts.map((a) => a.retryCount)).toEqual([0, 1, 2]);
      const firstWait = attempts[1]!.at - attempts[0]!.at;
      const secondWait = attempts[2]!.at - attempts[1]!.at;
      // Exponential backoff with a 1 s base: the waits are 1-2 s, then 2-4 s (plus polling).
      expect(firstWait).toBeGreaterThanOrEqual(900);
      expect(secondWait).toBeGreaterThanOrEqual(1900);
      expect((await queue.counts(flaky)).deadLetters).toBe(0);
    }, 40_000);

    it('moves a job that always fails to the dead letter after its retry limit, keeping its error', async () => {
      let attempts = 0;
      let succeed = false;
      await queue.work(doomed, { batchSize: 1 }, async () => {
        attempts++;
        if (!succeed) throw new Error('the vendor said no: Bearer abcdef123456-secret');
      });
      registerSecret('abcdef123456-secret');
      const id = await queue.send(doomed, { id: 'd1' });
      await until(async () => (await queue.counts(doomed)).deadLetters === 1, 30_000, 'the dead letter');
      expect(attempts).toBe(3); // the first attempt and two retries
      const dead = await queue.deadLetters(doomed);
      expect(dead).toHaveLength(1);
      expect(dead[0]!.payload).toEqual({ id: 'd1' });
      expect(dead[0]!.error).toMatchObject({ message: 'the vendor said no: Bearer [redacted]' });
      const counts = await queue.counts(doomed);
      expect(counts).toMatchObject({ failed: 1, completed: 0, deadLetters: 1 });
      const events = await listEvents(t.store.db, { kinds: ['job.dead_letter'] });
      expect(events.some((e) => e.subject === `test.doomed/${id}`)).toBe(true);
      // An operator retries it once the cause is fixed.
      succeed = true;
      expect(await queue.retryDeadLetter(dead[0]!.id)).toBe(true);
      await until(
        async () => (await queue.counts(doomed)).completed === 1,
        30_000,
        'the retried dead letter',
      );
      expect((await queue.counts(doomed)).deadLetters).toBe(0);
      expect(await queue.retryDeadLetter(dead[0]!.id)).toBe(false);
    }, 40_000);

    it('validates payloads on send, and dead-letters one that fails the schema on receive', async () => {
      await expect(queue.send(strictSend, { n: 5 } as unknown as { n: string })).rejects.toBeInstanceOf(
        JobPayloadError,
      );
      expect((await queue.counts(strictSend)).created).toBe(0);
      let handled = 0;
      await queue.send(strictSend, { n: 'five' });
      await queue.work(strictReceive, { batchSize: 1 }, async () => {
        handled++;
      });
      await until(
        async () => (await queue.counts(strictSend)).deadLetters === 1,
        30_000,
        'the invalid payload dead letter',
      );
      expect(handled).toBe(0);
      const dead = await queue.deadLetters(strictSend);
      expect(dead[0]!.error).toMatchObject({ code: 'job_payload_invalid' });
      expect(String((dead[0]!.error as { message: string }).message)).toContain('test.strict');
    }, 40_000);

    it('never runs a job enqueued in a rolled-back transaction, and runs one from a committed one', async () => {
      const ran: string[] = [];
      await queue.work(txKind, { batchSize: 5 }, async ({ tag }) => {
        ran.push(tag);
      });
      await expect(
        t.store.transaction(async (trx) => {
          await trx.insertInto('checkpoints').values({ name: 'tx-job', value: '1' }).execute();
          expect(await queue.send(txKind, { tag: 'rolled-back' }, { trx })).toEqual(expect.any(String));
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      await t.store.transaction(async (trx) => {
        await queue.sendMany(txKind, [{ tag: 'committed-1' }, { tag: 'committed-2' }], { trx });
      });
      await until(() => ran.length >= 2, 10_000, 'the committed jobs');
      await sleep(1500);
      expect(ran.sort()).toEqual(['committed-1', 'committed-2']);
      expect(
        await t.store.db.selectFrom('checkpoints').where('name', '=', 'tx-job').selectAll().execute(),
      ).toEqual([]);
    }, 30_000);

    it('refuses a plain send inside a transaction instead of deadlocking', async () => {
      await expect(
        t.store.transaction(async () => {
          await queue.send(txKind, { tag: 'x' });
        }),
      ).rejects.toMatchObject({ code: 'store_outside_transaction' });
      if (backend === 'pglite') {
        await expect(
          t.store.transaction(async (trx) => {
            await queue.send(unregistered, {}, { trx });
          }),
        ).rejects.toBeInstanceOf(InputError);
      }
    });

    it('keeps one queued job per singleton key, and never runs two with the same key at once', async () => {
      expect(await queue.send(single, { key: 'a', n: 1 })).toEqual(expect.any(String));
      expect(await queue.send(single, { key: 'a', n: 2 })).toBeNull(); // one already queued
      expect(await queue.send(single, { key: 'b', n: 1 })).toEqual(expect.any(String));
      await expect(queue.send(txKind, { tag: 'x' }, { singletonKey: 'k' })).rejects.toBeInstanceOf(
        InputError,
      );
      const started: string[] = [];
      const spans: { key: string; n: number; start: number; end: number }[] = [];
      await queue.work(single, { batchSize: 5, concurrency: 2 }, async ({ key, n }) => {
        const start = Date.now();
        started.push(`${key}${n}`);
        await sleep(500);
        spans.push({ key, n, start, end: Date.now() });
      });
      await until(() => started.includes('a1'), 10_000, 'a1 to start');
      // While a1 runs, one more 'a' may queue behind it (and only one); workers are free to take it.
      expect(await queue.send(single, { key: 'a', n: 3 })).toEqual(expect.any(String));
      expect(await queue.send(single, { key: 'a', n: 4 })).toBeNull();
      await until(() => spans.length === 3, 10_000, 'the singleton jobs');
      const byName = Object.fromEntries(spans.map((x) => [`${x.key}${x.n}`, x]));
      expect(Object.keys(byName).sort()).toEqual(['a1', 'a3', 'b1']);
      expect(byName.a3!.start).toBeGreaterThanOrEqual(byName.a1!.end);
    }, 30_000);

    it('stops working a kind, keeps its jobs queued, and hands them to the next handler', async () => {
      const first: number[] = [];
      const second: number[] = [];
      await queue.work(swapped, { batchSize: 1 }, async ({ n }) => {
        first.push(n);
      });
      await queue.send(swapped, { n: 1 });
      await until(() => first.length === 1, 10_000, 'the first handler');
      await queue.stopWorking(swapped);
      await queue.send(swapped, { n: 2 });
      await sleep(1500); // two polling intervals: nobody works the kind now
      expect(first).toEqual([1]);
      await queue.work(swapped, { batchSize: 1 }, async ({ n }) => {
        second.push(n);
      });
      await until(() => second.length === 1, 10_000, 'the second handler');
      expect({ first, second }).toEqual({ first: [1], second: [2] });
    }, 30_000);

    it('schedules a kind on a cron expression in a time zone, and unschedules it', async () => {
      await queue.schedule(cron, '0 2 * * *', { full: true }, { tz: 'Australia/Sydney' });
      expect(await queue.schedules(cron)).toEqual([{ cron: '0 2 * * *', tz: 'Australia/Sydney', key: '' }]);
      await expect(
        queue.schedule(cron, '0 2 * * *', { full: 'yes' } as unknown as { full: boolean }, { tz: 'UTC' }),
      ).rejects.toBeInstanceOf(JobPayloadError);
      await queue.unschedule(cron);
      expect(await queue.schedules(cron)).toEqual([]);
    });
  });
}
