import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { JobQueue } from '../../src/jobs/queue.js';
import { silentLogger } from '../../src/log/logger.js';
import { requirePostgres } from '../helpers/requirements.js';
import { type Backend, openTestStore } from '../helpers/store.js';
import { startChild } from '../store/fixtures/child.js';
import { RUNS_TABLE_SQL, numbered } from './fixtures/kinds.js';

const pgReq = requirePostgres('job queue after SIGKILL (PostgreSQL)');
const workerFixture = path.resolve(import.meta.dirname, 'fixtures/worker-child.ts');
const JOBS = 60;

for (const backend of ['pglite', 'postgres'] as Backend[]) {
  describe.skipIf(backend === 'postgres' && !pgReq.available)(
    `job queue on ${backend}: a worker killed mid-processing`,
    () => {
      it('loses no job: after a restart every job completes within seconds', async () => {
        const t = await openTestStore({ backend });
        try {
          const env: Record<string, string> =
            backend === 'pglite'
              ? { CIN7_GHL_DATA_DIR: t.root }
              : { DATABASE_URL: t.store.databaseUrl!, CIN7_GHL_MASTER_KEY: t.config.secrets.masterKey! };
          let args = ['work', '150'];
          if (backend === 'pglite') {
            await t.store.close(); // the worker process owns the embedded store; it sends the jobs itself
            args = [...args, 'send', String(JOBS)];
          } else {
            await t.store.query(RUNS_TABLE_SQL);
            const q = await JobQueue.start(t.store, {
              logger: silentLogger(),
              kinds: [numbered],
              schedule: false,
            });
            await q.sendMany(
              numbered,
              Array.from({ length: JOBS }, (_, i) => ({ i })),
            );
            await q.stop({ graceful: true, timeoutMs: 2000 });
          }

          const first = startChild(workerFixture, args, env);
          try {
            await first.waitFor(/^working$/);
            // Kill once some jobs are done and at least one is in hand (started, not done: it has
            // ~150 ms left, and the check runs every 5 ms).
            let inFlight: string[] = [];
            await new Promise<void>((resolve, reject) => {
              const timer = setInterval(() => {
                const done = new Set(first.lines.filter((l) => l.startsWith('done ')).map((l) => l.slice(5)));
                inFlight = first.lines
                  .filter((l) => l.startsWith('start '))
                  .map((l) => l.slice(6))
                  .filter((i) => !done.has(i));
                if (done.size >= 8 && inFlight.length > 0) {
                  clearInterval(timer);
                  resolve();
                }
              }, 5);
              void first.exited.then(() => reject(new Error(`worker exited early: ${first.stderr()}`)));
            });
            first.kill('SIGKILL');
            expect(await first.exited).toBe('SIGKILL');
            expect(inFlight.length).toBeGreaterThan(0);
          } finally {
            first.kill('SIGKILL');
          }
          const doneBefore = new Set(
            first.lines.filter((l) => l.startsWith('done')).map((l) => l.split(' ')[1]),
          );
          expect(doneBefore.size).toBeLessThan(JOBS);

          const second = startChild(workerFixture, [...args, 'expect', String(JOBS)], env);
          let seconds = Number.POSITIVE_INFINITY;
          try {
            await second.waitFor(/^working$/, 60_000);
            const workingAt = Date.now();
            await second.waitFor(/^all-done \d+$/, 60_000);
            seconds = (Date.now() - workingAt) / 1000;
            expect(await second.exited).toBe(0);
          } finally {
            second.kill('SIGKILL');
          }
          // From the restarted worker being up: expiry of the killed attempts (2 s after they started),
          // the next supervisor pass (1 s), then the rest of the work (~50 jobs x 150 ms, 8 at a time).
          expect(seconds).toBeLessThan(15);

          const store = backend === 'pglite' ? await t.reopen() : t.store;
          const runs = await store.query<{ distinct_i: number }>(
            'select count(distinct i)::int as distinct_i from test_runs',
          );
          expect(runs.rows[0]!.distinct_i).toBe(JOBS);
          // The kill caught jobs in hand: they expired and ran again (retry_count > 0), none was lost.
          const retried = await store.query<{ n: number }>(
            "select count(*)::int as n from pgboss.job where name = 'test.numbered' and retry_count > 0",
          );
          expect(retried.rows[0]!.n).toBeGreaterThan(0);
          const q = await JobQueue.start(store, {
            logger: silentLogger(),
            kinds: [numbered],
            schedule: false,
          });
          const counts = await q.counts(numbered);
          await q.stop({ graceful: true, timeoutMs: 2000 });
          expect(counts).toMatchObject({ completed: JOBS, active: 0, created: 0, failed: 0, deadLetters: 0 });
        } finally {
          await t.cleanup();
        }
      }, 120_000);
    },
  );
}
