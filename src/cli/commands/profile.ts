import type { Command } from 'commander';
import { loadMapping } from '../../sync/mapping/index.js';
import type { CustomerProfile } from '../../sync/profile/profile.js';
import { findProfiles, profileText } from '../../sync/profile/read.js';
import { runCommand } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { plain } from '../remote.js';
import { withStoreOrService } from '../service-client.js';

/**
 * `cin7-ghl profile <cin7-id|email> [--json]`: the unified customer profile, from the store (while
 * a service holds the embedded store: its `GET /api/profiles/{query}`).
 */
export function registerProfileCommand(program: Command): void {
  program
    .command('profile <query>')
    .description(
      'The unified customer profile of a Cin7 customer (by id, or the email of one of its contacts)',
    )
    .option('--json', 'print JSON')
    .action(
      runCommand(async (ctx, query: string) => {
        const mapping = loadMapping(ctx.config);
        const profiles = await withStoreOrService(ctx, {
          local: async (store) =>
            plain<CustomerProfile[]>(
              await findProfiles(store, query, { locationId: ctx.config.ghl.locationId ?? null, mapping }),
            ),
          remote: async (api) =>
            (await api.get<{ profiles: CustomerProfile[] }>(`/api/profiles/${encodeURIComponent(query)}`))
              .profiles,
        });
        if (profiles.length === 0) {
          ctx.out.info(
            `No customer matches "${query}" (run \`cin7-ghl sync run\` first, or check the id or email).`,
          );
          ctx.out.result(ctx.out.json ? [] : 'No profile.');
          return EXIT.failed;
        }
        ctx.out.result(
          profiles.length === 1 ? profiles[0] : profiles,
          profiles.map(profileText).join('\n\n'),
        );
        return undefined;
      }),
    );
}
