/**
 * The nightly reconciliation as a job: a singleton kind (one run at a time across processes),
 * scheduled by `reconcile.schedule` (cron, default `0 2 * * *`) in the configured `timeZone`.
 * A run whose process dies is retried by the queue after its expiry, and resumes from its checkpoint.
 */
import { z } from 'zod';
import { defineJob } from '../../jobs/define.js';
import { scheduledPassPaused } from '../../jobs/pause.js';
import type { JobQueue } from '../../jobs/queue.js';
import { runReconcile } from './run.js';
import type { ReconcileDeps } from './types.js';

export const reconcileJob = defineJob({
  name: 'sync.reconcile',
  schema: z.object({
    mode: z.enum(['plan', 'apply']).optional(),
    trigger: z.enum(['schedule', 'manual']).optional(),
  }),
  retryLimit: 3,
  retryDelaySeconds: 300,
  retryDelayMaxSeconds: 3600,
  // A large tenant reads a Cin7 page a second; an attempt killed with its process resumes after this.
  expireInSeconds: 6 * 3600,
  singletonKey: () => 'reconcile',
});

export type ReconcileJobPayload = z.infer<typeof reconcileJob.schema>;

export interface RegisterReconcileOptions {
  /** Schedule it by `reconcile.schedule` (default true; a worker-only process may just work it). */
  schedule?: boolean;
  /** Work the jobs in this process (default true). */
  work?: boolean;
}

/**
 * Registers the reconcile job kind on `queue`: its worker (apply by default, budget-aware when
 * scheduled) and its cron schedule.
 *
 * @example
 * await registerReconcile(queue, { store, config, logger, ...clients });
 * await queue.send(reconcileJob, { mode: 'apply', trigger: 'manual' }); // on demand
 */
export async function registerReconcile(
  queue: JobQueue,
  deps: ReconcileDeps,
  options: RegisterReconcileOptions = {},
): Promise<void> {
  await queue.register(reconcileJob);
  if (options.work !== false) {
    await queue.work(reconcileJob, { batchSize: 1 }, async (payload, job) => {
      // Schedules paused from the dashboard: the scheduled run is skipped (one asked for by hand runs).
      if (await scheduledPassPaused(deps.store.db, 'reconcile', payload.trigger ?? 'schedule')) {
        deps.logger.info('scheduled reconciliation skipped: schedules are paused');
        return;
      }
      const report = await runReconcile(deps, {
        mode: payload.mode ?? 'apply',
        trigger: payload.trigger ?? 'schedule',
        signal: job.signal,
      });
      deps.logger.info(
        { runId: report.runId, status: report.status, counts: report.counts, calls: report.calls },
        'reconciliation finished',
      );
      // A failed pass (a 5xx storm, a timeout) is tried again later; partial runs are done.
      if (report.status === 'failed') throw new Error(report.error ?? 'the reconciliation failed');
    });
  }
  if (options.schedule !== false) {
    await queue.schedule(
      reconcileJob,
      deps.config.reconcile.schedule,
      { mode: 'apply', trigger: 'schedule' },
      { tz: deps.config.timeZone },
    );
  }
}
