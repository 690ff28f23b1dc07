/**
 * The list endpoints as async iterators, one page per call. Each stops on an empty or short page,
 * when the total is reached, or after `maxPages`; none ever loops on a cursor that did not move.
 */
import type { BusinessContactsQuery, ContactsListQuery, GhlClient } from './client.js';
import { nextListCursor } from './read.js';
import type {
  BusinessContactsPage,
  ContactsListPage,
  GhlBusiness,
  GhlTask,
  SearchContactsInput,
  SearchContactsPage,
} from './types.js';

export interface PageOptions {
  /** Stop after this many pages (default: no limit). */
  maxPages?: number;
  signal?: AbortSignal;
}

/** GHL allows `page × pageLimit` up to 10,000 only; beyond that the cursor is required. */
const PAGE_WINDOW = 10_000;

/**
 * `POST /contacts/search`, every page, by the last contact's `searchAfter`. If an answer carries no
 * cursor, falls back to `page` numbers (GHL reaches 10,000 records that way).
 *
 * @example
 * for await (const page of searchContactPages(ghl, { pageLimit: 500 })) for (const c of page.contacts) ...
 */
export async function* searchContactPages(
  client: GhlClient,
  input: Omit<SearchContactsInput, 'pageLimit' | 'page' | 'searchAfter' | 'locationId'> & {
    locationId?: string;
    pageLimit?: number;
  },
  options: PageOptions = {},
): AsyncGenerator<SearchContactsPage> {
  const pageLimit = Math.min(500, Math.max(1, Math.trunc(input.pageLimit ?? 500)));
  let searchAfter: Array<string | number> | undefined;
  let pageNumber: number | undefined;
  let seen = 0;
  let lastKey = '';
  for (let n = 0; options.maxPages === undefined || n < options.maxPages; n++) {
    const page = await client.searchContacts(
      {
        ...input,
        pageLimit,
        ...(searchAfter ? { searchAfter } : {}),
        ...(pageNumber !== undefined ? { page: pageNumber } : {}),
      },
      options.signal,
    );
    if (page.contacts.length === 0) return;
    yield page;
    seen += page.contacts.length;
    if (page.contacts.length < pageLimit || seen >= page.total) return;
    const last = page.contacts[page.contacts.length - 1]!;
    if (Array.isArray(last.searchAfter) && last.searchAfter.length > 0) {
      const key = JSON.stringify(last.searchAfter);
      if (key === lastKey) return;
      lastKey = key;
      searchAfter = last.searchAfter;
      pageNumber = undefined;
    } else {
      pageNumber = (pageNumber ?? 1) + 1;
      if (pageNumber * pageLimit > PAGE_WINDOW) return;
      searchAfter = undefined;
    }
  }
}

/**
 * `GET /contacts/` (deprecated), every page, by `startAfter` + `startAfterId` from the answer's
 * `meta` (or, when GHL leaves it out, the last contact's `dateAdded` and `id`).
 */
export async function* contactListPages(
  client: GhlClient,
  q: Omit<ContactsListQuery, 'startAfter' | 'startAfterId'>,
  options: PageOptions = {},
): AsyncGenerator<ContactsListPage> {
  const limit = Math.min(100, Math.max(1, Math.trunc(q.limit ?? 100)));
  let cursor: { startAfter: number; startAfterId: string } | null = null;
  for (let n = 0; options.maxPages === undefined || n < options.maxPages; n++) {
    const page = await client.listContacts({ ...q, limit, ...(cursor ?? {}) }, options.signal);
    if (page.contacts.length === 0) return;
    yield page;
    const next = nextListCursor(page, limit);
    if (
      !next ||
      (cursor && next.startAfterId === cursor.startAfterId && next.startAfter === cursor.startAfter)
    )
      return;
    cursor = next;
  }
}

/** `GET /contacts/business/:businessId`, every page, by `skip`. */
export async function* businessContactPages(
  client: GhlClient,
  businessId: string,
  q: Omit<BusinessContactsQuery, 'skip'>,
  options: PageOptions = {},
): AsyncGenerator<BusinessContactsPage> {
  const limit = Math.min(100, Math.max(1, Math.trunc(Number(q.limit ?? 100))));
  let skip = 0;
  for (let n = 0; options.maxPages === undefined || n < options.maxPages; n++) {
    const page = await client.listContactsByBusiness(businessId, { ...q, limit, skip }, options.signal);
    if (page.contacts.length === 0) return;
    yield page;
    skip += page.contacts.length;
    if (page.contacts.length < limit || (page.count !== undefined && skip >= page.count)) return;
  }
}

/** `GET /businesses/`, every page, by `skip`. */
export async function* businessPages(
  client: GhlClient,
  q: { locationId?: string; limit?: number },
  options: PageOptions = {},
): AsyncGenerator<GhlBusiness[]> {
  const limit = Math.max(1, Math.trunc(q.limit ?? 100));
  let skip = 0;
  for (let n = 0; options.maxPages === undefined || n < options.maxPages; n++) {
    const page = await client.listBusinesses({ ...q, limit, skip }, options.signal);
    if (page.length === 0) return;
    yield page;
    skip += page.length;
    if (page.length < limit) return;
  }
}

/** `POST /locations/:locationId/tasks/search`, every page, by `skip`. */
export async function* taskSearchPages(
  client: GhlClient,
  input: Record<string, unknown> & { locationId?: string; limit?: number },
  options: PageOptions = {},
): AsyncGenerator<GhlTask[]> {
  const limit = Math.max(1, Math.trunc(input.limit ?? 100));
  let skip = 0;
  for (let n = 0; options.maxPages === undefined || n < options.maxPages; n++) {
    const page = await client.searchTasks({ ...input, limit, skip }, options.signal);
    if (page.length === 0) return;
    yield page;
    skip += page.length;
    if (page.length < limit) return;
  }
}
