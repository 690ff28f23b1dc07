/**
 * What the commands share to work the same with the service running as without it: results made
 * plain JSON on both paths (so the text and `--json` printed from them cannot differ), and a run
 * started through the service's run control and followed to its end with the same progress.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../errors/index.js';
import type { LiveRun } from '../server/dashboard/control/run-control.js';
import type { ServiceClient } from './service-client.js';

/**
 * `value` as the REST API would answer it: dates as ISO strings, undefined fields dropped. The
 * local path of a command passes its result through this, so both paths print from the same shape.
 *
 * @example
 * const rows = await withStoreOrService(ctx, { local: async (s) => plain(await listFailures(s.db)), remote: … });
 */
export function plain<T>(value: unknown): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Progress of a run followed through the service (phases as the run reports them). */
export interface FollowProgress {
  phase: string;
  done: number;
  total: number | null;
}

export interface FollowOptions {
  onProgress?: (p: FollowProgress) => void;
  /** Aborting asks the service to stop the run (after the records in progress); the follow goes on to its report. */
  signal?: AbortSignal;
  /** Between two looks at the run (default 300 ms). */
  pollMs?: number;
}

/**
 * Starts a run with `POST /api/runs` (`start` is its body) and follows it with
 * `GET /api/runs/live/{seq}` until it ends; answers its whole report. A run that failed before it
 * could report throws its error, as the same run in the foreground would.
 *
 * @example
 * const report = await followServiceRun<SyncRunReport>(api, { kind: 'sync', full: true }, { onProgress });
 */
export async function followServiceRun<R>(
  api: ServiceClient,
  start: Record<string, unknown>,
  options: FollowOptions = {},
): Promise<R> {
  const { run } = await api.post<{ run: LiveRun }>('/api/runs', start);
  let stopAsked = false;
  const askStop = async () => {
    if (stopAsked) return;
    stopAsked = true;
    await api.post(`/api/runs/live/${run.seq}/stop`).catch(() => {});
  };
  let last = '';
  for (;;) {
    if (options.signal?.aborted) await askStop();
    const r = await api.raw('GET', `/api/runs/live/${run.seq}`);
    if (r.status === 404) throw lost(api, run);
    const { run: live, report } = api.ok<{ run: LiveRun; report: R | null }>(
      r,
      `GET /api/runs/live/${run.seq}`,
    );
    // A restarted service numbers its runs afresh: this must be the run we started.
    if (live.startedAt !== run.startedAt) throw lost(api, run);
    const seen = `${live.phase}/${live.done}/${live.total}`;
    if (seen !== last && live.status === 'running') {
      last = seen;
      options.onProgress?.({ phase: live.phase, done: live.done, total: live.total });
    }
    if (live.status !== 'running') {
      if (report) return report;
      throw new AppError('run_failed', live.error ?? `The ${live.kind} run failed.`, {
        hint: 'See the service log for details.',
        details: { seq: live.seq },
      });
    }
    await sleep(options.pollMs ?? 300);
  }
}

function lost(api: ServiceClient, run: LiveRun): AppError {
  return new AppError(
    'run_lost',
    `The service at ${api.url} no longer knows the ${run.kind} run it started at ${run.startedAt} (was it restarted?).`,
    { hint: 'See `cin7-ghl status` for the runs recorded, and run the command again if needed.' },
  );
}
