import type { Command } from 'commander';
import {
  type ApiTokenInfo,
  createApiToken,
  listApiTokens,
  revokeApiToken,
} from '../../server/auth/tokens.js';
import { runCommand } from '../context.js';
import { withStoreOrService } from '../service-client.js';

interface TokenJson {
  id: string;
  name: string;
  kind: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

function json(t: ApiTokenInfo): TokenJson {
  return {
    id: t.id,
    name: t.name,
    kind: t.kind,
    createdAt: t.createdAt.toISOString(),
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    revokedAt: t.revokedAt?.toISOString() ?? null,
  };
}

/** `cin7-ghl tokens create <name> | list | revoke <id>`: bearer API tokens for machines. */
export function registerTokensCommands(program: Command): void {
  const tokens = program
    .command('tokens')
    .description('Bearer API tokens for the REST API (no-code tools, scripts)');
  tokens
    .command('create <name>')
    .description('Create a token (shown once: store it where it is used)')
    .option('--json', 'print JSON')
    .action(
      runCommand(async (ctx, name: string) => {
        const created = await withStoreOrService(ctx, {
          local: async (store) => {
            const { token, info } = await createApiToken(store.db, name);
            return { ...json(info), token };
          },
          remote: (api) => api.post<TokenJson & { token: string }>('/api/tokens', { name }),
        });
        // The token is a registered secret (the output would mask it): written raw, this once.
        process.stdout.write(
          ctx.out.json
            ? `${JSON.stringify(created, null, 2)}\n`
            : `Created token ${created.id} (${created.name}). Shown once, use it as "Authorization: Bearer <token>":\n${created.token}\n`,
        );
        return undefined;
      }),
    );
  tokens
    .command('list')
    .description('List tokens (never their values), revoked ones too')
    .option('--json', 'print JSON')
    .action(
      runCommand(async (ctx) => {
        const list = await withStoreOrService(ctx, {
          local: async (store) => (await listApiTokens(store.db)).map(json),
          remote: async (api) => (await api.get<{ tokens: TokenJson[] }>('/api/tokens')).tokens,
        });
        const lines = list.length
          ? list.map(
              (t) =>
                `${t.id}  ${t.name.padEnd(32)} ${t.kind.padEnd(11)} created ${t.createdAt}  last used ${t.lastUsedAt ?? 'never'}${t.revokedAt ? `  REVOKED ${t.revokedAt}` : ''}`,
            )
          : ['No API tokens.'];
        ctx.out.result({ tokens: list }, lines.join('\n'));
        return undefined;
      }),
    );
  tokens
    .command('revoke <id>')
    .description('Revoke a token: its next request is refused')
    .option('--json', 'print JSON')
    .action(
      runCommand(async (ctx, id: string) => {
        const t = await withStoreOrService(ctx, {
          local: async (store) => json(await revokeApiToken(store.db, id)),
          remote: (api) => api.delete<TokenJson>(`/api/tokens/${encodeURIComponent(id)}`),
        });
        ctx.out.result(t, `Revoked token ${t.id} (${t.name}).`);
        return undefined;
      }),
    );
}
