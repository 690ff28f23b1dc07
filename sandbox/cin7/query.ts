import { parseDateParam } from './clock.js';
import { badRequest } from './responses.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a GUID in either case (REST sends lower case, several webhooks upper case). */
export function isGuid(value: string): boolean {
  return GUID.test(value);
}

/**
 * Query parameters read the way ASP.NET binds them: names case-insensitive (`page` = `Page`), an
 * empty value meaning "not given", a value that does not convert answering 400.
 *
 * @example
 * const q = new Query(new URLSearchParams('page=2&limit=50')); q.int('Page', 1); // 2
 */
export class Query {
  private readonly values = new Map<string, string>();

  constructor(params: URLSearchParams) {
    for (const [k, v] of params) {
      const key = k.toLowerCase();
      if (!this.values.has(key)) this.values.set(key, v);
    }
  }

  /** The raw value, or undefined when absent or empty. */
  string(name: string): string | undefined {
    const v = this.values.get(name.toLowerCase());
    return v === undefined || v.trim() === '' ? undefined : v;
  }

  int(name: string, fallback: number): number {
    const v = this.string(name);
    if (v === undefined) return fallback;
    if (!/^[+-]?\d+$/.test(v.trim())) throw badRequest(`The value '${v}' is not valid for ${name}.`);
    return Number(v);
  }

  bool(name: string, fallback: boolean): boolean {
    const v = this.string(name);
    if (v === undefined) return fallback;
    const t = v.trim().toLowerCase();
    if (t === 'true') return true;
    if (t === 'false') return false;
    throw badRequest(`The value '${v}' is not valid for ${name}. Use true or false.`);
  }

  /** An optional boolean filter: undefined when not given. */
  optionalBool(name: string): boolean | undefined {
    return this.string(name) === undefined ? undefined : this.bool(name, false);
  }

  date(name: string): number | undefined {
    const v = this.string(name);
    if (v === undefined) return undefined;
    const t = parseDateParam(v);
    if (t === null)
      throw badRequest(
        `The value '${v}' is not valid for ${name}. Use ISO 8601 in UTC, e.g. 2024-05-01T10:00:00.`,
      );
    return t;
  }

  guid(name: string): string | undefined {
    const v = this.string(name);
    if (v === undefined) return undefined;
    if (!isGuid(v.trim())) throw badRequest(`The value '${v}' is not valid for ${name}. Expected a GUID.`);
    return v.trim().toLowerCase();
  }
}

export interface PageRequest {
  page: number;
  limit: number;
}

/**
 * Reads `Page`/`Limit`: defaults 1 and 100, minimum 1 (400 below), and a `Limit` above the cap the
 * server honours is silently lowered to it (the README explains why a cap, not an error).
 *
 * @example
 * readPage(new Query(new URLSearchParams('Limit=5000')), 1000); // { page: 1, limit: 1000 }
 */
export function readPage(q: Query, maxPageSize: number): PageRequest {
  const page = q.int('Page', 1);
  const limit = q.int('Limit', 100);
  if (page < 1) throw badRequest(`Page must be 1 or more, got ${page}.`);
  if (limit < 1) throw badRequest(`Limit must be between 1 and 1000, got ${limit}.`);
  return { page, limit: Math.min(limit, maxPageSize) };
}

/** The slice of `items` for a page. */
export function slicePage<T>(items: readonly T[], p: PageRequest): T[] {
  const start = (p.page - 1) * p.limit;
  return start >= items.length ? [] : items.slice(start, start + p.limit);
}
