import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AppError } from '../errors/index.js';
import { ApiError } from '../http/errors.js';
import type { Logger } from '../log/logger.js';
import { redactValue } from '../log/redact.js';

/** The HTTP status for an error of our family. Vendor failures are a bad gateway, not our 500. */
export function statusOf(e: unknown): ContentfulStatusCode {
  if (e instanceof HTTPException) return e.status as ContentfulStatusCode;
  if (e instanceof ApiError) return 502;
  if (e instanceof AppError && e.httpStatus !== undefined) return e.httpStatus as ContentfulStatusCode;
  return 500;
}

/**
 * The one error handler: errors of our family become JSON with a clear message and hint; anything
 * else becomes a generic 500 whose details stay in the log (with the request id to find them).
 */
export function errorHandler(logger: Logger) {
  return (err: Error, c: Context): Response => {
    const status = statusOf(err);
    const requestId = c.res.headers.get('x-request-id') ?? c.req.header('x-request-id') ?? undefined;
    if (status >= 500) logger.error({ err, requestId, path: c.req.path }, 'request failed');
    else logger.info({ err, requestId, path: c.req.path }, 'request refused');
    if (err instanceof HTTPException) {
      return c.json({ error: 'HTTPException', message: err.message, requestId }, status);
    }
    if (err instanceof AppError) return c.json(redactValue({ ...err.toJSON(), requestId }), status);
    return c.json({ error: 'InternalError', message: 'Internal error; see the service log', requestId }, 500);
  };
}
