import type { Command } from 'commander';
import { InputError, errorMessage } from '../../errors/index.js';
import { createSyncClients } from '../../sync/engine/clients.js';
import { reconcileExitCode, reportJson, reportText } from '../../sync/reconcile/format.js';
import { runReconcile } from '../../sync/reconcile/run.js';
import type { ReconcileProgress, ReconcileReport } from '../../sync/reconcile/types.js';
import { type CommandContext, runCommand } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { type FollowProgress, followServiceRun, plain } from '../remote.js';
import { withStoreOrService } from '../service-client.js';

const PHASES: Record<ReconcileProgress['phase'], string> = {
  cin7: 'Reading Cin7 customers (pages)',
  ghl: 'Reading GHL contacts',
  business: 'Checking business associations',
  classify: 'Comparing linked records',
  candidates: 'Finding unlinked candidates',
  apply: 'Applying fixes',
  orphans: 'Handling orphans',
  done: 'Done',
};

/**
 * `cin7-ghl reconcile [--plan | --apply] [--json]`: one reconciliation in the foreground, to
 * completion. `--plan` (the default) writes nothing and prints the diff and what `--apply` costs.
 * While a service holds the embedded store, the service runs the reconciliation and the command
 * follows it (same progress, same report, same exit code; Ctrl-C asks the service to stop it).
 */
export function registerReconcileCommand(program: Command): void {
  program
    .command('reconcile')
    .description(
      'Compare every linked record on both sides and fix drift (--apply) or print the plan (--plan, default); exit 0, 2 when conflicts are left for `conflicts resolve` or work was deferred, 1 on a fatal error',
    )
    .option('--plan', 'print the differences and the calls --apply would cost; write nothing (default)')
    .option('--apply', 'write the fixes, record conflicts, unlink orphans')
    .option('--budget', "keep reconcile.dailyHeadroom of GHL's daily budget, as scheduled runs do")
    .option('--fresh', 'start over instead of resuming a run a killed process left')
    .option('--concurrency <n>', 'records applied at once', '4')
    .option('--json', 'print JSON')
    .action(
      runCommand(
        async (
          ctx,
          opts: { plan?: boolean; apply?: boolean; budget?: boolean; fresh?: boolean; concurrency: string },
        ) => {
          if (opts.plan && opts.apply) {
            throw new InputError(
              'reconcile',
              '--plan and --apply both given',
              'pass one of them (--plan is the default)',
            );
          }
          const concurrency = Number(opts.concurrency);
          if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 16) {
            throw new InputError(
              '--concurrency',
              `"${opts.concurrency}" is not a whole number from 1 to 16`,
              'pass e.g. --concurrency 4',
            );
          }
          const mode = opts.apply ? 'apply' : 'plan';
          const stop = new AbortController();
          const onSignal = () => {
            ctx.out.info('Stopping (Ctrl-C again to quit at once)…');
            stop.abort();
            process.once('SIGINT', () => process.exit(EXIT.failed));
          };
          process.once('SIGINT', onSignal);
          const progress = progressReporter(ctx);
          let report: ReconcileReport;
          try {
            report = await withStoreOrService(ctx, {
              local: async (store) => {
                const clients = await createSyncClients({ config: ctx.config, logger: ctx.logger, store });
                try {
                  return plain<ReconcileReport>(
                    await runReconcile(
                      { store, config: ctx.config, logger: ctx.logger, ...clients },
                      {
                        mode,
                        trigger: 'manual',
                        budget: opts.budget === true,
                        fresh: opts.fresh === true,
                        concurrency,
                        onProgress: progress.update,
                        signal: stop.signal,
                      },
                    ),
                  );
                } finally {
                  await clients.close();
                }
              },
              // The service runs the same reconciliation (its run control, one run at a time).
              remote: (api) =>
                followServiceRun<ReconcileReport>(
                  api,
                  {
                    kind: 'reconcile',
                    mode,
                    budget: opts.budget === true,
                    fresh: opts.fresh === true,
                    concurrency,
                  },
                  { onProgress: progress.follow, signal: stop.signal },
                ),
            });
          } catch (e) {
            if (!ctx.out.json) throw e;
            ctx.out.error(e);
            ctx.out.result({ error: errorMessage(e) });
            return EXIT.failed;
          } finally {
            process.off('SIGINT', onSignal);
          }
          ctx.out.result(reportJson(report), reportText(report));
          return reconcileExitCode(report);
        },
      ),
    );
}

/** Progress on stderr: one line per phase, then a line every few seconds. */
function progressReporter(ctx: CommandContext): {
  update: (p: ReconcileProgress) => void;
  /** The same, from a run followed through the service (its phases before the pass are skipped). */
  follow: (p: FollowProgress) => void;
} {
  let phase: ReconcileProgress['phase'] | null = null;
  let last = 0;
  const update = (p: ReconcileProgress) => {
    if (p.phase === 'done') return;
    if (p.phase !== phase) {
      phase = p.phase;
      last = Date.now();
      ctx.out.info(`${PHASES[p.phase]}…`);
      return;
    }
    if (Date.now() - last >= 5000) {
      last = Date.now();
      ctx.out.info(`${PHASES[p.phase]}: ${p.done}${p.total !== null ? `/${p.total}` : ''}`);
    }
  };
  return {
    update,
    follow(p) {
      if (Object.hasOwn(PHASES, p.phase)) update(p as ReconcileProgress);
    },
  };
}
