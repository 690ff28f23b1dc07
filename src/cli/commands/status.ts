import type { Command } from 'commander';
import { statusText, syncStatus } from '../../sync/engine/status.js';
import { runCommand } from '../context.js';
import { withStore } from '../store-access.js';

/** `cin7-ghl status [--json]`: counts, open failures in plain words, latest runs, feeds. No API call. */
export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description('Sync status: customers and links, open failures in plain words, latest runs, change feeds')
    .option('--failures <n>', 'open failures to show', '20')
    .option('--json', 'print JSON')
    .action(
      runCommand(async (ctx, opts: { failures: string }) => {
        const limit = Math.max(1, Math.min(10_000, Number(opts.failures) || 20));
        const status = await withStore(ctx, (store) => syncStatus(store, { failures: limit }));
        ctx.out.result(status, statusText(status));
        return undefined;
      }),
    );
}
