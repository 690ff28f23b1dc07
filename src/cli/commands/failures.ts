import type { Command } from 'commander';
import { InputError } from '../../errors/index.js';
import { createSyncClients } from '../../sync/engine/clients.js';
import { retryFailures } from '../../sync/engine/retry.js';
import { listFailures } from '../../sync/repo/failures.js';
import { runCommand } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { withStore } from '../store-access.js';

/** `cin7-ghl failures list|retry <id…|--all>`: records that failed alone. */
export function registerFailuresCommands(program: Command): void {
  const failures = program
    .command('failures')
    .description('Records that failed alone, kept with their request and error');
  failures
    .command('list')
    .description('List failures (open ones by default)')
    .option('--all', 'resolved ones too')
    .option('--customer <id>', 'of one Cin7 customer')
    .option('--limit <n>', 'at most this many', '100')
    .option('--json', 'print JSON')
    .action(
      runCommand(async (ctx, opts: { all?: boolean; customer?: string; limit: string }) => {
        const rows = await withStore(ctx, (store) =>
          listFailures(store.db, {
            status: opts.all ? 'all' : 'open',
            ...(opts.customer ? { customerId: opts.customer.toLowerCase() } : {}),
            limit: Math.max(1, Number(opts.limit) || 100),
          }),
        );
        const text =
          rows.length === 0
            ? 'No failures.'
            : rows
                .map(
                  (f) =>
                    `#${f.id} [${f.status}, ${f.stage}, ${f.code}, ${f.attempts} attempt${f.attempts === 1 ? '' : 's'}, ${f.lastAt.toISOString()}] ${f.error}`,
                )
                .join('\n');
        ctx.out.result(rows, text);
        return undefined;
      }),
    );
  failures
    .command('retry [ids...]')
    .description(
      'Read the customers of these failures again from Cin7 and sync them (after fixing the data); exit 2 when some still fail',
    )
    .option('--all', 'every open failure')
    .option('--json', 'print JSON')
    .action(
      runCommand(async (ctx, ids: string[], opts: { all?: boolean }) => {
        if (!opts.all && ids.length === 0) {
          throw new InputError(
            'failures retry',
            'no failure given',
            'pass failure ids (`cin7-ghl failures list`) or --all',
          );
        }
        if (opts.all && ids.length > 0)
          throw new InputError('failures retry', 'both ids and --all given', 'pass one or the other');
        const report = await withStore(ctx, async (store) => {
          const clients = await createSyncClients({ config: ctx.config, logger: ctx.logger, store });
          try {
            return await retryFailures(
              { store, config: ctx.config, logger: ctx.logger, ...clients },
              opts.all ? { all: true } : { ids },
            );
          } finally {
            await clients.close();
          }
        });
        const lines = [
          `Retried ${report.retried} failure${report.retried === 1 ? '' : 's'} of ${report.customers} customer${report.customers === 1 ? '' : 's'}: ${report.resolved} resolved, ${report.stillFailing.length} still failing.`,
          ...report.stillFailing.map((f) => `  #${f.id} ${f.error}`),
          ...report.notRetried.map((n) => `  Not retried: customer ${n.cin7CustomerId}: ${n.reason}`),
          `Calls: GHL ${report.calls.ghl}, Cin7 ${report.calls.cin7}.`,
        ];
        ctx.out.result(report, lines.join('\n'));
        return report.stillFailing.length > 0 || report.notRetried.length > 0 ? EXIT.partial : EXIT.ok;
      }),
    );
}
