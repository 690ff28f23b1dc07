/**
 * Cin7's clock and the date formats it writes. The sandbox clock is the real clock plus a skew, so a
 * client cannot assume Cin7's "now" is its own. Times are kept at SQL Server `datetime` resolution
 * (1/300 s: milliseconds end in 0, 3 or 7), which is what makes Cin7 print 2 or 3 fraction digits.
 */

export class SandboxClock {
  constructor(public skewMs = 0) {}

  /** Sandbox "now" in ms, rounded to `datetime` resolution. */
  now(): number {
    return toSqlDatetime(Date.now() + this.skewMs);
  }
}

/** Rounds ms to SQL Server `datetime` ticks (…0, …3, …7 ms). */
export function toSqlDatetime(ms: number): number {
  const whole = Math.floor(ms / 1000) * 1000;
  const ticks = Math.round(((ms - whole) * 300) / 1000);
  return whole + Math.round((ticks * 1000) / 300);
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function fraction(ms: number): string {
  const f = ((ms % 1000) + 1000) % 1000;
  if (f === 0) return '';
  return `.${pad(f, 3).replace(/0+$/, '')}`;
}

function isoSeconds(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(
    d.getUTCMinutes(),
  )}:${pad(d.getUTCSeconds())}`;
}

/**
 * `LastModifiedOn` / `Updated` as REST answers write them: `2018-01-30T06:07:43.46Z` (fraction trimmed,
 * dropped when zero).
 *
 * @example
 * formatUtc(Date.UTC(2018, 0, 30, 6, 7, 43, 460)); // '2018-01-30T06:07:43.46Z'
 */
export function formatUtc(ms: number): string {
  return `${isoSeconds(ms)}${fraction(ms)}Z`;
}

/**
 * The zone-less form webhook payloads use: `2018-02-07T07:22:37.21`.
 *
 * @example
 * formatZoneless(Date.UTC(2018, 1, 7, 7, 22, 37, 210)); // '2018-02-07T07:22:37.21'
 */
export function formatZoneless(ms: number): string {
  return `${isoSeconds(ms)}${fraction(ms)}`;
}

/** Business dates in REST answers: `2017-09-29T00:00:00` (calendar date, no zone). */
export function formatBusinessDate(ms: number): string {
  return `${isoSeconds(ms).slice(0, 10)}T00:00:00`;
}

/** `2025-10-27` (Sale/Created's `SaleOrderDate`). */
export function formatDateOnly(ms: number): string {
  return isoSeconds(ms).slice(0, 10);
}

/** `29/01/2018` (payment webhooks, the tenant's date format). */
export function formatDayMonthYear(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
}

/** Seven fraction digits, as payment `DateCreated` shows (`2017-11-22T06:58:21.8882229Z`). */
export function formatUtcTicks(ms: number): string {
  return `${isoSeconds(ms)}.${pad(((ms % 1000) + 1000) % 1000, 3)}0000Z`;
}

/** Building a DateTimeFormat costs far more than using one: keep one per zone. */
const dayFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * The tenant-local calendar day holding `ms`, as ms at UTC midnight of that date (how the sandbox
 * keeps business dates such as `OrderDate`).
 *
 * @example
 * tenantDay(Date.UTC(2024, 0, 1, 3), 'America/New_York'); // Date.UTC(2023, 11, 31)
 */
export function tenantDay(ms: number, timeZone: string): number {
  let format = dayFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    dayFormats.set(timeZone, format);
  }
  const parts = format.format(new Date(ms)).split('-').map(Number);
  return Date.UTC(parts[0] ?? 1970, (parts[1] ?? 1) - 1, parts[2] ?? 1);
}

const DATE_PARAM =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Parses a date query parameter as Cin7 accepts it: ISO 8601, zone-less meaning UTC, date-only
 * meaning midnight UTC. Returns null when it is not a date.
 *
 * @example
 * parseDateParam('2024-05-01T10:00:00'); // Date.UTC(2024, 4, 1, 10)
 */
export function parseDateParam(value: string): number | null {
  const m = DATE_PARAM.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', f = '', zone] = m;
  const ms = Number(`0.${f || '0'}`) * 1000;
  let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Math.round(ms));
  const check = new Date(t);
  if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d)) return null;
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
  }
  return Number.isFinite(t) ? t : null;
}
