import type { Hono } from 'hono';
import { z } from 'zod';
import { InputError } from '../../errors/index.js';
import type { AppEnv } from '../app.js';
import { openApiDocument } from './openapi.js';
import { type ApiRoute, defineRoute, honoPath } from './route.js';

/**
 * Holds the REST routes, mounts them under `/api` and serves their OpenAPI document at
 * `/api/openapi.json`. Feature modules add their routes with `add` before `mount`.
 *
 * @example
 * const router = new ApiRouter({ title: 'cin7-ghl-sync', version });
 * router.add(...tokenRoutes(ctx));
 * router.mount(app);
 */
export class ApiRouter {
  readonly #routes: ApiRoute[] = [];
  #mounted = false;

  constructor(private readonly info: { title: string; version: string; description?: string }) {}

  /** The routes added so far (the OpenAPI document lists exactly these). */
  get routes(): readonly ApiRoute[] {
    return this.#routes;
  }

  add(...routes: ApiRoute[]): this {
    if (this.#mounted) {
      throw new InputError(
        'ApiRouter.add',
        'routes were added after mount()',
        'add every route before mounting the router',
      );
    }
    for (const r of routes) {
      const clash = this.#routes.find((x) => x.method === r.method && x.path === r.path);
      if (clash)
        throw new InputError(
          'ApiRouter.add',
          `${r.method.toUpperCase()} ${r.path} is declared twice`,
          'give each route its own path',
        );
      if (this.#routes.some((x) => x.operationId === r.operationId)) {
        throw new InputError(
          'ApiRouter.add',
          `operationId ${r.operationId} is used twice`,
          'give each route its own operationId',
        );
      }
      this.#routes.push(r);
    }
    return this;
  }

  /** The OpenAPI 3.1 document of every route added. */
  document(): Record<string, unknown> {
    return openApiDocument(this.#routes, this.info);
  }

  /** Mounts every route under `base` (default `/api`), plus `GET <base>/openapi.json`. */
  mount(app: Hono<AppEnv>, base = '/api'): void {
    this.add(
      defineRoute({
        method: 'get',
        path: '/openapi.json',
        operationId: 'getOpenApi',
        summary: 'This API as an OpenAPI 3.1 document',
        tags: ['meta'],
        response: z.record(z.string(), z.unknown()),
        handler: () => this.document(),
      }),
    );
    this.#mounted = true;
    for (const route of this.#routes) {
      app.on(route.method.toUpperCase(), `${base}${honoPath(route.path)}`, (c) => route.run(c));
    }
  }
}
