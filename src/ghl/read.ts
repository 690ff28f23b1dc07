/**
 * Tolerant readers for the answers the spec leaves open or gets wrong: they accept every shape seen
 * or documented, never throw on an extra or missing optional field, and fail only when the answer
 * cannot be used at all (then the HTTP layer turns the throw into a `BadResponseError`).
 */
import type {
  BusinessContactsPage,
  ContactsListMeta,
  ContactsListPage,
  GhlContact,
  GhlContactListItem,
  GhlSearchContact,
  SearchContactsPage,
} from './types.js';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function objectBody(body: unknown, what: string): Obj {
  if (!isObj(body)) throw new Error(`${what}: expected a JSON object, got ${describe(body)}`);
  return body;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v;
}

/** The items of a list that have the expected kind (objects by default); others are skipped. */
function arrayOf<T>(v: unknown, what: string, keep: (item: unknown) => boolean = isObj): T[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new Error(`${what}: expected an array, got ${describe(v)}`);
  return v.filter(keep) as T[];
}

/** Keeps the string items of a list (tags, follower ids). */
export const strings = (item: unknown): boolean => typeof item === 'string';

const num = (v: unknown): number | undefined => {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
};

/**
 * `POST /contacts/search`: `{contacts, total}` (the `history/` spec). `total` missing → the page length.
 *
 * @example
 * readSearchPage({ contacts: [{ id: 'a', searchAfter: [1, 'a'] }], total: 1 })
 */
export function readSearchPage(body: unknown): SearchContactsPage {
  const b = objectBody(body, 'contacts search answer');
  const contacts = arrayOf<GhlSearchContact>(b.contacts, 'contacts search answer .contacts');
  return { contacts, total: num(b.total) ?? num(b.count) ?? contacts.length };
}

/**
 * `GET /contacts/`: `{contacts, count?, meta?}`. `meta` is not in the response schema (the spec
 * defines `ContactsMetaSchema` without referencing it); when present its numbers may come as strings.
 */
export function readContactsList(body: unknown): ContactsListPage {
  const b = objectBody(body, 'contacts list answer');
  const contacts = arrayOf<GhlContactListItem>(b.contacts, 'contacts list answer .contacts');
  const page: ContactsListPage = { contacts };
  const count = num(b.count);
  if (count !== undefined) page.count = count;
  if (isObj(b.meta)) page.meta = readMeta(b.meta);
  return page;
}

function readMeta(m: Obj): ContactsListMeta {
  const meta: ContactsListMeta = {};
  const total = num(m.total);
  if (total !== undefined) meta.total = total;
  if (typeof m.nextPageUrl === 'string') meta.nextPageUrl = m.nextPageUrl;
  if (typeof m.startAfterId === 'string') meta.startAfterId = m.startAfterId;
  const startAfter = num(m.startAfter);
  if (startAfter !== undefined) meta.startAfter = startAfter;
  const currentPage = num(m.currentPage);
  if (currentPage !== undefined) meta.currentPage = currentPage;
  const nextPage = num(m.nextPage);
  if (nextPage !== undefined) meta.nextPage = nextPage;
  if (m.prevPage === null) meta.prevPage = null;
  else {
    const prevPage = num(m.prevPage);
    if (prevPage !== undefined) meta.prevPage = prevPage;
  }
  return meta;
}

/**
 * The cursor for the page after `page` of `GET /contacts/`: from `meta` (its fields, else its
 * `nextPageUrl`), else from the last contact (`id` and `dateAdded` in epoch ms); null at the end.
 */
export function nextListCursor(
  page: ContactsListPage,
  limit: number,
): { startAfter: number; startAfterId: string } | null {
  const meta = page.meta;
  if (meta) {
    if (meta.startAfterId && meta.startAfter !== undefined && (meta.nextPageUrl || meta.nextPage)) {
      return { startAfter: meta.startAfter, startAfterId: meta.startAfterId };
    }
    if (meta.nextPageUrl && URL.canParse(meta.nextPageUrl)) {
      const u = new URL(meta.nextPageUrl);
      const id = u.searchParams.get('startAfterId');
      const after = num(u.searchParams.get('startAfter'));
      if (id && after !== undefined) return { startAfter: after, startAfterId: id };
    }
    // A meta without a next page marks the last page.
    if (meta.nextPageUrl === undefined && meta.nextPage === undefined && meta.total !== undefined)
      return null;
  }
  if (page.contacts.length < limit) return null;
  const last = page.contacts[page.contacts.length - 1];
  const at = last && typeof last.dateAdded === 'string' ? Date.parse(last.dateAdded) : Number.NaN;
  if (!last?.id || Number.isNaN(at)) return null;
  return { startAfter: at, startAfterId: last.id };
}

/** `GET /contacts/business/:id`: `{contacts, count?}`. */
export function readBusinessContacts(body: unknown): BusinessContactsPage {
  const b = objectBody(body, 'business contacts answer');
  const contacts = arrayOf<GhlContactListItem>(b.contacts, 'business contacts answer .contacts');
  const count = num(b.count);
  return count === undefined ? { contacts } : { contacts, count };
}

/**
 * `GET /contacts/search/duplicate`: the spec documents no answer. Accepts `{contact: {...}}`,
 * `{contact: null}`, `{contacts: [...]}` (first one), a bare contact, or `{}`; the contact or null.
 */
export function readDuplicate(body: unknown): GhlContact | null {
  if (body === null || body === undefined || body === '') return null;
  const b = objectBody(body, 'duplicate contact answer');
  if (isObj(b.contact)) return b.contact as GhlContact;
  if (Array.isArray(b.contacts)) return (b.contacts.find(isObj) as GhlContact | undefined) ?? null;
  if (typeof b.id === 'string') return b as GhlContact;
  return null;
}

/** An answer that must be an object holding `key` (e.g. `{contact}`), returned as `T`. */
export function readKey<T>(key: string, what: string) {
  return (body: unknown): T => {
    const b = objectBody(body, what);
    if (!(key in b)) throw new Error(`${what}: the answer has no "${key}"`);
    return b[key] as T;
  };
}

/** An answer that must be a JSON object (any shape). */
export function readObject<T>(what: string) {
  return (body: unknown): T => objectBody(body, what) as T;
}

/** The list under `key` of an object answer (missing → empty); objects unless `keep` says otherwise. */
export function readList<T>(key: string, what: string, keep: (item: unknown) => boolean = isObj) {
  return (body: unknown): T[] => arrayOf<T>(objectBody(body, what)[key], `${what} .${key}`, keep);
}

/**
 * `POST /businesses/` and `PUT /businesses/:id` answer `{success, buiseness}` (sic, as the spec
 * spells it); `business` is accepted too, in case GHL fixes the spelling.
 */
export function readBusinessWrite<T>(body: unknown): T {
  const b = objectBody(body, 'business answer');
  const business = b.buiseness ?? b.business;
  if (!isObj(business)) throw new Error('business answer: no "buiseness" (or "business") object');
  return business as T;
}
