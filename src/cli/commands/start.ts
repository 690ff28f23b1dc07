import { type Command, InvalidArgumentError } from 'commander';
import { AppError, StoreLockedError } from '../../errors/index.js';
import { ROLES, type Role } from '../../service/types.js';
import { startService } from '../../service/start.js';
import { stopOnSignals } from '../../service/signals.js';
import { runCommand } from '../context.js';
import { EXIT } from '../exit-codes.js';

function role(value: string): Role {
  if (!(ROLES as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`use one of ${ROLES.join(', ')}`);
  }
  return value as Role;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port from 0 to 65535');
  return n;
}

/**
 * `cin7-ghl start [--role web|worker|all] [--port N]`: runs the service until SIGTERM/SIGINT, then
 * shuts down gracefully. Prints the URL (and, on a first start without CIN7_GHL_ADMIN_PASSWORD,
 * the generated admin password, once).
 */
export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description(
      'Run the service: webhooks in, OAuth, REST API, dashboard, jobs and schedules (until Ctrl-C)',
    )
    .option(
      '--role <role>',
      'web (HTTP only), worker (jobs only) or all; web and worker need DATABASE_URL',
      role,
      'all',
    )
    .option('--port <n>', 'port to listen on (default server.port / CIN7_GHL_PORT; 0 picks a free one)', port)
    .option('--host <host>', 'interface to bind (default server.host, 127.0.0.1)')
    .option('--worker-port <n>', 'a worker serves /healthz, /readyz and /metrics on this port', port)
    .option('--json', 'print the ready line as JSON: {url, role, adminPassword}')
    .action(
      runCommand(async (ctx, opts: { role: Role; port?: number; host?: string; workerPort?: number }) => {
        const service = await startService(ctx.config, {
          role: opts.role,
          logger: ctx.logger,
          ...(opts.port !== undefined ? { port: opts.port } : {}),
          ...(opts.host ? { host: opts.host } : {}),
          ...(opts.workerPort !== undefined ? { workerPort: opts.workerPort } : {}),
        }).catch((e: unknown) => {
          if (!(e instanceof StoreLockedError)) throw e;
          throw new AppError(
            'service_running',
            e.url
              ? `A service already runs for this environment at ${e.url} (process ${e.pid}).`
              : `Process ${e.pid} holds this environment's store (${ctx.config.dataDir}).`,
            {
              hint: `Use that one, or stop process ${e.pid} first; to run several processes, set DATABASE_URL (PostgreSQL) and use --role web / --role worker.`,
              cause: e,
            },
          );
        });
        // Listening for SIGTERM/SIGINT before saying it is ready: a supervisor may signal at once.
        const stopped = stopOnSignals(service, ctx.logger);
        // The admin password is a registered secret (the output redacts it): this is the one place it
        // must reach the operator, so it is written raw.
        if (ctx.out.json) {
          process.stdout.write(
            `${JSON.stringify({ url: service.url, role: service.role, adminPassword: service.adminPassword })}\n`,
          );
        } else {
          const lines = [
            service.url
              ? `cin7-ghl ${ctx.config.env} service (${service.role}) listening at ${service.url}`
              : `cin7-ghl ${ctx.config.env} service (${service.role}) running: jobs and schedules, no HTTP`,
          ];
          if (service.movedFrom !== null)
            lines.push(`(port ${service.movedFrom} was taken: using ${service.port})`);
          if (service.adminPassword) {
            lines.push(
              `Admin password (shown once; set CIN7_GHL_ADMIN_PASSWORD to choose your own): ${service.adminPassword}`,
            );
          }
          lines.push('Stop with Ctrl-C (SIGINT) or SIGTERM: running jobs finish or are handed back.');
          process.stdout.write(`${lines.join('\n')}\n`);
        }
        await stopped;
        // Everything is closed; should a library keep a handle open, do not hang the terminal.
        setTimeout(() => process.exit(process.exitCode ?? 0), 2000).unref();
        return EXIT.ok;
      }),
    );
}
