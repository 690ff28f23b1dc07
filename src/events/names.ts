/**
 * The product's own events: what happened in the sync, for no-code platforms (Zapier, Make, n8n)
 * and scripts to trigger on. Each has a payload schema; emitters are checked against it, and the
 * same schemas document the payloads (docs/events.md) and the catalog's triggers.
 */
import { z } from 'zod';
import type { TriggerDef } from '../ops/types.js';

const when = z.string().describe('ISO 8601 time');
const counts = z.record(z.string(), z.number()).describe('counts by class, e.g. {"contactsCreated": 3}');

export const PRODUCT_EVENT_SCHEMAS = {
  'record.synced': z
    .looseObject({
      cin7CustomerId: z.string(),
      cin7ContactId: z.string().nullable().optional(),
      ghlContactId: z.string(),
      ghlLocationId: z.string().nullable().optional(),
      action: z.enum(['created', 'updated', 'linked', 'tags', 'unchanged']).describe('what the sync did'),
      fields: z.array(z.string()).describe('the fields written'),
      direction: z.enum(['cin7_to_ghl', 'ghl_to_cin7']).optional(),
      runId: z.string().nullable().optional(),
      at: when,
    })
    .describe('A record was written to the other side (or linked)'),
  'record.failed': z
    .looseObject({
      cin7CustomerId: z.string().nullable(),
      cin7ContactId: z.string().nullable().optional(),
      ghlContactId: z.string().nullable().optional(),
      failureId: z.string().nullable().optional(),
      stage: z.string().describe('where it failed, e.g. create, update, map'),
      code: z.string(),
      error: z.string().describe('the error in plain words'),
      runId: z.string().nullable().optional(),
      at: when,
    })
    .describe('A record failed alone; it is kept with its error and can be retried'),
  'conflict.created': z
    .looseObject({
      conflictId: z.string(),
      cin7CustomerId: z.string(),
      ghlContactId: z.string().nullable().optional(),
      field: z.string(),
      cin7Value: z.unknown(),
      ghlValue: z.unknown(),
      policy: z.string().describe('owner, newest or manual'),
      at: when,
    })
    .describe('Both sides changed the same field since the last sync'),
  'run.completed': z
    .looseObject({
      runId: z.string(),
      kind: z.string().describe('e.g. sync, reconcile'),
      mode: z.string().optional(),
      status: z.string().describe('completed or partial'),
      counts,
      calls: z.record(z.string(), z.number()).optional().describe('vendor calls used, by API'),
      durationMs: z.number().optional(),
      at: when,
    })
    .describe('A sync or reconcile run finished'),
  'run.failed': z
    .looseObject({
      runId: z.string(),
      kind: z.string(),
      mode: z.string().optional(),
      error: z.string(),
      counts: counts.optional(),
      durationMs: z.number().optional(),
      at: when,
    })
    .describe('A sync or reconcile run failed'),
  'connection.needs_reauth': z
    .looseObject({
      connectionId: z.string(),
      api: z.enum(['ghl', 'cin7']),
      accountId: z.string().nullable().optional(),
      reason: z.string().describe('e.g. invalid_grant, uninstalled'),
      message: z.string(),
      at: when,
    })
    .describe('A connection lost its authorisation: reconnect it'),
} as const;

export type ProductEventName = keyof typeof PRODUCT_EVENT_SCHEMAS;
export type ProductEventPayload<N extends ProductEventName> = z.input<(typeof PRODUCT_EVENT_SCHEMAS)[N]>;

export const PRODUCT_EVENT_NAMES = Object.keys(PRODUCT_EVENT_SCHEMAS) as ProductEventName[];

/** True when `name` is one of the product's events. */
export function isProductEventName(name: string): name is ProductEventName {
  return Object.hasOwn(PRODUCT_EVENT_SCHEMAS, name);
}

/** The product's events as catalog triggers (`product.<name>`), for `ops list` and the API. */
export const PRODUCT_EVENT_TRIGGERS: TriggerDef[] = PRODUCT_EVENT_NAMES.map((name) => {
  const schema = PRODUCT_EVENT_SCHEMAS[name];
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, { type?: unknown; description?: string; enum?: unknown[] }>;
    required?: string[];
  };
  const payload: Record<string, string> = {};
  for (const [key, prop] of Object.entries(json.properties ?? {})) {
    const type = prop.enum
      ? prop.enum.join(' | ')
      : Array.isArray(prop.type)
        ? prop.type.join(' | ')
        : String(prop.type ?? 'any');
    const optional = json.required?.includes(key) ? '' : ' (optional)';
    payload[key] = `${type}${optional}${prop.description ? `: ${prop.description}` : ''}`;
  }
  return {
    name: `product.${name}`,
    api: 'product',
    kind: 'event',
    description: `${schema.description ?? name} (outbound event; subscribe with \`cin7-ghl events subscribe\`)`,
    payload,
  };
});
