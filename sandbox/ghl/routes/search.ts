import type { GhlContext } from '../context.js';
import { unprocessable } from '../errors.js';
import { SORT_FIELDS, type SortField, sortKey } from '../search-index.js';
import { type Predicate, checkFilters, compileFilters, eqCandidateKey } from '../search-filters.js';
import { searchContactOut } from '../serialize.js';
import { type SortKey, compareEntry } from '../sorted-index.js';
import type { ContactRecord } from '../types.js';
import type { Dto } from '../validate.js';
import { type Handlers, checkLocation, matchesQuery, ok, readBody } from './common.js';

/** GHL can reach at most this many records by `page`; beyond, `searchAfter` is required. */
export const MAX_PAGE_RECORDS = 10_000;

const SORT_ALIASES: Record<string, SortField> = {
  firstName: 'firstNameLowerCase',
  lastName: 'lastNameLowerCase',
};

const SEARCH_DTO: Dto = {
  locationId: { kind: 'string', required: true },
  pageLimit: { kind: 'number', required: true, min: 1, max: 500, integer: true },
  page: { kind: 'number', min: 1, integer: true },
  searchAfter: {
    kind: 'array',
    check: (v, name) =>
      v.length === 2 && (typeof v[0] === 'number' || typeof v[0] === 'string') && typeof v[1] === 'string'
        ? []
        : [
            `${name} must be the searchAfter array of the last contact of the previous page ([sort value, id])`,
          ],
  },
  filters: { kind: 'array', check: (v, name) => checkFilters(v, name) },
  sort: {
    kind: 'array',
    check: (v, name) => {
      if (v.length > 1) return [`${name} supports one sort field in the sandbox (see sandbox/ghl/README.md)`];
      const out: string[] = [];
      v.forEach((s, i) => {
        const o = (s ?? {}) as Record<string, unknown>;
        const field = typeof o.field === 'string' ? (SORT_ALIASES[o.field] ?? o.field) : '';
        if (!(SORT_FIELDS as readonly string[]).includes(field))
          out.push(`${name}.${i}.field must be one of the following values: ${SORT_FIELDS.join(', ')}`);
        if (o.direction !== 'asc' && o.direction !== 'desc')
          out.push(`${name}.${i}.direction must be one of the following values: asc, desc`);
      });
      return out;
    },
  },
  query: { kind: 'string', maxLength: 75 },
};

/** `POST /contacts/search`: reads the lagged search index through a maintained sorted index. */
export function searchRoutes(ctx: GhlContext): Handlers {
  // Totals of filtered searches, valid while the index version does not change.
  let totalCache: { version: number; key: string; total: number } | null = null;

  return {
    'ghl.contacts.search': (req) => {
      const read = readBody(req, SEARCH_DTO);
      if ('error' in read) return read.error;
      const body = read.body;
      const denied = checkLocation(ctx, body.locationId);
      if (denied) return denied;
      const pageLimit = body.pageLimit as number;
      const page = body.page as number | undefined;
      const cursor = body.searchAfter as [SortKey, string] | undefined;
      if (page !== undefined && cursor !== undefined)
        return unprocessable(['page and searchAfter cannot be used together: send searchAfter alone']);
      if (page !== undefined && page * pageLimit > MAX_PAGE_RECORDS)
        return unprocessable([
          `page × pageLimit must not exceed ${MAX_PAGE_RECORDS} records: read further with searchAfter`,
        ]);
      const sortSpec = (body.sort as { field: string; direction: 'asc' | 'desc' }[] | undefined)?.[0];
      const field: SortField = sortSpec
        ? (SORT_ALIASES[sortSpec.field] ?? (sortSpec.field as SortField))
        : 'dateAdded';
      const asc = sortSpec ? sortSpec.direction === 'asc' : false;
      const numericSort = field === 'dateAdded' || field === 'dateUpdated';
      let after: { key: SortKey; id: string } | null = null;
      if (cursor) {
        let key = cursor[0];
        if (numericSort && typeof key === 'string' && /^\d+$/.test(key)) key = Number(key);
        if (numericSort !== (typeof key === 'number'))
          return unprocessable([
            `searchAfter.0 must be a ${numericSort ? 'number' : 'string'} when sorting by ${field}`,
          ]);
        after = { key, id: cursor[1] };
      }

      const index = ctx.store.search;
      index.catchUp(ctx.now());
      const filters = (body.filters as unknown[] | undefined) ?? [];
      const query = (body.query as string | undefined) ?? '';
      const preds: Predicate[] = [];
      if (filters.length > 0) preds.push(compileFilters(filters));
      if (query.trim()) preds.push((c) => matchesQuery(c, query));
      const pred: Predicate | null = preds.length === 0 ? null : (c) => preds.every((p) => p(c));
      const skip = page ? (page - 1) * pageLimit : 0;
      const results: ContactRecord[] = [];
      let total: number;

      const candidateKey = eqCandidateKey(filters);
      if (candidateKey) {
        const ids =
          candidateKey.field === 'id'
            ? index.docs.has(candidateKey.value)
              ? [candidateKey.value]
              : []
            : [...(candidateKey.field === 'email' ? index.byEmail : index.byPhone).get(candidateKey.value)];
        const matched = ids
          .map((id) => index.docs.get(id) as ContactRecord)
          .filter((c) => !pred || pred(c))
          .sort((a, b) => (asc ? 1 : -1) * compareEntry(sortKey(a, field), a.id, sortKey(b, field), b.id));
        total = matched.length;
        const rest = after
          ? matched.filter(
              (c) => (asc ? 1 : -1) * compareEntry(sortKey(c, field), c.id, after.key, after.id) > 0,
            )
          : matched;
        results.push(...rest.slice(skip, skip + pageLimit));
      } else {
        const idx = index.index(field);
        const entries = idx.entries;
        let pos: number;
        if (asc) pos = after ? idx.upperBound(after.key, after.id) : 0;
        else pos = (after ? idx.lowerBound(after.key, after.id) : entries.length) - 1;
        const step = asc ? 1 : -1;
        let toSkip = skip;
        while (pos >= 0 && pos < entries.length && results.length < pageLimit) {
          const rec = index.docs.get((entries[pos] as { id: string }).id) as ContactRecord;
          pos += step;
          if (pred && !pred(rec)) continue;
          if (toSkip > 0) toSkip--;
          else results.push(rec);
        }
        if (!pred) total = index.docs.size;
        else {
          const key = JSON.stringify([filters, query]);
          if (totalCache && totalCache.version === index.version && totalCache.key === key)
            total = totalCache.total;
          else {
            total = 0;
            for (const rec of index.docs.values()) if (pred(rec)) total++;
            totalCache = { version: index.version, key, total };
          }
        }
      }

      const businessName = (c: ContactRecord): string | undefined =>
        c.businessId ? ctx.store.businesses.get(c.businessId)?.name : undefined;
      return ok({
        contacts: results.map((c) => searchContactOut(c, sortKey(c, field), businessName(c))),
        total,
      });
    },
  };
}
