/**
 * Following a run this service started (`POST /api/runs`) to its end, as `cin7-ghl sync run` and
 * `cin7-ghl reconcile` do while the service holds the embedded store: its progress, then its whole
 * report (what the same command prints when it runs the pass itself); and stopping it, as Ctrl-C
 * stops a run in the foreground (after the records in progress).
 */
import { z } from 'zod';
import { MissingRecordError } from '../../errors/index.js';
import { runControlFor } from '../dashboard/control/run-control.js';
import { liveRunSchema } from '../dashboard/control/routes.js';
import type { ApiContext } from './context.js';
import { type ApiRoute, defineRoute } from './route.js';

const seqParams = z.object({
  seq: z.coerce.number().int().min(1).describe('the `seq` POST /api/runs answered'),
});

/**
 * @example
 * ctx.api.add(...runFollowRoutes(ctx));
 */
export function runFollowRoutes(ctx: ApiContext): ApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/runs/live/{seq}',
      operationId: 'followRun',
      summary: 'A run this service started: its progress, and once it ended its whole report',
      description:
        'The report is what `cin7-ghl sync run --json` (a sync: counts, calls, skipped contacts, failures, deferred customers) or `cin7-ghl reconcile --json` (a reconciliation: counts, changes, calls) prints; null while the run goes on, or when it failed before reporting (`run.error` says why). 404 once the run is forgotten (10 minutes after it ended, or after the next run).',
      tags: ['runs'],
      params: seqParams,
      response: z.object({
        run: liveRunSchema,
        report: z.record(z.string(), z.unknown()).nullable(),
      }),
      errors: [404],
      handler: ({ params }) => {
        const r = runControlFor(ctx).report(params.seq);
        if (!r) throw new MissingRecordError('run', String(params.seq));
        return { run: r.live, report: r.report as Record<string, unknown> | null };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/runs/live/{seq}/stop',
      operationId: 'stopRun',
      summary: 'Stop a run this service started, after the records in progress',
      description:
        'What is done stays done; a sync run reports the customers it did not start as deferred (they stay waiting for the next pass).',
      tags: ['runs'],
      params: seqParams,
      response: z.object({ stopping: z.boolean().describe('false: the run had already ended') }),
      errors: [404],
      handler: ({ params }) => {
        const control = runControlFor(ctx);
        if (!control.report(params.seq)) throw new MissingRecordError('run', String(params.seq));
        return { stopping: control.stop(params.seq) };
      },
    }),
  ];
}
