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
            await new Promise<void>((resolve, reject) => {
              const timer = setInterval(() => {
                if (first.lines.filter((l) => l.startsWith('done')).length >= 8) {
                  clearInterval(timer);
                  resolve();
                }
              }, 5);
              void first.exited.then(() => reject(new Error(`worker exited early: ${first.stderr()}`)));
            });
            first.kill('SIGKILL'); // with jobs in hand: batches of 4, 150 ms each
            expect(await first.exited).toBe('SIGKILL');
          } finally {
            first.kill('SIGKILL');
          }
          const doneBefore = new Set(
            first.lines.filter((l) => l.startsWith('done')).map((l) => l.split(' ')[1]),
          );
          expect(doneBefore.size).toBeLessThan(JOBS);

          const restartedAt = Date.now();
          const second = startChild(workerFixture, [...args, 'expect', String(JOBS)], env);
          try {
            await second.waitFor(/^all-done \d+$/, 60_000);
            expect(await second.exited).toBe(0);
          } finally {
            second.kill('SIGKILL');
          }
          const seconds = (Date.now() - restartedAt) / 1000;
          // start-up + expiry of the killed attempts (2 s) + the supervisor pass (1 s) + the rest of the work
          expect(seconds).toBeLessThan(25);

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
