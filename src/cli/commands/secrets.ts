import type { Command } from 'commander';
import { runCommand } from '../context.js';
import { withStoreOrService } from '../service-client.js';

/** `cin7-ghl secrets rotate-key`: re-encrypts every stored secret under a new master key, atomically. */
export function registerSecretsCommands(program: Command): void {
  const secrets = program.command('secrets').description('Secrets encrypted at rest');
  secrets
    .command('rotate-key')
    .description(
      'Re-encrypt every stored secret under a new master key (atomic; every secret stays readable)',
    )
    .option('--json', 'print JSON')
    .action(
      runCommand(async (ctx) => {
        // While the service holds the embedded store, its vault rotates (the service keeps running).
        const result = await withStoreOrService(ctx, {
          local: async (store) => {
            const count = (await store.vault.names()).length;
            const rotated = await store.vault.rotateKey();
            return { secrets: count, ...rotated };
          },
          remote: async (api) => {
            const r = await api.post<{ secrets: number; newKey?: string }>('/api/secrets/rotate-key');
            return { secrets: r.secrets, ...(r.newKey ? { newKeyBase64: r.newKey } : {}) };
          },
        });
        const fromEnvironment = result.newKeyBase64 !== undefined;
        const text = fromEnvironment
          ? [
              `Re-encrypted ${result.secrets} secret(s) under a new master key.`,
              'Set CIN7_GHL_MASTER_KEY on every machine to the new key below (old and new are both accepted',
              'as "new,old" while you roll it out):',
              result.newKeyBase64,
            ].join('\n')
          : `Re-encrypted ${result.secrets} secret(s) under a new master key (key file replaced).`;
        // The new key is registered as a secret (so logs never show it); this is the one place it must
        // reach the operator, so it is written raw rather than through the redacting output.
        const value = {
          rotated: true,
          secrets: result.secrets,
          ...(fromEnvironment ? { newKey: result.newKeyBase64 } : {}),
        };
        process.stdout.write(ctx.out.json ? `${JSON.stringify(value, null, 2)}\n` : `${text}\n`);
        return undefined;
      }),
    );
}
