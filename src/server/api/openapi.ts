/**
 * The OpenAPI 3.1 document of the REST API, generated from the routes' zod schemas with zod 4's
 * `z.toJSONSchema` (JSON Schema 2020-12, which OpenAPI 3.1 uses as its schema dialect).
 */
import { z } from 'zod';
import { SESSION_COOKIE } from '../auth/sessions.js';
import type { ApiRoute, ErrorStatus } from './route.js';

/** The body of every error answer (the service's error handler writes it). */
export const errorBodySchema = z
  .object({
    error: z.string().describe('error class, e.g. InputError, Unauthorized'),
    code: z.string().optional().describe('stable code, e.g. input_invalid, auth_required'),
    message: z.string().describe('what went wrong and where'),
    hint: z.string().optional().describe('how to fix it'),
    details: z.record(z.string(), z.unknown()).optional(),
    requestId: z.string().optional().describe('find the request in the service log with this'),
  })
  .describe('An error');

const STANDARD_ERRORS: Record<number, string> = {
  400: 'Invalid input (the message names the field and the fix)',
  401: 'No valid session or API token',
  403: 'CSRF token missing or wrong (session requests that change state)',
  404: 'Not found',
  409: 'Conflict with the current state',
  422: 'Refused by validation',
  429: 'Too many requests',
  500: 'Internal error (details in the service log, under the request id)',
  502: 'A vendor API call failed',
  503: 'Not ready',
};

/** JSON Schema for one zod schema, as OpenAPI 3.1 embeds it. */
export function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const out = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete out.$schema;
  return out;
}

function parameters(route: ApiRoute): Array<Record<string, unknown>> {
  const list: Array<Record<string, unknown>> = [];
  for (const [where, schema] of [
    ['path', route.params],
    ['query', route.query],
  ] as const) {
    if (!schema) continue;
    const s = jsonSchema(schema, 'input');
    const props = (s.properties ?? {}) as Record<string, Record<string, unknown>>;
    const required = new Set((s.required as string[] | undefined) ?? []);
    for (const [name, prop] of Object.entries(props)) {
      const { description, ...rest } = prop;
      list.push({
        name,
        in: where,
        required: where === 'path' ? true : required.has(name),
        ...(typeof description === 'string' ? { description } : {}),
        schema: rest,
      });
    }
  }
  return list;
}

function json(schema: Record<string, unknown>) {
  return { content: { 'application/json': { schema } } };
}

/**
 * The document for `routes` mounted under `/api`.
 *
 * @example
 * const doc = openApiDocument(router.routes, { title: 'cin7-ghl-sync', version: '0.1.0' });
 */
export function openApiDocument(
  routes: readonly ApiRoute[],
  info: { title: string; version: string; description?: string },
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const tags = new Set<string>();
  for (const route of routes) {
    for (const t of route.tags) tags.add(t);
    const responses: Record<string, unknown> = {
      [String(route.status)]: { description: route.summary, ...json(jsonSchema(route.response, 'output')) },
    };
    const statuses = new Set<number>([400, 401, 403, 500, ...route.errors]);
    for (const status of [...statuses].sort((a, b) => a - b)) {
      const custom = route.errorBodies?.[status as ErrorStatus];
      responses[String(status)] = {
        description: STANDARD_ERRORS[status] ?? 'Error',
        ...json(custom ? jsonSchema(custom, 'output') : { $ref: '#/components/schemas/Error' }),
      };
    }
    const operation: Record<string, unknown> = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: route.tags,
      parameters: parameters(route),
      responses,
    };
    if (route.body) operation.requestBody = { required: true, ...json(jsonSchema(route.body, 'input')) };
    const path = `/api${route.path}`;
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[route.method] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: info.title,
      version: info.version,
      ...(info.description ? { description: info.description } : {}),
    },
    tags: [...tags].sort().map((name) => ({ name })),
    paths,
    components: {
      schemas: { Error: jsonSchema(errorBodySchema, 'output') },
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API token from `cin7-ghl tokens create <name>` (or the dashboard)',
        },
        sessionCookie: {
          type: 'apiKey',
          in: 'cookie',
          name: SESSION_COOKIE,
          description: 'The dashboard session; state-changing requests also need the X-CSRF-Token header',
        },
      },
    },
    security: [{ bearerAuth: [] }, { sessionCookie: [] }],
  };
}
