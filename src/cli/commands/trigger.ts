import type { Command } from 'commander';
import { credentialsFromConfig } from '../../cin7/connection.js';
import { InputError } from '../../errors/index.js';
import { createSyncClients } from '../../sync/engine/clients.js';
import { type SyncRunReport, runSync } from '../../sync/engine/run.js';
import { SIMULATED_TRIGGERS, type SimulateParams, simulateTrigger } from '../../sync/engine/trigger.js';
import { runCommand } from '../context.js';
import { followServiceRun, plain } from '../remote.js';
import { withStoreOrService } from '../service-client.js';
import { runJson } from './sync.js';

/**
 * `cin7-ghl trigger simulate <trigger> --params '<json>'`: fire a catalog trigger against the
 * sandboxes. The `cin7.poll.*` triggers run a poll pass; while a service holds the embedded store,
 * the service runs that pass (trigger `simulate`, cause `poll`) and the command prints its report.
 */
export function registerTriggerCommands(program: Command): void {
  const trigger = program.command('trigger').description('Catalog triggers, by hand');
  trigger
    .command('simulate <trigger>')
    .description(
      `Fire a trigger end to end against the sandboxes (${SIMULATED_TRIGGERS.join(', ')}); see docs/sync.md`,
    )
    .option('--params <json>', 'the trigger parameters as one JSON object', '{}')
    .option('--json', 'print JSON')
    .action(
      runCommand(async (ctx, name: string, opts: { params: string }) => {
        let params: SimulateParams;
        try {
          const parsed: unknown = JSON.parse(opts.params);
          if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
            throw new Error('not an object');
          params = parsed as SimulateParams;
        } catch (e) {
          throw new InputError(
            '--params',
            `not a JSON object (${e instanceof Error ? e.message : String(e)})`,
            `pass e.g. --params '{"customerId":"…"}'`,
          );
        }
        const creds = credentialsFromConfig(ctx.config);
        const result = await simulateTrigger(
          name,
          params,
          {
            ghlBaseUrl: ctx.config.ghl.baseUrl,
            cin7BaseUrl: ctx.config.cin7.baseUrl,
            cin7: creds ? { accountId: creds.accountId, applicationKey: creds.applicationKey } : null,
          },
          (feed) =>
            withStoreOrService(ctx, {
              local: async (store) => {
                const clients = await createSyncClients({ config: ctx.config, logger: ctx.logger, store });
                try {
                  const report = await runSync(
                    { store, config: ctx.config, logger: ctx.logger, ...clients },
                    {
                      feeds: { customers: feed === 'customers', sales: feed === 'sales' },
                      cause: 'poll',
                      trigger: 'simulate',
                    },
                  );
                  return runJson(plain<SyncRunReport>(report));
                } finally {
                  await clients.close();
                }
              },
              remote: async (api) =>
                runJson(
                  await followServiceRun<SyncRunReport>(api, {
                    kind: 'sync',
                    feeds: feed,
                    cause: 'poll',
                    trigger: 'simulate',
                  }),
                ),
            }),
        );
        ctx.out.result(
          result,
          [
            ...result.did,
            `${result.deliveries.length} webhook deliver${result.deliveries.length === 1 ? 'y' : 'ies'}.`,
          ].join('\n'),
        );
        return undefined;
      }),
    );
}
