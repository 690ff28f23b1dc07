import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import type { Logger } from '../log/logger.js';
import { errorHandler } from './errors.js';

/** One named readiness check (store, queue, …) and whether it passed. */
export interface ReadinessCheck {
  name: string;
  ok: boolean;
  detail?: string;
}

export interface AppDeps {
  logger: Logger;
  /** Checks behind `/readyz`; each runs on every call, so keep them cheap (e.g. `select 1`). */
  readinessChecks: Array<() => Promise<ReadinessCheck>>;
}

export type AppEnv = { Variables: { requestId: string } };

/**
 * The HTTP app skeleton: request ids, `/healthz` (process up), `/readyz` (store and queue ready),
 * JSON 404s and the one error handler. Features mount their routes on it.
 *
 * @example
 * const app = createApp({ logger, readinessChecks: [storeCheck(store)] });
 * app.route('/webhooks', webhookRoutes);
 */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('*', async (c, next) => {
    const requestId = c.req.header('x-request-id') ?? randomUUID();
    c.set('requestId', requestId);
    c.header('x-request-id', requestId);
    await next();
  });
  app.get('/healthz', (c) => c.json({ ok: true }));
  app.get('/readyz', async (c) => {
    const checks = await Promise.all(
      deps.readinessChecks.map(async (check) => {
        try {
          return await check();
        } catch (e) {
          return { name: 'check', ok: false, detail: e instanceof Error ? e.message : String(e) };
        }
      }),
    );
    const ok = checks.every((ch) => ch.ok);
    return c.json({ ok, checks }, ok ? 200 : 503);
  });
  app.notFound((c) =>
    c.json({ error: 'NotFound', message: `No route for ${c.req.method} ${c.req.path}` }, 404),
  );
  app.onError(errorHandler(deps.logger));
  return app;
}
