import type { ContactRecord } from './types.js';
import { normalizePhone } from './validate.js';

/**
 * The filters of `POST /contacts/search`: `{field, operator, value}` or `{group: 'AND'|'OR',
 * filters}`, top level ANDed; operators as GHL documents them.
 */
export const FILTER_OPERATORS = [
  'eq',
  'not_eq',
  'contains',
  'not_contains',
  'exists',
  'not_exists',
  'range',
] as const;
type Operator = (typeof FILTER_OPERATORS)[number];

const DND = ['Call', 'Email', 'SMS', 'WhatsApp', 'GMB', 'FB'] as const;

type Getter = (c: ContactRecord) => string | number | boolean | readonly string[] | undefined;

const lower = (s: string | undefined): string | undefined => s?.toLowerCase();

export const FILTER_FIELDS: Record<string, Getter> = {
  id: (c) => c.id,
  email: (c) => lower(c.email),
  phone: (c) => c.phone,
  firstName: (c) => lower(c.firstName),
  firstNameLowerCase: (c) => lower(c.firstName),
  lastName: (c) => lower(c.lastName),
  lastNameLowerCase: (c) => lower(c.lastName),
  companyName: (c) => lower(c.companyName),
  businessId: (c) => c.businessId,
  tags: (c) => c.tags,
  followers: (c) => c.followers,
  dateAdded: (c) => c.dateAdded,
  dateUpdated: (c) => c.dateUpdated,
  dnd: (c) => c.dnd,
  address: (c) => lower(c.address1),
  city: (c) => lower(c.city),
  state: (c) => lower(c.state),
  country: (c) => lower(c.country),
  postalCode: (c) => lower(c.postalCode),
  source: (c) => lower(c.source),
  assignedTo: (c) => c.assignedTo,
  type: (c) => lower(c.type),
  'inboundDndSettings.all.status': (c) => c.inboundDndSettings?.all?.status,
  ...Object.fromEntries(
    DND.map((ch) => [`dndSettings.${ch}.status`, (c: ContactRecord) => c.dndSettings?.[ch]?.status]),
  ),
};

const DATE_FIELDS = new Set(['dateAdded', 'dateUpdated']);

export type Predicate = (c: ContactRecord) => boolean;

/** Validates the filters; returns the 422 messages (empty when valid). */
export function checkFilters(filters: unknown[], name: string): string[] {
  const out: string[] = [];
  filters.forEach((f, i) => {
    const at = `${name}.${i}`;
    if (!f || typeof f !== 'object' || Array.isArray(f)) {
      out.push(`${at} must be an object`);
      return;
    }
    const o = f as Record<string, unknown>;
    if ('group' in o) {
      if (o.group !== 'AND' && o.group !== 'OR')
        out.push(`${at}.group must be one of the following values: AND, OR`);
      if (!Array.isArray(o.filters)) out.push(`${at}.filters must be an array`);
      else out.push(...checkFilters(o.filters, `${at}.filters`));
      for (const k of Object.keys(o))
        if (k !== 'group' && k !== 'filters') out.push(`property ${at}.${k} should not exist`);
      return;
    }
    for (const k of Object.keys(o))
      if (!['field', 'operator', 'value'].includes(k)) out.push(`property ${at}.${k} should not exist`);
    if (typeof o.field !== 'string' || !(o.field in FILTER_FIELDS))
      out.push(`${at}.field must be one of the following values: ${Object.keys(FILTER_FIELDS).join(', ')}`);
    if (typeof o.operator !== 'string' || !(FILTER_OPERATORS as readonly string[]).includes(o.operator)) {
      out.push(`${at}.operator must be one of the following values: ${FILTER_OPERATORS.join(', ')}`);
      return;
    }
    const op = o.operator as Operator;
    if (op === 'range') {
      const v = o.value as Record<string, unknown> | undefined;
      const keys = v && typeof v === 'object' && !Array.isArray(v) ? Object.keys(v) : [];
      if (keys.length === 0 || keys.some((k) => !['gt', 'gte', 'lt', 'lte'].includes(k)))
        out.push(`${at}.value must be an object with gt, gte, lt or lte for the range operator`);
    } else if (op !== 'exists' && op !== 'not_exists') {
      const v = o.value;
      const okScalar = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
      if (!okScalar) out.push(`${at}.value must be a string, number or boolean for the ${op} operator`);
    }
  });
  return out;
}

function toComparable(field: string, v: unknown): string | number | boolean | undefined {
  if (DATE_FIELDS.has(field)) {
    if (typeof v === 'number') return v;
    if (typeof v === 'string') {
      const n = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
      return Number.isNaN(n) ? undefined : n;
    }
    return undefined;
  }
  if (field === 'phone' && typeof v === 'string') return normalizePhone(v) ?? v;
  if (typeof v === 'string')
    return field === 'id' || field === 'businessId' || field === 'assignedTo' ? v : v.toLowerCase();
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  return undefined;
}

/** Compiles validated filters to one predicate (AND of the top level). */
export function compileFilters(filters: unknown[]): Predicate {
  const preds = filters.map((f) => compileOne(f as Record<string, unknown>));
  return (c) => preds.every((p) => p(c));
}

function compileOne(o: Record<string, unknown>): Predicate {
  if ('group' in o) {
    const inner = (o.filters as unknown[]).map((f) => compileOne(f as Record<string, unknown>));
    return o.group === 'OR' ? (c) => inner.some((p) => p(c)) : (c) => inner.every((p) => p(c));
  }
  const field = o.field as string;
  const get = FILTER_FIELDS[field] as Getter;
  const op = o.operator as Operator;
  const present = (v: ReturnType<Getter>): boolean =>
    v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0);
  switch (op) {
    case 'exists':
      return (c) => present(get(c));
    case 'not_exists':
      return (c) => !present(get(c));
    case 'eq':
    case 'not_eq': {
      const want = toComparable(field, o.value);
      const eq = (c: ContactRecord): boolean => {
        const v = get(c);
        return Array.isArray(v) ? v.includes(want as string) : v === want;
      };
      return op === 'eq' ? eq : (c) => !eq(c);
    }
    case 'contains':
    case 'not_contains': {
      const want = String(o.value).toLowerCase();
      const has = (c: ContactRecord): boolean => {
        const v = get(c);
        if (Array.isArray(v)) return v.some((x) => x.toLowerCase().includes(want));
        return v !== undefined && String(v).toLowerCase().includes(want);
      };
      return op === 'contains' ? has : (c) => !has(c);
    }
    case 'range': {
      const r = o.value as Record<string, unknown>;
      const b = {
        gt: r.gt === undefined ? undefined : toComparable(field, r.gt),
        gte: r.gte === undefined ? undefined : toComparable(field, r.gte),
        lt: r.lt === undefined ? undefined : toComparable(field, r.lt),
        lte: r.lte === undefined ? undefined : toComparable(field, r.lte),
      };
      return (c) => {
        const v = get(c);
        if (v === undefined || Array.isArray(v) || typeof v === 'boolean') return false;
        if (b.gt !== undefined && !(v > (b.gt as number | string))) return false;
        if (b.gte !== undefined && !(v >= (b.gte as number | string))) return false;
        if (b.lt !== undefined && !(v < (b.lt as number | string))) return false;
        if (b.lte !== undefined && !(v <= (b.lte as number | string))) return false;
        return true;
      };
    }
  }
}

/** A top-level `eq` on id, email or phone narrows the search to a few candidates (fast path). */
export function eqCandidateKey(
  filters: unknown[],
): { field: 'id' | 'email' | 'phone'; value: string } | null {
  for (const f of filters) {
    const o = f as Record<string, unknown>;
    if (o.operator === 'eq' && (o.field === 'id' || o.field === 'email' || o.field === 'phone')) {
      const v = toComparable(o.field, o.value);
      if (typeof v === 'string') return { field: o.field, value: v };
    }
  }
  return null;
}
