import type { Command } from 'commander';
import { type SyncStatus, statusText, syncStatus } from '../../sync/engine/status.js';
import { runCommand } from '../context.js';
import { plain } from '../remote.js';
import { withStoreOrService } from '../service-client.js';

/**
 * `cin7-ghl status [--json]`: counts, open failures in plain words, conflicts, latest runs, feeds.
 * No vendor call. While a service holds the embedded store: its `GET /api/sync/status`.
 */
export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description(
      'Sync status: customers and links, open failures in plain words, open conflicts, latest runs, change feeds',
    )
    .option('--failures <n>', 'open failures to show', '20')
    .option('--json', 'print JSON')
    .action(
      runCommand(async (ctx, opts: { failures: string }) => {
        const limit = Math.max(1, Math.min(10_000, Math.trunc(Number(opts.failures)) || 20));
        const status = await withStoreOrService(ctx, {
          local: async (store) => plain<SyncStatus>(await syncStatus(store, { failures: limit })),
          remote: (api) => api.get<SyncStatus>(`/api/sync/status?failures=${limit}`),
        });
        ctx.out.result(status, statusText(status));
        return undefined;
      }),
    );
}
