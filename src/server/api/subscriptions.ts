/** Subscriptions to the product's outbound events, and their deliveries. */
import { z } from 'zod';
import { PRODUCT_EVENT_NAMES } from '../../events/names.js';
import {
  type Subscription,
  createSubscription,
  deleteSubscription,
  getSubscription,
  listSubscriptions,
  rotateSubscriptionSecret,
} from '../../events/subscriptions.js';
import { type ApiContext, iso } from './context.js';
import { type ApiRoute, defineRoute } from './route.js';

export const subscriptionSchema = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  source: z.enum(['api', 'cli', 'config']),
  description: z.string().nullable(),
  createdAt: z.string(),
  deletedAt: z.string().nullable(),
});

export function subscriptionJson(s: Subscription): z.infer<typeof subscriptionSchema> {
  return {
    id: s.id,
    url: s.url,
    events: s.events,
    source: s.source,
    description: s.description,
    createdAt: s.createdAt.toISOString(),
    deletedAt: iso(s.deletedAt),
  };
}

const deliverySchema = z.object({
  id: z.string(),
  eventId: z.string(),
  event: z.string(),
  status: z.enum(['pending', 'retrying', 'delivered', 'dead', 'cancelled']),
  attempts: z.number(),
  lastStatus: z.number().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  deliveredAt: z.string().nullable(),
});

export function subscriptionRoutes(ctx: ApiContext): ApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/subscriptions',
      operationId: 'listSubscriptions',
      summary: 'Subscriptions to outbound events',
      tags: ['subscriptions'],
      query: z.object({ includeDeleted: z.enum(['true', 'false']).default('false') }),
      response: z.object({ subscriptions: z.array(subscriptionSchema), events: z.array(z.string()) }),
      handler: async ({ query }) => ({
        subscriptions: (
          await listSubscriptions(ctx.store.db, { includeDeleted: query.includeDeleted === 'true' })
        ).map(subscriptionJson),
        events: [...PRODUCT_EVENT_NAMES],
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/subscriptions',
      operationId: 'createSubscription',
      summary: 'Subscribe a URL to events; the signing secret is in this answer only',
      tags: ['subscriptions'],
      body: z.object({
        url: z.string().describe('http(s) URL receiving signed JSON POSTs'),
        events: z
          .array(z.string())
          .min(1)
          .describe(`event names (${PRODUCT_EVENT_NAMES.join(', ')}) or *`),
        description: z.string().max(200).optional(),
        source: z.enum(['api', 'cli']).default('api'),
      }),
      status: 201,
      response: subscriptionSchema.extend({
        secret: z.string().describe('verifies X-Cin7Ghl-Signature; shown once'),
      }),
      handler: async ({ body }) => {
        const { subscription, secret } = await createSubscription(ctx.store, {
          url: body.url,
          events: body.events,
          source: body.source,
          description: body.description ?? null,
        });
        return { ...subscriptionJson(subscription), secret };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/subscriptions/{id}',
      operationId: 'deleteSubscription',
      summary: 'Unsubscribe (queued deliveries are cancelled)',
      tags: ['subscriptions'],
      params: z.object({ id: z.string() }),
      response: subscriptionSchema,
      errors: [404],
      handler: async ({ params }) => subscriptionJson(await deleteSubscription(ctx.store, params.id)),
    }),
    defineRoute({
      method: 'post',
      path: '/subscriptions/{id}/secret',
      operationId: 'rotateSubscriptionSecret',
      summary: 'A new signing secret (the old one stops at once); shown once',
      tags: ['subscriptions'],
      params: z.object({ id: z.string() }),
      response: z.object({ id: z.string(), secret: z.string() }),
      errors: [404],
      handler: async ({ params }) => ({
        id: params.id,
        secret: await rotateSubscriptionSecret(ctx.store, params.id),
      }),
    }),
    defineRoute({
      method: 'get',
      path: '/subscriptions/{id}/deliveries',
      operationId: 'listDeliveries',
      summary: "A subscription's deliveries, newest first",
      tags: ['subscriptions'],
      params: z.object({ id: z.string() }),
      query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
      response: z.object({ deliveries: z.array(deliverySchema) }),
      errors: [404],
      handler: async ({ params, query }) => {
        await getSubscription(ctx.store.db, params.id);
        const rows = await ctx.store.db
          .selectFrom('event_deliveries as d')
          .innerJoin('product_events as e', 'e.id', 'd.event_id')
          .select([
            'd.id',
            'd.event_id',
            'e.name',
            'd.status',
            'd.attempts',
            'd.last_status',
            'd.last_error',
            'd.created_at',
            'd.delivered_at',
          ])
          .where('d.subscription_id', '=', params.id)
          .orderBy('d.id', 'desc')
          .limit(query.limit)
          .execute();
        return {
          deliveries: rows.map((r) => ({
            id: r.id,
            eventId: r.event_id,
            event: r.name,
            status: r.status,
            attempts: r.attempts,
            lastStatus: r.last_status,
            lastError: r.last_error,
            createdAt: r.created_at.toISOString(),
            deliveredAt: iso(r.delivered_at),
          })),
        };
      },
    }),
  ];
}
