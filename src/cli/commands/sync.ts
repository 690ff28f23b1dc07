import type { Command } from 'commander';
import { InputError, errorMessage } from '../../errors/index.js';
import { createSyncClients } from '../../sync/engine/clients.js';
import { type RunProgress, type SyncRunReport, runSync } from '../../sync/engine/run.js';
import { type CommandContext, runCommand } from '../context.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { type FollowProgress, followServiceRun, plain } from '../remote.js';
import { withStoreOrService } from '../service-client.js';

/** The fields `sync run --json` prints, exactly (plus `error` on exit 1). */
export function runJson(r: SyncRunReport): Record<string, unknown> {
  return {
    customersRead: r.customersRead,
    contactsCreated: r.contactsCreated,
    contactsUpdated: r.contactsUpdated,
    unchanged: r.unchanged,
    skipped: r.skipped,
    failed: r.failed,
    deferred: r.deferred,
    calls: r.calls,
    minimumCalls: r.minimumCalls,
    ...(r.error !== undefined ? { error: r.error } : {}),
  };
}

/** The exit code of a run: 0 all synced, 2 some records failed or were deferred, 1 fatal. */
export function runExitCode(r: SyncRunReport): ExitCode {
  return r.status === 'completed' ? EXIT.ok : r.status === 'partial' ? EXIT.partial : EXIT.failed;
}

/**
 * `cin7-ghl sync run [--full] [--json]`: one pass in the foreground, to completion. Progress on
 * stderr (a bar with rate and ETA on a terminal, plain lines otherwise); the result on stdout.
 * While a service holds the embedded store, the service runs the pass and the command follows it
 * (same progress, same report, same exit code; Ctrl-C asks the service to stop it).
 */
export function registerSyncCommands(program: Command): void {
  const sync = program.command('sync').description('Cin7 → GHL sync');
  sync
    .command('run')
    .description(
      'Run one sync pass in the foreground: incremental from the watermark, or --full; exit 0 all synced, 2 some records failed or deferred, 1 on a fatal error',
    )
    .option('--full', 'read everything (the change feeds start over) and match against every GHL contact')
    .option('--concurrency <n>', 'customers synced at once', '8')
    .option('--json', 'print the counts as JSON')
    .action(
      runCommand(async (ctx, opts: { full?: boolean; concurrency: string; json?: boolean }) => {
        const concurrency = Number(opts.concurrency);
        if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
          throw new InputError(
            '--concurrency',
            `"${opts.concurrency}" is not a whole number from 1 to 64`,
            'pass e.g. --concurrency 8',
          );
        }
        const stop = new AbortController();
        const onSignal = () => {
          ctx.out.info('Stopping after the customers in progress (Ctrl-C again to quit at once)…');
          stop.abort();
          process.once('SIGINT', () => process.exit(EXIT.failed));
        };
        process.once('SIGINT', onSignal);
        const progress = progressReporter(ctx);
        let report: SyncRunReport;
        try {
          report = await withStoreOrService(ctx, {
            local: async (store) => {
              const clients = await createSyncClients({ config: ctx.config, logger: ctx.logger, store });
              try {
                return plain<SyncRunReport>(
                  await runSync(
                    { store, config: ctx.config, logger: ctx.logger, ...clients },
                    {
                      full: opts.full === true,
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
            // The service runs the same pass (its run control, one run at a time) and reports it whole.
            remote: (api) =>
              followServiceRun<SyncRunReport>(
                api,
                { kind: 'sync', full: opts.full === true, concurrency },
                { onProgress: progress.follow, signal: stop.signal },
              ),
          });
        } catch (e) {
          progress.end();
          if (!ctx.out.json) throw e;
          ctx.out.error(e);
          ctx.out.result({ ...runJson(emptyReport()), error: errorMessage(e) });
          return EXIT.failed;
        } finally {
          process.off('SIGINT', onSignal);
        }
        progress.end();
        ctx.out.result(runJson(report), reportText(report));
        return runExitCode(report);
      }),
    );
}

function emptyReport(): SyncRunReport {
  return {
    runId: null,
    mode: 'incremental',
    status: 'failed',
    customersRead: 0,
    contactsCreated: 0,
    contactsUpdated: 0,
    unchanged: 0,
    skipped: 0,
    failed: 0,
    deferred: 0,
    calls: { ghl: 0, cin7: 0 },
    minimumCalls: { ghl: 0, cin7: 0 },
    skippedContacts: [],
    failures: [],
    deferredCustomers: [],
    salesRead: 0,
    prefetched: 0,
    durationMs: 0,
    timings: {},
  };
}

/** The run as text for a person. */
export function reportText(r: SyncRunReport): string {
  const lines = [
    `Sync run #${r.runId} (${r.mode}) ${r.status}: ${r.customersRead} customers read; ${r.contactsCreated} contacts created, ${r.contactsUpdated} updated, ${r.unchanged} unchanged; ${r.skipped} skipped, ${r.failed} failed, ${r.deferred} deferred.`,
    `Calls: GHL ${r.calls.ghl} (minimum ${r.minimumCalls.ghl}), Cin7 ${r.calls.cin7} (minimum ${r.minimumCalls.cin7}); ${(r.durationMs / 1000).toFixed(1)} s.`,
  ];
  if (r.skippedContacts.length > 0) {
    lines.push('Skipped:');
    for (const s of r.skippedContacts.slice(0, 20))
      lines.push(
        `  ${s.contactName ? `"${s.contactName}"` : '(no contact)'} of customer ${s.cin7CustomerId}: ${s.reason}`,
      );
    if (r.skippedContacts.length > 20)
      lines.push(`  … and ${r.skippedContacts.length - 20} more (\`cin7-ghl status\`).`);
  }
  if (r.failures.length > 0) {
    lines.push('Failed (kept with their request; fix the data, then `cin7-ghl failures retry --all`):');
    for (const f of r.failures.slice(0, 20)) lines.push(`  ${f.error}`);
    if (r.failures.length > 20)
      lines.push(`  … and ${r.failures.length - 20} more (\`cin7-ghl failures list\`).`);
  }
  for (const d of r.deferredCustomers.slice(0, 10)) lines.push(`Deferred ${d.customerId}: ${d.reason}`);
  if (r.error) lines.push(`Error: ${r.error}`);
  return lines.join('\n');
}

const PHASES: Record<RunProgress['phase'], string> = {
  me: 'Checking the Cin7 connection',
  sales: 'Reading Cin7 sales',
  customers: 'Reading Cin7 customers',
  prefetch: 'Reading GHL contacts for matching',
  sync: 'Syncing customers',
  done: 'Done',
};

/** Progress on stderr: a bar with rate and ETA on a terminal, a plain line every few seconds otherwise. */
function progressReporter(ctx: CommandContext): {
  update: (p: RunProgress) => void;
  /** The same, from a run followed through the service (its phases before the pass are skipped). */
  follow: (p: FollowProgress) => void;
  end: () => void;
} {
  const tty = process.stderr.isTTY === true;
  let phase: RunProgress['phase'] | null = null;
  let phaseStart = Date.now();
  let lastLine = 0;
  let drawn = false;
  const write = (s: string) => process.stderr.write(s);
  const update = (p: RunProgress) => {
    if (p.phase !== phase) {
      if (drawn) write('\n');
      drawn = false;
      phase = p.phase;
      phaseStart = Date.now();
      if (p.phase === 'done') return;
      if (!tty) ctx.out.info(`${PHASES[p.phase]}…`);
    }
    if (p.phase === 'done') return;
    const seconds = (Date.now() - phaseStart) / 1000;
    const rate = seconds > 0 ? p.done / seconds : 0;
    const eta = p.total && rate > 0 ? Math.max(0, (p.total - p.done) / rate) : null;
    const line = `${PHASES[p.phase]}: ${p.done}${p.total !== null ? `/${p.total}` : ''}${rate > 0 ? ` (${rate.toFixed(1)}/s${eta !== null ? `, ETA ${eta.toFixed(0)} s` : ''})` : ''}`;
    if (tty) {
      const width = 24;
      const bar = p.total
        ? `[${'#'.repeat(Math.round((p.done / p.total) * width)).padEnd(width, '-')}] `
        : '';
      write(`\r\u001b[2K${bar}${line}`);
      drawn = true;
    } else if (Date.now() - lastLine >= 5000 || (p.total !== null && p.done === p.total)) {
      lastLine = Date.now();
      ctx.out.info(line);
    }
  };
  return {
    update,
    follow(p) {
      if (Object.hasOwn(PHASES, p.phase)) update(p as RunProgress);
    },
    end() {
      if (drawn) write('\n');
      drawn = false;
    },
  };
}
