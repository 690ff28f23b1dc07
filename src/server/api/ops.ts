/**
 * The operations catalog over HTTP: `GET /api/ops` lists every operation and trigger (the product's
 * own events included); `POST /api/ops/{name}` runs one operation with the same parameters object
 * `cin7-ghl ops call --params` takes and answers the vendor's body verbatim, or on a vendor error
 * HTTP 502 with `{operation, status, message, traceId}`.
 */
import { z } from 'zod';
import { callCin7Operation } from '../../cin7/operations.js';
import { PRODUCT_EVENT_TRIGGERS } from '../../events/names.js';
import { callGhlOperation } from '../../ghl/executor.js';
import { ApiError, apiErrorJson } from '../../http/errors.js';
import { redactValue } from '../../log/redact.js';
import type { OperationParams } from '../../ops/types.js';
import type { ApiContext } from './context.js';
import { type ApiRoute, defineRoute } from './route.js';

const paramSchema = z.object({
  name: z.string(),
  in: z.enum(['path', 'query', 'body']),
  required: z.boolean(),
  type: z.enum(['string', 'number', 'boolean', 'object', 'array']),
  description: z.string(),
});

const operationSchema = z.object({
  name: z.string(),
  api: z.enum(['ghl', 'cin7']),
  description: z.string(),
  method: z.enum(['GET', 'POST', 'PUT', 'DELETE']),
  path: z.string(),
  scope: z.string().optional(),
  params: z.array(paramSchema),
  hasBody: z.boolean(),
  paged: z.boolean().optional(),
  deprecated: z.boolean().optional(),
  idempotent: z.boolean().optional(),
});

const triggerSchema = z.object({
  name: z.string(),
  api: z.enum(['ghl', 'cin7', 'product']),
  kind: z.enum(['webhook', 'poll', 'event']),
  description: z.string(),
  payload: z.record(z.string(), z.string()),
});

/** The 502 body of a vendor error (what `ops call` prints on stderr). */
export const operationErrorSchema = z
  .object({
    operation: z.string(),
    status: z.number().nullable().describe('the vendor HTTP status; null when it did not answer'),
    message: z
      .union([z.string(), z.array(z.string())])
      .describe("the vendor's message (a 422's stays a list)"),
    traceId: z.string().nullable().describe("the vendor's trace id, to quote to its support"),
  })
  .describe('A vendor call failed');

/** Runs one catalog operation with the service's own clients; throws what `ops call` would. */
export async function runOperation(ctx: ApiContext, name: string, params: OperationParams): Promise<unknown> {
  const { def } = ctx.catalog.lookup(name);
  if (def.api === 'ghl') return callGhlOperation(await ctx.ghlClient(), def, params);
  return callCin7Operation(await ctx.cin7Client(), def, params);
}

export function opsRoutes(ctx: ApiContext): ApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/ops',
      operationId: 'listOperations',
      summary: 'Every operation and trigger of the catalog',
      tags: ['ops'],
      response: z.object({
        counts: z.object({
          operations: z.number(),
          triggers: z.number(),
          byApi: z.record(z.string(), z.number()),
        }),
        operations: z.array(operationSchema),
        triggers: z.array(triggerSchema),
      }),
      handler: () => {
        const operations = ctx.catalog.operations;
        const known = new Set(ctx.catalog.triggers.map((t) => t.name));
        const triggers = [
          ...ctx.catalog.triggers,
          ...PRODUCT_EVENT_TRIGGERS.filter((t) => !known.has(t.name)),
        ];
        const byApi: Record<string, number> = {};
        for (const o of operations) byApi[o.api] = (byApi[o.api] ?? 0) + 1;
        return {
          counts: { operations: operations.length, triggers: triggers.length, byApi },
          operations,
          triggers,
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/ops/{name}',
      operationId: 'callOperation',
      summary: 'Run one operation; the answer is the vendor body (one page for list operations)',
      description:
        'The body is the parameters object of `cin7-ghl ops call --params`: path and query parameters by their spec names at the top level, the request body under "body". GHL locationId defaults to the connection\'s.',
      tags: ['ops'],
      params: z.object({
        name: z.string().describe('an operation name from GET /api/ops, e.g. ghl.contacts.get'),
      }),
      body: z.record(z.string(), z.unknown()).describe('the ops call parameters'),
      response: z.unknown().describe("the vendor's response body, verbatim"),
      errors: [404, 502],
      errorBodies: { 502: operationErrorSchema },
      handler: async ({ params, body }, c) => {
        try {
          const result = await runOperation(ctx, params.name, body as OperationParams);
          return c.json(result as object, 200);
        } catch (e) {
          if (e instanceof ApiError) {
            ctx.logger.info({ err: e, operation: params.name }, 'operation failed at the vendor');
            return c.json(redactValue(apiErrorJson(e)), 502);
          }
          throw e;
        }
      },
    }),
  ];
}
