import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../log/logger.js';
import type { AppEnv } from '../server/app.js';

const QUIET = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * One log line per request: request id, method, path (no query string: it may carry codes or
 * tokens), status, duration and who called (session or token name, never a secret). Probes and
 * scrapes log at debug.
 */
export function requestLog(logger: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const auth = c.get('auth');
    const line = {
      requestId: c.get('requestId'),
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round(performance.now() - started),
      ...(auth ? { caller: auth.kind === 'token' ? `token:${auth.name}` : 'session' } : {}),
    };
    if (QUIET.has(c.req.path)) logger.debug(line, 'request');
    else logger.info(line, 'request');
  };
}
