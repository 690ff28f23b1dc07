/**
 * The pattern every REST route follows: one `defineRoute` call holds the method, the path, the zod
 * schemas of its path parameters, query, body and answer, the OpenAPI words (summary, tags, extra
 * error statuses) and the handler. The router validates input with those schemas, and the OpenAPI
 * document is generated from the same schemas, so the document cannot drift from the code.
 */
import type { Context } from 'hono';
import type { z } from 'zod';
import { InputError } from '../../errors/index.js';

export type HttpVerb = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Error statuses a route can document besides the 400/401/403/500 every route has. */
export type ErrorStatus = 404 | 409 | 422 | 429 | 502 | 503;

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
}

/** One REST route (see `defineRoute`). Schemas are kept as given so the OpenAPI document can read them. */
export interface ApiRoute {
  method: HttpVerb;
  /** Relative to `/api`, OpenAPI style: `/ops/{name}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  response: z.ZodType;
  /** Success status (default 200). */
  status: 200 | 201;
  errors: ErrorStatus[];
  /** Error bodies other than the standard one, by status (e.g. 502 `OperationError` for ops). */
  errorBodies?: Partial<Record<ErrorStatus, z.ZodType>>;
  /** Runs validated input; answers the body (validated against `response` in tests) or a `Response`. */
  run(c: Context): Promise<Response>;
}

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteSpec<
  P extends z.ZodType | undefined,
  Q extends z.ZodType | undefined,
  B extends z.ZodType | undefined,
  R extends z.ZodType,
> {
  method: HttpVerb;
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  params?: P;
  query?: Q;
  body?: B;
  response: R;
  status?: 200 | 201;
  errors?: ErrorStatus[];
  errorBodies?: Partial<Record<ErrorStatus, z.ZodType>>;
  handler: (
    input: RouteInput<Out<P>, Out<Q>, Out<B>>,
    c: Context,
  ) => Promise<z.input<R> | Response> | z.input<R> | Response;
}

/**
 * Declares a route: schemas, documentation and handler in one place.
 *
 * @example
 * export const getToken = defineRoute({
 *   method: 'delete', path: '/tokens/{id}', operationId: 'revokeToken', summary: 'Revoke an API token',
 *   tags: ['tokens'], params: z.object({ id: z.string() }), response: tokenSchema, errors: [404],
 *   handler: async ({ params }) => toJson(await revokeApiToken(db, params.id)),
 * });
 */
export function defineRoute<
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  R extends z.ZodType = z.ZodType,
>(spec: RouteSpec<P, Q, B, R>): ApiRoute {
  const where = `${spec.method.toUpperCase()} /api${spec.path}`;
  const run = async (c: Context): Promise<Response> => {
    const params = spec.params ? parse(spec.params, c.req.param(), `${where} path`) : undefined;
    const query = spec.query ? parse(spec.query, c.req.query(), `${where} query`) : undefined;
    let body: unknown;
    if (spec.body) {
      let raw: unknown;
      const text = await c.req.text();
      try {
        raw = text.trim() === '' ? {} : JSON.parse(text);
      } catch (e) {
        throw new InputError(
          `${where} body`,
          `not JSON (${(e as Error).message})`,
          'send a JSON body with Content-Type: application/json',
        );
      }
      body = parse(spec.body, raw, `${where} body`);
    }
    const result = await spec.handler({ params, query, body } as RouteInput<Out<P>, Out<Q>, Out<B>>, c);
    if (result instanceof Response) return result;
    return c.json(result as object, spec.status ?? 200);
  };
  return {
    method: spec.method,
    path: spec.path,
    operationId: spec.operationId,
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    tags: spec.tags,
    ...(spec.params ? { params: spec.params } : {}),
    ...(spec.query ? { query: spec.query } : {}),
    ...(spec.body ? { body: spec.body } : {}),
    response: spec.response,
    status: spec.status ?? 200,
    errors: spec.errors ?? [],
    ...(spec.errorBodies ? { errorBodies: spec.errorBodies } : {}),
    run,
  };
}

function parse<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const first = r.error.issues[0];
  const key = first?.path.length ? first.path.map(String).join('.') : '(value)';
  const more = r.error.issues.length > 1 ? ` (and ${r.error.issues.length - 1} more)` : '';
  throw new InputError(
    `${where} ${key}`,
    `${first?.message ?? 'invalid'}${more}`,
    'see /api/openapi.json for the expected shape',
  );
}

/** `/ops/{name}` → `/ops/:name` (hono's syntax). */
export function honoPath(path: string): string {
  return path.replace(/\{([A-Za-z0-9_]+)\}/g, ':$1');
}
