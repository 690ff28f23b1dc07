/**
 * The REST API (`/api`): routes declared with `defineRoute` (zod schemas + OpenAPI words + handler
 * in one place), collected by an `ApiRouter`, mounted behind the auth middleware, documented at
 * `/api/openapi.json`. A feature adds its routes the same way: `router.add(...myRoutes(ctx))`.
 */
import { connectionRoutes } from './connections.js';
import type { ApiContext } from './context.js';
import { eventRoutes } from './events.js';
import { healthRoutes } from './health.js';
import { opsRoutes } from './ops.js';
import { previewRoutes } from './previews.js';
import type { ApiRoute } from './route.js';
import { runFollowRoutes } from './runs.js';
import { secretRoutes } from './secrets.js';
import { sessionRoutes } from './session.js';
import { subscriptionRoutes } from './subscriptions.js';
import { syncRoutes } from './sync.js';
import { tokenRoutes } from './tokens.js';

export { type ApiContext, iso } from './context.js';
export { errorBodySchema, jsonSchema, openApiDocument } from './openapi.js';
export { operationErrorSchema, runOperation } from './ops.js';
export {
  type ApiRoute,
  type ErrorStatus,
  type HttpVerb,
  type RouteSpec,
  defineRoute,
  honoPath,
} from './route.js';
export { ApiRouter } from './router.js';

/**
 * The service's own routes: the sync's read routes (status, runs, failures, profiles, audit),
 * following a run, and the previews (mapping, tag rules).
 */
export function coreApiRoutes(ctx: ApiContext): ApiRoute[] {
  return [
    ...sessionRoutes(ctx),
    ...healthRoutes(ctx),
    ...connectionRoutes(ctx),
    ...opsRoutes(ctx),
    ...eventRoutes(ctx),
    ...tokenRoutes(ctx),
    ...subscriptionRoutes(ctx),
    ...secretRoutes(ctx),
    ...syncRoutes(ctx),
    ...runFollowRoutes(ctx),
    ...previewRoutes(ctx),
  ];
}
