/** `POST /api/secrets/rotate-key`: what `cin7-ghl secrets rotate-key` does, run by the service. */
import { z } from 'zod';
import type { ApiContext } from './context.js';
import { type ApiRoute, defineRoute } from './route.js';

export function secretRoutes(ctx: ApiContext): ApiRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/secrets/rotate-key',
      operationId: 'rotateMasterKey',
      summary: 'Re-encrypt every stored secret under a new master key (atomic)',
      description:
        'With the key from the environment (CIN7_GHL_MASTER_KEY), the new key is in this answer, to set on every machine; with a key file, the file is replaced.',
      tags: ['secrets'],
      response: z.object({ rotated: z.literal(true), secrets: z.number(), newKey: z.string().optional() }),
      handler: async () => {
        const count = (await ctx.store.vault.names()).length;
        const r = await ctx.store.vault.rotateKey();
        return {
          rotated: true as const,
          secrets: count,
          ...(r.newKeyBase64 ? { newKey: r.newKeyBase64 } : {}),
        };
      },
    }),
  ];
}
