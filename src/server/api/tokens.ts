/** Bearer API tokens: list, create (shown once), revoke. */
import { z } from 'zod';
import { type ApiTokenInfo, createApiToken, listApiTokens, revokeApiToken } from '../auth/tokens.js';
import { type ApiContext, iso } from './context.js';
import { type ApiRoute, defineRoute } from './route.js';

export const tokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['api', 'local-admin']),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});

export function tokenJson(t: ApiTokenInfo): z.infer<typeof tokenSchema> {
  return {
    id: t.id,
    name: t.name,
    kind: t.kind,
    createdAt: t.createdAt.toISOString(),
    lastUsedAt: iso(t.lastUsedAt),
    revokedAt: iso(t.revokedAt),
  };
}

export function tokenRoutes(ctx: ApiContext): ApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/tokens',
      operationId: 'listTokens',
      summary: 'API tokens (never their values), revoked ones included',
      tags: ['tokens'],
      response: z.object({ tokens: z.array(tokenSchema) }),
      handler: async () => ({ tokens: (await listApiTokens(ctx.store.db)).map(tokenJson) }),
    }),
    defineRoute({
      method: 'post',
      path: '/tokens',
      operationId: 'createToken',
      summary: 'Create an API token; its value is in this answer only',
      tags: ['tokens'],
      body: z.object({ name: z.string().min(1).max(100).describe('who uses it, e.g. zapier') }),
      status: 201,
      response: tokenSchema.extend({
        token: z.string().describe('send as Authorization: Bearer <token>; shown once'),
      }),
      handler: async ({ body }) => {
        const { token, info } = await createApiToken(ctx.store.db, body.name);
        return { ...tokenJson(info), token };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/tokens/{id}',
      operationId: 'revokeToken',
      summary: 'Revoke an API token (refused from its next request on)',
      tags: ['tokens'],
      params: z.object({ id: z.string() }),
      response: tokenSchema,
      errors: [404],
      handler: async ({ params }) => tokenJson(await revokeApiToken(ctx.store.db, params.id)),
    }),
  ];
}
