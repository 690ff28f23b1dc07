import { z } from 'zod';
import { iso, type ApiContext } from './context.js';
import { type ApiRoute, defineRoute } from './route.js';

const healthSchema = z.object({
  ok: z.boolean(),
  version: z.string(),
  env: z.string(),
  role: z.enum(['web', 'worker', 'all']),
  startedAt: z.string(),
  uptimeSeconds: z.number(),
  store: z.object({ kind: z.enum(['pglite', 'postgres']), ok: z.boolean() }),
  connections: z.array(
    z.object({
      id: z.string(),
      api: z.enum(['ghl', 'cin7']),
      status: z.string(),
      tokenExpiresAt: z.string().nullable(),
    }),
  ),
  queue: z.object({
    waiting: z.number().describe('jobs created or waiting to retry'),
    active: z.number(),
    deadLetters: z.number(),
  }),
});

/** `GET /api/health`: the service, its store, its connections and its queue at a glance. */
export function healthRoutes(ctx: ApiContext): ApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/health',
      operationId: 'getHealth',
      summary: 'Service health: store, connections, queue',
      tags: ['health'],
      response: healthSchema,
      handler: async () => {
        let storeOk = true;
        try {
          await ctx.store.query('select 1');
        } catch {
          storeOk = false;
        }
        const connections = storeOk
          ? await ctx.store.db
              .selectFrom('connections')
              .select(['id', 'api', 'status', 'token_expires_at'])
              .orderBy('id')
              .execute()
          : [];
        const { rows } = storeOk
          ? await ctx.store.query<{ state: string; dead: boolean; n: number }>(
              `select state::text as state, name like '%.dead' as dead, count(*)::int as n
                 from pgboss.job where state in ('created', 'retry', 'active') group by 1, 2`,
            )
          : { rows: [] };
        const queue = { waiting: 0, active: 0, deadLetters: 0 };
        for (const r of rows) {
          if (r.dead) queue.deadLetters += r.n;
          else if (r.state === 'active') queue.active += r.n;
          else queue.waiting += r.n;
        }
        return {
          ok: storeOk && connections.every((c) => c.status === 'active'),
          version: ctx.version,
          env: ctx.config.env,
          role: ctx.role,
          startedAt: ctx.startedAt.toISOString(),
          uptimeSeconds: Math.round((Date.now() - ctx.startedAt.getTime()) / 1000),
          store: { kind: ctx.store.kind, ok: storeOk },
          connections: connections.map((c) => ({
            id: c.id,
            api: c.api,
            status: c.status,
            tokenExpiresAt: iso(c.token_expires_at),
          })),
          queue,
        };
      },
    }),
  ];
}
