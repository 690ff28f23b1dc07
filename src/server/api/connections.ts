/**
 * Connections: list them; start a GHL OAuth connect (the consent URL) and finish it; store a GHL
 * Private Integration Token; connect a Cin7 account. The CLI's `connect …` commands call these
 * while the service holds the embedded store.
 */
import { z } from 'zod';
import { connectCin7 } from '../../cin7/connect.js';
import { InputError } from '../../errors/index.js';
import { StaticTokenProvider } from '../../ghl/auth.js';
import { GhlClient } from '../../ghl/client.js';
import { savePitConnection } from '../../ghl/connections.js';
import { completeGhlConnect, startGhlConnect } from '../../ghl/oauth.js';
import { requiredGhlScopes } from '../../ghl/scopes.js';
import { ScopeError } from '../../http/errors.js';
import { redactValue } from '../../log/redact.js';
import { type ApiContext, iso } from './context.js';
import { type ApiRoute, defineRoute } from './route.js';

const connectionSchema = z.object({
  id: z.string(),
  api: z.enum(['ghl', 'cin7']),
  accountId: z.string().describe('GHL location id or Cin7 account id'),
  status: z.enum(['active', 'needs_reauth', 'uninstalled', 'disabled']),
  authMode: z.enum(['oauth', 'pit', 'key']),
  scopes: z.array(z.string()),
  tokenExpiresAt: z.string().nullable(),
  tokenRefreshedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  lastError: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const startedSchema = z.object({
  authorizeUrl: z.string().describe('open it in a browser and approve, within 10 minutes'),
  redirectUri: z.string(),
  scopes: z.array(z.string()),
  webhookUrl: z.string().describe("enter it in the Marketplace app's webhook settings"),
  expiresAt: z.string(),
});

const completedSchema = z.object({
  connected: z.object({
    locationId: z.string(),
    authMode: z.literal('oauth'),
    scopes: z.array(z.string()),
    tokenExpiresAt: z.string().nullable(),
  }),
  missingScopes: z.array(z.string()),
  webhookUrl: z.string(),
});

const cin7ResultSchema = z.object({
  connectionId: z.string(),
  accountId: z.string(),
  company: z.string().nullable(),
  currency: z.string().nullable(),
  timeZone: z.string().nullable(),
  webhooks: z.record(z.string(), z.unknown()).nullable(),
  webhooksSkipped: z.string().nullable(),
  calls: z.number(),
});

export function connectionRoutes(ctx: ApiContext): ApiRoute[] {
  const deps = { store: ctx.store, http: ctx.http, config: ctx.config, logger: ctx.logger };
  return [
    defineRoute({
      method: 'get',
      path: '/connections',
      operationId: 'listConnections',
      summary: 'Every vendor connection: status, scopes, token expiry',
      tags: ['connections'],
      response: z.object({ connections: z.array(connectionSchema) }),
      handler: async () => {
        const rows = await ctx.store.db
          .selectFrom('connections')
          .selectAll()
          .orderBy('api')
          .orderBy('id')
          .execute();
        return {
          connections: rows.map((r) => ({
            id: r.id,
            api: r.api,
            accountId: r.account_id,
            status: r.status,
            authMode: r.auth_mode,
            scopes: r.scopes,
            tokenExpiresAt: iso(r.token_expires_at),
            tokenRefreshedAt: iso(r.token_refreshed_at),
            lastUsedAt: iso(r.last_used_at),
            lastError: r.last_error,
            details: redactValue(
              r.details && typeof r.details === 'object' && !Array.isArray(r.details) ? r.details : {},
            ) as Record<string, unknown>,
            createdAt: r.created_at.toISOString(),
            updatedAt: r.updated_at.toISOString(),
          })),
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/connections/ghl/connect',
      operationId: 'startGhlConnect',
      summary: 'Start a GHL OAuth connect: the consent URL with least-privilege scopes',
      tags: ['connections'],
      response: startedSchema,
      handler: async () => {
        const s = await startGhlConnect(ctx.store, ctx.config);
        return {
          authorizeUrl: s.authorizeUrl,
          redirectUri: s.redirectUri,
          scopes: s.scopes,
          webhookUrl: s.webhookUrl,
          expiresAt: s.expiresAt.toISOString(),
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/connections/ghl/complete',
      operationId: 'completeGhlConnect',
      summary: 'Finish a GHL OAuth connect with the code (and state) of the consent redirect',
      description:
        'What the OAuth callback does, for clients that approved the consent themselves (the sandbox).',
      tags: ['connections'],
      body: z.object({ code: z.string().min(1), state: z.string().optional() }),
      response: completedSchema,
      errors: [502],
      handler: async ({ body }) => {
        const done = await completeGhlConnect(deps, { code: body.code, state: body.state });
        ctx.resetClients();
        return {
          connected: {
            locationId: done.connection.locationId,
            authMode: 'oauth' as const,
            scopes: done.connection.scopes,
            tokenExpiresAt: iso(done.connection.tokenExpiresAt),
          },
          missingScopes: done.missingScopes,
          webhookUrl: done.webhookUrl,
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/connections/ghl/pit',
      operationId: 'saveGhlPit',
      summary: 'Store a GHL Private Integration Token for a location (checked with one search first)',
      tags: ['connections'],
      body: z.object({
        locationId: z.string().min(1),
        token: z.string().min(6),
        verify: z
          .boolean()
          .default(true)
          .describe('check the token with one contact search before storing it'),
      }),
      response: z.object({
        connected: z.object({
          locationId: z.string(),
          authMode: z.literal('pit'),
          scopes: z.array(z.string()),
        }),
      }),
      errors: [502],
      handler: async ({ body }) => {
        const scopes = requiredGhlScopes(ctx.config);
        if (body.verify) {
          const client = new GhlClient({
            http: ctx.http,
            baseUrl: ctx.config.ghl.baseUrl,
            auth: new StaticTokenProvider(body.token, body.locationId),
          });
          try {
            await client.searchContacts({ pageLimit: 1 });
          } catch (e) {
            if (e instanceof ScopeError) {
              throw new InputError(
                'token',
                'the token lacks contacts.readonly',
                `create the token with these scopes: ${scopes.join(', ')}`,
              );
            }
            throw e;
          }
        }
        const c = await savePitConnection(ctx.store, {
          locationId: body.locationId,
          token: body.token,
          scopes,
        });
        ctx.resetClients();
        return { connected: { locationId: c.locationId, authMode: 'pit' as const, scopes } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/connections/cin7',
      operationId: 'connectCin7',
      summary: 'Connect a Cin7 Core account (checked with GET /me; webhooks registered when enabled)',
      tags: ['connections'],
      body: z.object({ accountId: z.string().min(1), applicationKey: z.string().min(6) }),
      response: cin7ResultSchema,
      errors: [502],
      handler: async ({ body }) => {
        const r = await connectCin7({
          ...deps,
          accountId: body.accountId,
          applicationKey: body.applicationKey,
        });
        ctx.resetClients();
        return { ...r, webhooks: r.webhooks as unknown as Record<string, unknown> | null };
      },
    }),
  ];
}
