import { applyPatch } from '../contact-input.js';
import type { GhlContext } from '../context.js';
import { badRequest, notFound } from '../errors.js';
import { businessOut } from '../serialize.js';
import type { BusinessRecord } from '../types.js';
import type { Dto } from '../validate.js';
import { type Handlers, checkLocation, ok, queryNumber, readBody } from './common.js';

const FIELDS = [
  'phone',
  'email',
  'website',
  'address',
  'city',
  'postalCode',
  'state',
  'country',
  'description',
] as const;

const common: Dto = Object.fromEntries(
  FIELDS.map((f) => [f, { kind: 'string' as const, email: f === 'email' }]),
);
const CREATE_DTO: Dto = {
  name: { kind: 'string', required: true },
  locationId: { kind: 'string', required: true },
  ...common,
};
const UPDATE_DTO: Dto = { name: { kind: 'string', notEmpty: true }, ...common };

/** `apps/businesses.json`: get, list, create, update, delete. */
export function businessRoutes(ctx: GhlContext): Handlers {
  const pick = (body: Record<string, unknown>): Partial<Record<(typeof FIELDS)[number] | 'name', string>> => {
    const out: Partial<Record<(typeof FIELDS)[number] | 'name', string>> = {};
    for (const f of ['name', ...FIELDS] as const) if (typeof body[f] === 'string') out[f] = body[f] as string;
    return out;
  };

  return {
    'ghl.businesses.get': (req) => {
      const b = ctx.store.businesses.get(req.params.businessId ?? '');
      return b ? ok({ business: businessOut(b) }) : notFound('Business');
    },
    'ghl.businesses.list': (req) => {
      const locationId = req.query.get('locationId');
      const errors: string[] = [];
      if (!locationId) errors.push('locationId should not be empty', 'locationId must be a string');
      const limit = queryNumber(req.query, 'limit', { default: 100, min: 1 });
      const skip = queryNumber(req.query, 'skip', { default: 0, min: 0 });
      if (Array.isArray(limit)) errors.push(...limit);
      if (Array.isArray(skip)) errors.push(...skip);
      // The spec documents 200/400/401 for this list (no 422): bad parameters are bare 400s.
      if (errors.length > 0 || typeof limit !== 'number' || typeof skip !== 'number')
        return badRequest(errors.join('; '));
      const denied = checkLocation(ctx, locationId);
      if (denied) return denied;
      const all = [...ctx.store.businesses.values()].sort(
        (a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1),
      );
      return ok({ businesses: all.slice(skip, skip + limit).map(businessOut) });
    },
    'ghl.businesses.create': (req) => {
      const read = readBody(req, CREATE_DTO);
      if ('error' in read) return read.error;
      const denied = checkLocation(ctx, read.body.locationId);
      if (denied) return denied;
      const now = ctx.now();
      const b: BusinessRecord = {
        ...pick(read.body),
        id: ctx.ids.ghlId(),
        locationId: ctx.locationId,
        name: read.body.name as string,
        createdAt: now,
        updatedAt: now,
      };
      ctx.store.businesses.set(b.id, b);
      // "buiseness" (sic) is how the spec names it.
      return ok({ success: true, buiseness: businessOut(b) }, 201);
    },
    'ghl.businesses.update': (req) => {
      const before = ctx.store.businesses.get(req.params.businessId ?? '');
      if (!before) return notFound('Business');
      const read = readBody(req, UPDATE_DTO);
      if ('error' in read) return read.error;
      const b: BusinessRecord = { ...before, ...pick(read.body), updatedAt: ctx.now() };
      ctx.store.businesses.set(b.id, b);
      return ok({ success: true, buiseness: businessOut(b) });
    },
    'ghl.businesses.delete': (req) => {
      const b = ctx.store.businesses.get(req.params.businessId ?? '');
      if (!b) return notFound('Business');
      ctx.store.businesses.delete(b.id);
      for (const id of [...ctx.store.byBusiness.get(b.id)]) {
        const c = ctx.store.contacts.get(id);
        if (c) ctx.store.putContact(applyPatch(c, { businessId: null }, ctx.now()), ctx.visibleAt());
      }
      return ok({ success: true });
    },
  };
}
