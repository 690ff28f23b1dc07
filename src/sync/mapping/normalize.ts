/**
 * Normalisation shared by both directions: the same meaning must give the same value (and so the
 * same hash) whether it was read from Cin7 or from GHL.
 */
import { createHash } from 'node:crypto';
import type { FieldValue } from './types.js';

/**
 * Trimmed text with inner whitespace runs collapsed to one space; empty → null.
 *
 * @example
 * normalizeText('  Mary   Ann '); // 'Mary Ann'
 * normalizeText('   ');           // null
 */
export function normalizeText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return null;
  const text = String(value).replace(/\s+/g, ' ').trim();
  return text === '' ? null : text;
}

// The shape GHL's validator (class-validator `isEmail`) accepts in practice: local@domain.tld.
const EMAIL_RE =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,}$/;

/**
 * An email as compared and written: trimmed, lower-case. Null when empty; `{invalid}` when it is not
 * an address GHL would accept.
 *
 * @example
 * normalizeEmail(' Jane.Doe@Example.COM '); // { value: 'jane.doe@example.com' }
 * normalizeEmail('jane@');                   // { invalid: 'jane@' }
 */
export function normalizeEmail(value: unknown): { value: string | null } | { invalid: string } {
  const text = normalizeText(value);
  if (text === null) return { value: null };
  const lower = text.toLowerCase();
  if (lower.length > 254 || !EMAIL_RE.test(lower) || lower.includes('..') || lower.includes(' '))
    return { invalid: text };
  return { value: lower };
}

/** Canonical JSON of a field value: lists as given (transforms sort them), numbers as JSON numbers. */
function canonical(v: FieldValue): string {
  if (Array.isArray(v)) return JSON.stringify(v.map(String));
  if (typeof v === 'number') return JSON.stringify(Number.isFinite(v) ? v : null);
  return JSON.stringify(v);
}

/**
 * The short hash of a normalised field value: the first 16 hex digits of its sha256. Equal values
 * give equal hashes; an empty string and null hash alike (both mean "no value").
 *
 * @example
 * hashValue('jane@example.com') === hashValue('jane@example.com'); // true
 * hashValue('') === hashValue(null);                               // true
 */
export function hashValue(v: FieldValue): string {
  const value = v === '' || (Array.isArray(v) && v.length === 0) ? null : v;
  return createHash('sha256').update(canonical(value)).digest('hex').slice(0, 16);
}

/**
 * Hashes of every value of `fields`.
 *
 * @example
 * hashAll({ email: 'jo@example.com' }); // { email: hashValue('jo@example.com') }
 */
export function hashAll(fields: Record<string, FieldValue>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) out[k] = hashValue(v);
  return out;
}

/**
 * A tag as GHL keeps it: trimmed, inner whitespace collapsed, lower-case; empty → null.
 *
 * @example
 * normalizeTag('  VIP  Customer '); // 'vip customer'
 */
export function normalizeTag(tag: unknown): string | null {
  const text = normalizeText(tag);
  return text === null ? null : text.toLowerCase();
}

/**
 * Tags normalised and de-duplicated, in first-seen order.
 *
 * @example
 * normalizeTags(['VIP', ' vip ', 'Trade']); // ['vip', 'trade']
 */
export function normalizeTags(tags: readonly unknown[]): string[] {
  const out: string[] = [];
  for (const t of tags) {
    const v = normalizeTag(t);
    if (v !== null && !out.includes(v)) out.push(v);
  }
  return out;
}
