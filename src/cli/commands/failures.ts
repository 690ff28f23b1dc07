import type { Command } from 'commander';
import { InputError } from '../../errors/index.js';
import { createSyncClients } from '../../sync/engine/clients.js';
import { type RetryReport, retryFailures } from '../../sync/engine/retry.js';
import { listFailures } from '../../sync/repo/failures.js';
import { runCommand } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { plain } from '../remote.js';
import { withStoreOrService } from '../service-client.js';

/** A failure as `failures list --json` prints it (and `GET /api/failures` answers it). */
interface FailureJson {
  id: string;
  cin7CustomerId: string;
  cin7ContactId: string;
  ghlContactId: string | null;
  stage: string;
  code: string;
  error: string;
  request: unknown;
  record: unknown;
  details: unknown;
  status: 'open' | 'resolved';
  attempts: number;
  runId: string | null;
  firstAt: string;
  lastAt: string;
  resolvedAt: string | null;
}

/** A retry reads one customer a second from Cin7: give a long retry all the time it needs. */
const RETRY_TIMEOUT_MS = 6 * 3600_000;

/**
 * `cin7-ghl failures list|retry <id…|--all>`: records that failed alone. While a service holds the
 * embedded store: `GET /api/failures` and `POST /api/failures/retry`.
 */
export function registerFailuresCommands(program: Command): void {
  const failures = program
    .command('failures')
    .description('Records that failed alone, kept with their request and error');
  failures
    .command('list')
    .description('List failures (open ones by default)')
    .option('--all', 'resolved ones too')
    .option('--customer <id>', 'of one Cin7 customer')
    .option('--limit <n>', 'at most this many (up to 10000)', '100')
    .option('--json', 'print JSON')
    .action(
      runCommand(async (ctx, opts: { all?: boolean; customer?: string; limit: string }) => {
        const query = {
          status: opts.all ? ('all' as const) : ('open' as const),
          ...(opts.customer ? { customerId: opts.customer.toLowerCase() } : {}),
          limit: Math.max(1, Math.min(10_000, Math.trunc(Number(opts.limit)) || 100)),
        };
        const rows = await withStoreOrService(ctx, {
          local: async (store) => plain<FailureJson[]>(await listFailures(store.db, query)),
          remote: async (api) =>
            (
              await api.get<{ failures: FailureJson[] }>(
                `/api/failures?${new URLSearchParams({ ...query, limit: String(query.limit) })}`,
              )
            ).failures,
        });
        const text =
          rows.length === 0
            ? 'No failures.'
            : rows
                .map(
                  (f) =>
                    `#${f.id} [${f.status}, ${f.stage}, ${f.code}, ${f.attempts} attempt${f.attempts === 1 ? '' : 's'}, ${f.lastAt}] ${f.error}`,
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
        const chosen = opts.all ? { all: true as const } : { ids };
        const report = await withStoreOrService(ctx, {
          local: async (store) => {
            const clients = await createSyncClients({ config: ctx.config, logger: ctx.logger, store });
            try {
              return plain<RetryReport>(
                await retryFailures({ store, config: ctx.config, logger: ctx.logger, ...clients }, chosen),
              );
            } finally {
              await clients.close();
            }
          },
          remote: (api) => api.withTimeout(RETRY_TIMEOUT_MS).post<RetryReport>('/api/failures/retry', chosen),
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
