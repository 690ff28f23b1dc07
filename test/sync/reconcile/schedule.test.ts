/**
 * The reconciliation as a job: `registerReconcile` schedules it by `reconcile.schedule` in the
 * configured time zone (a singleton kind), and its worker runs a pass when a job arrives; the run
 * is recorded with its trigger.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobQueue } from '../../../src/jobs/queue.js';
import { listRuns } from '../../../src/sync/repo/runs.js';
import { reconcileJob, registerReconcile } from '../../../src/sync/reconcile/schedule.js';
import { type Harness, startHarness, until } from '../engine/harness.js';
import { reconcileDeps } from './helpers.js';

describe('registerReconcile', () => {
  let h: Harness;
  let queue: JobQueue;

  beforeAll(async () => {
    h = await startHarness({
      customers: 30,
      salesPerCustomer: 0,
      seed: 81,
      timeScale: 100,
      config: { timeZone: 'Australia/Sydney', 'reconcile.schedule': '30 1 * * *' },
    });
    await h.run({ concurrency: 8 });
    queue = await JobQueue.start(h.t.store, {
      logger: h.logger,
      kinds: [reconcileJob],
      superviseIntervalSeconds: 2,
    });
  }, 120_000);

  afterAll(async () => {
    await queue?.stop({ graceful: false, timeoutMs: 5_000 });
    await h?.close();
  });

  it('schedules the cron in the configured time zone, as one singleton kind', async () => {
    await registerReconcile(queue, reconcileDeps(h));
    expect(reconcileJob.policy).toBe('stately');
    const schedules = await queue.schedules(reconcileJob);
    expect(schedules.map((s) => ({ cron: s.cron, tz: s.tz }))).toEqual([
      { cron: '30 1 * * *', tz: 'Australia/Sydney' },
    ]);
  });

  it('runs a pass when a job arrives, recorded with its trigger', async () => {
    await queue.send(reconcileJob, { mode: 'apply', trigger: 'schedule' });
    await until(
      async () =>
        (await listRuns(h.t.store.db, 5)).some((r) => r.kind === 'reconcile' && r.finishedAt !== null),
      30_000,
      'the reconcile job to finish',
    );
    const [run] = (await listRuns(h.t.store.db, 5)).filter((r) => r.kind === 'reconcile');
    expect(run).toMatchObject({ mode: 'apply', trigger: 'schedule', status: 'completed' });
  });
});
