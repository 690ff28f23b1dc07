import { type Command, InvalidArgumentError } from 'commander';
import { startDemo } from '../../demo/start.js';
import { createLogger } from '../../log/logger.js';
import { runCommand } from '../context.js';
import { EXIT } from '../exit-codes.js';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port from 0 to 65535');
  return n;
}

function count(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100_000)
    throw new InvalidArgumentError('a whole number from 1 to 100000');
  return n;
}

/**
 * `cin7-ghl demo [--keep] [--port N]` (what `npm start` runs): both sandboxes with seeded data, the
 * service and its dashboard, GHL connected through the sandbox's OAuth consent and Cin7 with the
 * sandbox's keys, the initial sync in the background. Prints the URL and the admin password; Ctrl-C
 * stops everything.
 */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'Try it offline: sandboxes of both APIs with seeded data, the service and its dashboard, an initial sync you can watch (Ctrl-C stops it all)',
    )
    .option('--port <n>', 'port of the dashboard (default 3000, or the next free one; 0 picks any)', port)
    .option('--keep', "keep the demo's data directory (default: start afresh, as the sandboxes do)")
    .option('--customers <n>', 'Cin7 customers to seed', count, 150)
    .option('--verbose', "the service's log on stderr (default: warnings only)")
    .option('--json', 'print one ready line as JSON: {url, adminPassword, dataDir, sandboxes}')
    .action(
      runCommand(
        async (
          ctx,
          opts: { port?: number; keep?: boolean; customers: number; verbose?: boolean; json?: boolean },
        ) => {
          // Handlers first: Ctrl-C while starting must still stop the sandboxes.
          let stop: (() => Promise<void>) | null = null;
          let signals = 0;
          const stopped = new Promise<void>((resolve) => {
            const onSignal = () => {
              signals += 1;
              if (signals > 1) process.exit(EXIT.failed);
              process.stderr.write('Stopping the demo (Ctrl-C again to quit at once)…\n');
              resolve();
            };
            process.on('SIGINT', onSignal);
            process.on('SIGTERM', onSignal);
          });
          const logger = opts.verbose
            ? ctx.logger
            : createLogger({ level: 'warn', pretty: ctx.config.log.pretty, base: { env: 'demo' } });
          const starting = startDemo({
            config: ctx.config,
            logger,
            port: opts.port ?? 3000,
            keep: opts.keep === true,
            customers: opts.customers,
            onStep: (text) => process.stderr.write(`${text}…\n`),
          });
          const first = await Promise.race([starting.then((d) => ({ demo: d })), stopped.then(() => null)]);
          if (!first) {
            await (await starting.catch(() => null))?.stop();
            return EXIT.ok;
          }
          const demo = first.demo;
          stop = demo.stop;
          // The password is a registered secret (the output redacts it): this is the one place it must
          // reach the person, so it is written raw.
          if (opts.json) {
            process.stdout.write(
              `${JSON.stringify({
                url: demo.url,
                adminPassword: demo.adminPassword,
                dataDir: demo.dataDir,
                sandboxes: { ghl: demo.sandboxes.ghl.baseUrl, cin7: demo.sandboxes.cin7.baseUrl },
              })}\n`,
            );
          } else {
            const lines = [
              '',
              '  cin7-ghl-sync demo — everything runs on this machine, against built-in sandboxes of both APIs',
              '',
              `  Dashboard:       ${demo.url}${demo.movedFrom !== null ? `   (port ${demo.movedFrom} was taken: using ${new URL(demo.url).port})` : ''}`,
              `  Admin password:  ${demo.adminPassword}${demo.passwordSource === 'environment' ? '   (from CIN7_GHL_ADMIN_PASSWORD)' : ''}`,
              '',
              `  Seeded: ${opts.customers} Cin7 customers with sales, GHL contacts (some the same people), a few records that will fail.`,
              '  GHL is connected through the sandbox OAuth consent, Cin7 with the sandbox keys; the initial sync runs now:',
              '  sign in and watch it on the dashboard. One conflict is left for you to resolve.',
              `  Data: ${demo.dataDir} (${opts.keep ? 'kept' : 'reset on every start; --keep keeps it'})`,
              '',
              '  Ctrl-C stops everything (service and sandboxes).',
              '',
            ];
            process.stdout.write(`${lines.join('\n')}\n`);
          }
          demo.ready.then(
            () => {
              if (!opts.json)
                process.stdout.write('  Initial sync done; the service keeps both sides in step.\n');
            },
            () => {},
          );
          await stopped;
          await stop();
          // Everything is closed; should a library keep a handle open, do not hang the terminal.
          setTimeout(() => process.exit(process.exitCode ?? 0), 2000).unref();
          return EXIT.ok;
        },
      ),
    );
}
