/**
 * The transforms between Cin7 values and GHL values, in three parts: Cin7 → GHL (`forward`), a
 * GHL value read back into the same normal form (`fromGhl`), and GHL → Cin7 (`reverse`). For every
 * transform, `fromGhl(forward(x))` equals `forward(x)`: what was written hashes the same when read.
 */
import { countryToIso, isoToCountryName } from './country.js';
import { normalizeEmail, normalizeText } from './normalize.js';
import { toE164 } from './phone.js';
import type { FieldValue, TransformName } from './types.js';

export const TRANSFORMS: readonly TransformName[] = [
  'text',
  'firstName',
  'lastName',
  'email',
  'phone',
  'country',
  'consentToDnd',
  'number',
  'list',
];

/** The GHL standard fields a mapping may fill, with the transforms each accepts (first = default). */
export const GHL_FIELDS: Record<string, readonly TransformName[]> = {
  firstName: ['firstName', 'text', 'lastName'],
  lastName: ['lastName', 'text', 'firstName'],
  email: ['email'],
  phone: ['phone'],
  address1: ['text'],
  city: ['text'],
  state: ['text'],
  postalCode: ['text'],
  country: ['country'],
  companyName: ['text'],
  website: ['text'],
  dnd: ['consentToDnd'],
};

/** Transforms a custom field may use (first = default). */
export const CUSTOM_FIELD_TRANSFORMS: readonly TransformName[] = [
  'text',
  'number',
  'list',
  'firstName',
  'lastName',
  'email',
  'phone',
  'country',
];

export interface TransformContext {
  /** ISO-2 region for phones without a country code. */
  phoneRegion: string;
}

/** The outcome of a forward transform: a value, an invalid input (email/phone), or a value left out. */
export type Forward = { value: FieldValue } | { invalid: string } | { value: null; warning: string };

/** MarketingConsent: 1 Unknown, 2 Opt in, 3 Opt out. */
const CONSENT_OPT_IN = 2;
const CONSENT_OPT_OUT = 3;

function splitName(raw: unknown): { first: string | null; last: string | null } {
  const name = normalizeText(raw);
  if (name === null) return { first: null, last: null };
  const space = name.indexOf(' ');
  return space < 0
    ? { first: name, last: null }
    : { first: name.slice(0, space), last: normalizeText(name.slice(space + 1)) };
}

function toNumberValue(raw: unknown): number | null | undefined {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : undefined;
  const text = normalizeText(raw);
  if (text === null) return null;
  const cleaned = text.replace(/,/g, '');
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(cleaned)) return undefined;
  return Number(cleaned);
}

function toList(raw: unknown): string[] | null {
  const items = Array.isArray(raw)
    ? raw
    : typeof raw === 'string'
      ? raw.split(',')
      : raw == null
        ? []
        : [raw];
  const out: string[] = [];
  for (const item of items) {
    const v = normalizeText(item);
    if (v !== null && !out.includes(v)) out.push(v);
  }
  out.sort();
  return out.length === 0 ? null : out;
}

/**
 * A Cin7 value → the GHL value, normalised.
 *
 * @example
 * forward('phone', '(212) 555-0100', { phoneRegion: 'US' }); // { value: '+12125550100' }
 * forward('consentToDnd', 3, ctx);                           // { value: true }
 */
export function forward(name: TransformName, raw: unknown, ctx: TransformContext): Forward {
  switch (name) {
    case 'text':
      return { value: normalizeText(raw) };
    case 'firstName':
      return { value: splitName(raw).first };
    case 'lastName':
      return { value: splitName(raw).last };
    case 'email': {
      const e = normalizeEmail(raw);
      return 'invalid' in e ? { invalid: e.invalid } : { value: e.value };
    }
    case 'phone': {
      const p = toE164(raw, ctx.phoneRegion);
      return 'invalid' in p ? { invalid: p.invalid } : { value: p.value };
    }
    case 'country': {
      const text = normalizeText(raw);
      if (text === null) return { value: null };
      const iso = countryToIso(text);
      return iso ? { value: iso } : { value: null, warning: `unknown country "${text}" left out` };
    }
    case 'consentToDnd': {
      const n = toNumberValue(raw);
      return { value: n === CONSENT_OPT_OUT ? true : n === CONSENT_OPT_IN ? false : null };
    }
    case 'number': {
      const n = toNumberValue(raw);
      return n === undefined
        ? { value: null, warning: `"${String(raw)}" is not a number, left out` }
        : { value: n };
    }
    case 'list':
      return { value: toList(raw) };
  }
}

/**
 * A value as GHL returns it → the same normal form `forward` gives (so their hashes compare).
 *
 * @example
 * fromGhl('email', 'Jane@Example.com', ctx); // 'jane@example.com'
 * fromGhl('country', 'us', ctx);             // 'US'
 */
export function fromGhl(name: TransformName, raw: unknown, ctx: TransformContext): FieldValue {
  switch (name) {
    case 'text':
    case 'firstName':
    case 'lastName':
      return normalizeText(raw);
    case 'email': {
      const e = normalizeEmail(raw);
      return 'invalid' in e ? e.invalid.toLowerCase() : e.value;
    }
    case 'phone': {
      const p = toE164(raw, ctx.phoneRegion);
      return 'invalid' in p ? p.invalid : p.value;
    }
    case 'country': {
      const text = normalizeText(raw);
      if (text === null) return null;
      return countryToIso(text) ?? text.toUpperCase();
    }
    case 'consentToDnd':
      return typeof raw === 'boolean' ? raw : raw === 'true' ? true : raw === 'false' ? false : null;
    case 'number': {
      const n = toNumberValue(raw);
      return n === undefined ? null : n;
    }
    case 'list':
      return toList(raw);
  }
}

/**
 * A normalised GHL value → the value to write into the Cin7 field; `undefined` means "write
 * nothing" (dnd unknown). `firstName`/`lastName` are joined by the caller (both halves of one Name).
 *
 * @example
 * reverse('country', 'GB');       // 'United Kingdom'
 * reverse('consentToDnd', true);  // 3
 * reverse('list', ['a', 'b']);    // 'a,b'
 */
export function reverse(name: TransformName, value: FieldValue): unknown {
  switch (name) {
    case 'country':
      return typeof value === 'string' ? (isoToCountryName(value) ?? value) : null;
    case 'consentToDnd':
      return value === true ? CONSENT_OPT_OUT : value === false ? CONSENT_OPT_IN : undefined;
    case 'list':
      return Array.isArray(value) ? value.join(',') : value;
    default:
      return value;
  }
}
