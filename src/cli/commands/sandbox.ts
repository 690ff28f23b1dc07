import type { Command } from 'commander';
import { InputError } from '../../errors/index.js';
import { startSandboxes } from '../../../sandbox/index.js';
import { runCommand } from '../context.js';

interface SandboxFlags {
  ghlPort: string;
  cin7Port: string;
  customers: string;
  salesPerCustomer: string;
  ghlContacts: string;
  seed: string;
  ghlWebhookUrl?: string;
  timeScale: string;
  tokenLifetime?: string;
  searchLagMs: string;
  verbose?: boolean;
}

/**
 * `cin7-ghl sandbox`: both vendor emulators on 127.0.0.1. The first line on stdout, once ready, is
 * one JSON object `{ghl: {...}, cin7: {...}}`; logs go to stderr; Ctrl-C stops it.
 */
export function registerSandboxCommand(program: Command): void {
  program
    .command('sandbox')
    .description(
      'Run the GHL and Cin7 emulators on 127.0.0.1 (the test environment); prints one JSON ready line',
    )
    .option('--ghl-port <port>', 'GHL emulator port (0 picks a free one)', '4100')
    .option('--cin7-port <port>', 'Cin7 emulator port (0 picks a free one)', '4200')
    .option('--customers <n>', 'seeded Cin7 customers', '50')
    .option('--sales-per-customer <m>', 'seeded sales per customer', '3')
    .option('--ghl-contacts <k>', 'pre-existing GHL contacts (some match Cin7 people by email or phone)', '0')
    .option('--seed <s>', 'seed of all generated data', '1')
    .option('--ghl-webhook-url <url>', 'where the GHL emulator sends signed webhooks')
    .option('--time-scale <x>', 'divide every rate window and delay by this factor', '1')
    .option('--token-lifetime <seconds>', 'GHL OAuth access token lifetime')
    .option('--search-lag-ms <ms>', 'delay before a GHL write shows up in search', '0')
    .option('--verbose', 'log every emulated request on stderr')
    .action(
      runCommand(async (ctx, flags: SandboxFlags) => {
        // Handlers first: a signal arriving right after the ready line must stop cleanly, not kill.
        const stopped = new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        const log = flags.verbose ? (line: string) => process.stderr.write(`${line}\n`) : undefined;
        const sandboxes = await startSandboxes({
          seed: int(flags.seed, '--seed'),
          ghlContacts: int(flags.ghlContacts, '--ghl-contacts'),
          ghl: {
            port: int(flags.ghlPort, '--ghl-port'),
            timeScale: num(flags.timeScale, '--time-scale'),
            searchLagMs: int(flags.searchLagMs, '--search-lag-ms'),
            ...(flags.ghlWebhookUrl ? { webhookUrl: flags.ghlWebhookUrl } : {}),
            ...(flags.tokenLifetime
              ? { accessTokenLifetimeSeconds: int(flags.tokenLifetime, '--token-lifetime') }
              : {}),
            ...(log ? { logger: log } : {}),
          },
          cin7: {
            port: int(flags.cin7Port, '--cin7-port'),
            customers: int(flags.customers, '--customers'),
            salesPerCustomer: int(flags.salesPerCustomer, '--sales-per-customer'),
            timeScale: num(flags.timeScale, '--time-scale'),
            ...(log ? { logger: log } : {}),
          },
        });
        // The ready line carries sandbox credentials on purpose (they are what a test needs), so it is
        // written raw, not through the redacting output.
        process.stdout.write(`${JSON.stringify(sandboxes.readyInfo())}\n`);
        ctx.logger.info(
          { ghl: sandboxes.ghl.baseUrl, cin7: sandboxes.cin7.baseUrl, matches: sandboxes.matches.length },
          'sandboxes ready; Ctrl-C stops them',
        );
        await stopped;
        await sandboxes.close();
        ctx.logger.info('sandboxes stopped');
        return undefined;
      }),
    );
}

function int(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new InputError(flag, `"${value}" is not a whole number ≥ 0`, `pass e.g. ${flag} 10`);
  return n;
}

function num(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new InputError(flag, `"${value}" is not a positive number`, `pass e.g. ${flag} 10`);
  return n;
}
