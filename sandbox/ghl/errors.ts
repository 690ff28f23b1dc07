import { randomUUID } from 'node:crypto';
import type { SandboxResponse } from '../shared/server.js';

/**
 * Error answers in GHL's shapes (`common-schemas.json` plus what real answers add: `error` and
 * `traceId`). The 422 `message` is an array; every other `message` is a string.
 */
export function traceId(): string {
  return randomUUID();
}

/** A bare 400, as GHL also uses for plain bad requests. */
export function badRequest(message: string, extra: Record<string, unknown> = {}): SandboxResponse {
  return {
    status: 400,
    body: { statusCode: 400, message, error: 'Bad Request', ...extra, traceId: traceId() },
  };
}

/** "Not found" is a 400 whose message says so (the sandbox's documented choice; see README). */
export function notFound(
  what: 'Contact' | 'Task' | 'Note' | 'Business' | 'Campaign' | 'Workflow',
): SandboxResponse {
  return badRequest(`${what} not found`);
}

export const INVALID_TOKEN = 'Invalid token: access token is invalid';
export const SCOPE_MESSAGE = 'The token is not authorized for this scope.';

export function unauthorized(message: string): SandboxResponse {
  return { status: 401, body: { statusCode: 401, message, error: 'Unauthorized', traceId: traceId() } };
}

export function forbidden(message: string): SandboxResponse {
  return { status: 403, body: { statusCode: 403, message, error: 'Forbidden', traceId: traceId() } };
}

export function unprocessable(messages: string[]): SandboxResponse {
  return {
    status: 422,
    body: { statusCode: 422, message: messages, error: 'Unprocessable Entity', traceId: traceId() },
  };
}

export function tooManyRequests(message: string): SandboxResponse {
  return { status: 429, body: { statusCode: 429, message, error: 'Too Many Requests', traceId: traceId() } };
}

/** OAuth token endpoint errors carry RFC 6749 `error` codes beside GHL's `statusCode`/`message`. */
export function oauthError(
  status: 400 | 401,
  code: 'invalid_grant' | 'invalid_client' | 'invalid_request' | 'unsupported_grant_type',
  description: string,
): SandboxResponse {
  return {
    status,
    body: {
      statusCode: status,
      message: description,
      error: code,
      error_description: description,
      traceId: traceId(),
    },
  };
}
