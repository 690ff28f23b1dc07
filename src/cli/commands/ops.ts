import type { Command } from 'commander';
import { InputError, isAppError } from '../../errors/index.js';
import { ApiError, apiErrorJson } from '../../http/errors.js';
import { redactValue } from '../../log/redact.js';
import { createCatalog } from '../../ops/index.js';
import type { OperationExecutor, OperationParams } from '../../ops/types.js';
import { runCommand } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { type ServiceClient, localOrService } from '../service-client.js';

/** `cin7-ghl ops list|call`: the operations catalog on the command line. */
export function registerOpsCommands(program: Command): void {
  const ops = program
    .command('ops')
    .description('The operations catalog: every vendor operation and trigger');
  ops
    .command('list')
    .description('List every operation and trigger, with a count')
    .option('--json', 'print JSON')
    .action(
      runCommand((ctx) => {
        const catalog = createCatalog();
        const operations = catalog.operations;
        const triggers = catalog.triggers;
        const value = {
          counts: {
            operations: operations.length,
            triggers: triggers.length,
            byApi: countBy(operations.map((o) => o.api)),
          },
          operations,
          triggers,
        };
        const lines = [
          `${operations.length} operations, ${triggers.length} triggers`,
          '',
          'Operations:',
          ...operations.map(
            (o) =>
              `  ${o.name.padEnd(36)} ${o.method.padEnd(6)} ${o.path}${o.scope ? `  [${o.scope}]` : ''}${o.deprecated ? ' (deprecated)' : ''}`,
          ),
          '',
          'Triggers:',
          ...triggers.map((t) => `  ${t.name.padEnd(44)} ${t.kind.padEnd(8)} ${t.description}`),
        ];
        ctx.out.result(value, lines.join('\n'));
        return undefined;
      }),
    );
  ops
    .command('call <name>')
    .description('Call one operation and print the vendor response body (one page for list operations)')
    .option(
      '--params <json>',
      'one JSON object: path/query parameters by spec name, the body under "body"',
      '{}',
    )
    .action(
      runCommand(async (ctx, name: string, opts: { params: string }) => {
        const catalog = createCatalog();
        let params: OperationParams;
        try {
          const parsed: unknown = JSON.parse(opts.params);
          if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
            throw new Error('not an object');
          params = parsed as OperationParams;
        } catch (e) {
          throw new InputError(
            '--params',
            `not a JSON object (${e instanceof Error ? e.message : String(e)})`,
            `pass e.g. --params '{"contactId":"abc"}'`,
          );
        }
        const { def, provider } = catalog.lookup(name);
        // Without GHL_*/CIN7_* credentials the executor opens the store; while the service holds the
        // embedded store, the call goes through its POST /api/ops/{name} instead.
        const executor = await localOrService(
          ctx,
          () => provider.createExecutor({ config: ctx.config, logger: ctx.logger }),
          async (api) => remoteExecutor(api),
        );
        try {
          const body = await executor.call(def, params);
          process.stdout.write(`${JSON.stringify(body)}\n`);
          return EXIT.ok;
        } catch (e) {
          if (e instanceof RemoteOperationError) {
            process.stderr.write(`${JSON.stringify(redactValue(e.body))}\n`);
            return EXIT.failed;
          }
          if (e instanceof ApiError) {
            process.stderr.write(`${JSON.stringify(redactValue(apiErrorJson(e)))}\n`);
            return EXIT.failed;
          }
          if (isAppError(e)) {
            process.stderr.write(`${JSON.stringify(redactValue({ operation: name, ...e.toJSON() }))}\n`);
            return EXIT.failed;
          }
          throw e;
        } finally {
          await executor.close?.();
        }
      }),
    );
}

function countBy(values: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}

/** The vendor failed a call made through the service: its 502 body, as `ops call` prints it. */
class RemoteOperationError extends Error {
  constructor(readonly body: unknown) {
    super('the vendor call failed');
  }
}

/** Runs operations through the running service (`POST /api/ops/{name}`): same params, same answer. */
function remoteExecutor(api: ServiceClient): OperationExecutor {
  return {
    call: async (op, params) => {
      const r = await api.raw('POST', `/api/ops/${encodeURIComponent(op.name)}`, params);
      if (r.status === 502) throw new RemoteOperationError(r.body);
      return api.ok(r, `POST /api/ops/${op.name}`);
    },
  };
}
