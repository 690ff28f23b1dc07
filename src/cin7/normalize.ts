/**
 * Lenient readers for the loose data Cin7 Core sends (NOTES §2, §8): timestamps with or without a
 * zone and with 0–7 fraction digits, date-only and `dd/MM/yyyy` business dates, GUIDs in either
 * case, numbers that arrive as strings, and nulls almost anywhere. One parser for every date, so
 * watermarks, dedupe keys and comparisons agree.
 */
import { z } from 'zod';

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const DMY = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

/**
 * Parses any date or timestamp form Cin7 writes, to epoch milliseconds (UTC). A timestamp without
 * a zone is UTC (Cin7: "All date fields … specifying UTC"); a fraction of 1–9 digits is kept to the
 * millisecond (truncated); `2025-10-27` and `29/01/2018` (the tenant's `dd/MM/yyyy`) are midnight
 * UTC of that calendar day. Empty, null or unparseable values give null.
 *
 * @example
 * parseCin7Date('2018-01-30T06:07:43.46Z'); // Date.UTC(2018, 0, 30, 6, 7, 43, 460)
 * parseCin7Date('2018-02-07T07:22:37.21');  // the same instant form, read as UTC
 * parseCin7Date('29/01/2018');              // Date.UTC(2018, 0, 29)
 */
export function parseCin7Date(value: unknown): number | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.getTime();
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (text === '') return null;
  const iso = ISO.exec(text);
  if (iso) {
    const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone] = iso;
    const ms = Number(fraction.padEnd(3, '0').slice(0, 3));
    let t = utc(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s), ms);
    if (t === null) return null;
    if (zone && zone.toUpperCase() !== 'Z') {
      const sign = zone.startsWith('-') ? -1 : 1;
      const digits = zone.slice(1).replace(':', '');
      const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0');
      t -= sign * minutes * 60_000;
    }
    return t;
  }
  const dmy = DMY.exec(text);
  if (dmy) return utc(Number(dmy[3]), Number(dmy[2]), Number(dmy[1]), 0, 0, 0, 0);
  return null;
}

function utc(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number | null {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  const t = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const check = new Date(t);
  // 31/02 would roll over into March: not a date.
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null;
  return t;
}

/**
 * The calendar date (`yyyy-MM-dd`) of a business date such as `OrderDate` (`2017-09-29T00:00:00`),
 * `Sale/Created`'s `2025-10-27` or a payment's `29/01/2018`, read as written: never shifted by a
 * zone (Cin7 writes business dates in the tenant's own calendar).
 *
 * @example
 * cin7CalendarDate('2017-09-29T00:00:00'); // '2017-09-29'
 * cin7CalendarDate('05/06/2018');          // '2018-06-05'
 */
export function cin7CalendarDate(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const text = value.trim();
  const iso = ISO.exec(text);
  if (iso && !iso[8] && utc(Number(iso[1]), Number(iso[2]), Number(iso[3]), 0, 0, 0, 0) !== null)
    return `${iso[1]}-${iso[2]}-${iso[3]}`;
  const t = parseCin7Date(text);
  return t === null ? null : new Date(t).toISOString().slice(0, 10);
}

/**
 * A date for a Cin7 query parameter (`ModifiedSince`, `UpdatedSince`, …): UTC, zone-less, whole
 * seconds, rounded down (the documented parameter form; rounding down never skips a change).
 *
 * @example
 * formatCin7Param(Date.UTC(2024, 4, 1, 10, 0, 0, 999)); // '2024-05-01T10:00:00'
 */
export function formatCin7Param(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19);
}

/** `ms` rounded down to the whole second, as `formatCin7Param` sends it. */
export function floorToSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

const GUID = /^\{?([0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12})\}?$/i;

/** True for a GUID in any case, with or without braces. */
export function isGuid(value: unknown): value is string {
  return typeof value === 'string' && GUID.test(value.trim());
}

/**
 * A GUID in the form REST answers use: lower case, hyphenated, no braces (webhooks send several in
 * upper case). Anything that is not a GUID is returned trimmed, unchanged.
 *
 * @example
 * normalizeGuid('91EE7B1D-7A2F-4D8C-9B0E-1F2A3B4C5D6E'); // '91ee7b1d-7a2f-4d8c-9b0e-1f2a3b4c5d6e'
 */
export function normalizeGuid(value: string): string {
  const m = GUID.exec(value.trim());
  if (!m) return value.trim();
  const hex = (m[1] as string).replace(/-/g, '').toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * A number from a number or a numeric string (`"1.0000"`, `" 12 "`, `"1e3"`); `""`, null and
 * undefined give null; anything else (including `"abc"`, NaN, Infinity) gives undefined, which the
 * schemas turn into a validation error.
 *
 * @example
 * toNumber('0.0000'); // 0
 * toNumber('');       // null
 */
export function toNumber(value: unknown): number | null | undefined {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string') {
    const text = value.trim();
    if (text === '') return null;
    if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) return undefined;
    return Number(text);
  }
  return undefined;
}

/** A boolean from `true`/`false`, `"true"`/`"false"` (any case) or `1`/`0`; null when absent. */
export function toBoolean(value: unknown): boolean | null | undefined {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === '1') return true;
  if (value === 0 || value === '0') return false;
  if (typeof value === 'string') {
    const t = value.trim().toLowerCase();
    if (t === 'true') return true;
    if (t === 'false') return false;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// zod building blocks (zod 4), used by ./schemas.ts

/** A string that may arrive as null, a number (`TaxNumber` is documented "Int") or be absent: null when empty-ish. */
export const looseString = z
  .union([z.string(), z.number(), z.boolean(), z.null()])
  .optional()
  .transform((v) => (v === null || v === undefined ? null : String(v)));

/** A required string (the record is useless without it); numbers are accepted and turned into strings. */
export const requiredString = z.union([z.string(), z.number()]).transform((v) => String(v));

/** A number, a numeric string, or null/absent (→ null). */
export const looseNumber = z
  .unknown()
  .optional()
  .transform((v, ctx) => {
    const n = toNumber(v);
    if (n === undefined) {
      ctx.addIssue({ code: 'custom', message: `expected a number, got ${JSON.stringify(v)}` });
      return z.NEVER;
    }
    return n;
  });

/** A boolean in any of Cin7's spellings, or null/absent (→ null). */
export const looseBoolean = z
  .unknown()
  .optional()
  .transform((v, ctx) => {
    const b = toBoolean(v);
    if (b === undefined) {
      ctx.addIssue({ code: 'custom', message: `expected a boolean, got ${JSON.stringify(v)}` });
      return z.NEVER;
    }
    return b;
  });

/** A GUID normalised to lower case; required. */
export const guid = z.string().transform((v, ctx) => {
  if (!isGuid(v)) {
    ctx.addIssue({ code: 'custom', message: `expected a GUID, got ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  return normalizeGuid(v);
});

/** An optional GUID: null when absent or empty, lower case otherwise. */
export const looseGuid = z
  .unknown()
  .optional()
  .transform((v, ctx) => {
    if (v === null || v === undefined || v === '') return null;
    if (!isGuid(v)) {
      ctx.addIssue({ code: 'custom', message: `expected a GUID, got ${JSON.stringify(v)}` });
      return z.NEVER;
    }
    return normalizeGuid(v);
  });

/**
 * A timestamp as an ISO string in UTC with milliseconds (`2018-01-30T06:07:43.460Z`), whatever form
 * it came in; null when absent. An unparseable value is a validation error.
 */
export const looseTimestamp = z
  .unknown()
  .optional()
  .transform((v, ctx) => {
    if (v === null || v === undefined || v === '') return null;
    const t = parseCin7Date(v);
    if (t === null) {
      ctx.addIssue({ code: 'custom', message: `expected a date, got ${JSON.stringify(v)}` });
      return z.NEVER;
    }
    return new Date(t).toISOString();
  });

/** A business date as its calendar date `yyyy-MM-dd`; null when absent. */
export const looseCalendarDate = z
  .unknown()
  .optional()
  .transform((v, ctx) => {
    if (v === null || v === undefined || v === '') return null;
    const d = cin7CalendarDate(v);
    if (d === null) {
      ctx.addIssue({ code: 'custom', message: `expected a date, got ${JSON.stringify(v)}` });
      return z.NEVER;
    }
    return d;
  });

/** An array that may arrive as null or be absent (→ []). */
export function looseArray<T extends z.ZodType>(item: T) {
  return z
    .union([z.array(item), z.null()])
    .optional()
    .transform((v) => (v ?? []) as z.output<T>[]);
}
