import type { SandboxRequest, SandboxResponse } from '../shared/server.js';
import { badRequest } from './errors.js';
import type { Json } from './validate.js';

/**
 * Reads a JSON request body the way GHL's NestJS servers do: without a JSON content type the body
 * is not parsed (validation then sees `{}`); a malformed JSON body is a 400; a body that is not an
 * object is a 400.
 */
export function jsonBody(req: SandboxRequest): { body: Json } | { error: SandboxResponse } {
  const type = String(req.headers['content-type'] ?? '').toLowerCase();
  if (req.rawBody.length === 0 || !type.includes('json')) return { body: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(req.rawBody.toString('utf8'));
  } catch (err) {
    return { error: badRequest(err instanceof Error ? err.message : 'Malformed JSON body') };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { error: badRequest('The request body must be a JSON object') };
  }
  return { body: parsed as Json };
}

/** Reads an `application/x-www-form-urlencoded` body (the OAuth endpoints). */
export function formBody(req: SandboxRequest): Record<string, string> {
  const type = String(req.headers['content-type'] ?? '').toLowerCase();
  if (!type.includes('application/x-www-form-urlencoded')) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(req.rawBody.toString('utf8'))) out[k] = v;
  return out;
}
