import type { Handler, SandboxRequest, SandboxResponse } from '../../shared/server.js';
import { jsonBody } from '../body.js';
import type { GhlContext } from '../context.js';
import { forbidden, notFound, unprocessable } from '../errors.js';
import type { ContactRecord } from '../types.js';
import { type Dto, type Json, validateDto } from '../validate.js';

export type Handlers = Record<string, Handler>;

export const ok = (body: unknown, status = 200): SandboxResponse => ({ status, body });

/** The JSON body validated against `dto`, or the 400/422 answer. */
export function readBody(req: SandboxRequest, dto: Dto): { body: Json } | { error: SandboxResponse } {
  const parsed = jsonBody(req);
  if ('error' in parsed) return parsed;
  const errors = validateDto(parsed.body, dto);
  return errors.length > 0 ? { error: unprocessable(errors) } : parsed;
}

/** A location id given by the caller must be the token's location. */
export function checkLocation(ctx: GhlContext, locationId: unknown): SandboxResponse | null {
  if (locationId === undefined || locationId === ctx.locationId) return null;
  return forbidden('The token does not have access to this location.');
}

/** The contact named by the `contactId` path parameter, or the "Contact not found" answer. */
export function contactParam(ctx: GhlContext, req: SandboxRequest): ContactRecord | SandboxResponse {
  const c = ctx.store.contacts.get(req.params.contactId ?? '');
  return c ?? notFound('Contact');
}

export function isAnswer(x: unknown): x is SandboxResponse {
  return (
    typeof x === 'object' &&
    x !== null &&
    'status' in x &&
    typeof (x as { status: unknown }).status === 'number'
  );
}

/** Query parameters that are numbers in strings ("25"): the value, or the 422 messages. */
export function queryNumber(
  query: URLSearchParams,
  name: string,
  opts: { default: number; min: number; max?: number },
): number | string[] {
  const raw = query.get(name);
  if (raw === null || raw === '') return opts.default;
  const n = Number(raw);
  if (!Number.isFinite(n) || !/^-?\d+(\.\d+)?$/.test(raw.trim()))
    return [`${name} must be a number conforming to the specified constraints`];
  if (n < opts.min) return [`${name} must not be less than ${opts.min}`];
  if (opts.max !== undefined && n > opts.max) return [`${name} must not be greater than ${opts.max}`];
  return Math.floor(n);
}

/** Full-text match used by the `query` parameters: name, email, phone, company. */
export function matchesQuery(rec: ContactRecord, q: string): boolean {
  const needle = q.trim().toLowerCase();
  if (!needle) return true;
  const hay = [
    rec.firstName,
    rec.lastName,
    `${rec.firstName ?? ''} ${rec.lastName ?? ''}`,
    rec.email,
    rec.phone,
    rec.companyName,
  ]
    .filter((x) => x)
    .join('\n')
    .toLowerCase();
  return hay.includes(needle);
}
