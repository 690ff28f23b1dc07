/**
 * Finding the GHL contact an unlinked Cin7 contact already is: by email, then by E.164 phone.
 *
 * - Initial or full sync (`PrefetchMatcher`): every GHL contact read once by search pages of 500,
 *   indexed in memory; no call per record.
 * - Incremental sync (`LookupMatcher`): the duplicate lookup (`GET /contacts/search/duplicate`), by
 *   email, then by number.
 *
 * A phone is shared far more often than an email (a company switchboard, a family line), so a
 * contact found by phone only counts as the same person when nothing contradicts it: the GHL
 * contact has no other email, and its name (when it has one) is the Cin7 contact's name. Otherwise
 * the phone is only reported as held by someone else, so the engine never writes it to a second
 * contact (GHL refuses duplicate phones, and an upsert carrying it would match the other person).
 */
import type { GhlClient } from '../../ghl/client.js';
import type { GhlSearchContact } from '../../ghl/types.js';
import {
  type GhlContactLike,
  type MappedContact,
  normalizeEmail,
  normalizeText,
  toE164,
} from '../mapping/index.js';
import { PREFETCH_PAGE } from './tally.js';

/** A GHL contact as found (a search hit or a duplicate-lookup answer), with its id. */
export type FoundContact = GhlContactLike & { id: string };

export interface MatchOutcome {
  candidate: FoundContact | null;
  by: 'email' | 'phone' | null;
  /** A GHL contact other than the candidate that holds this contact's phone (never write it there). */
  phoneHeldBy: string | null;
}

export interface Matcher {
  readonly mode: 'prefetch' | 'lookup';
  find(c: MappedContact, signal?: AbortSignal): Promise<MatchOutcome>;
  /**
   * The GHL contacts known to hold `phone` (an upsert carrying only a phone matches one of them):
   * from the prefetch, or the duplicate lookup (its oldest holder only).
   */
  phoneHolders(phone: string, signal?: AbortSignal): Promise<string[]>;
}

/** A search hit as the mapping reads contacts: search answers `address`, not `address1`. */
export function asContact(hit: GhlSearchContact | FoundContact): FoundContact {
  const c = { ...(hit as Record<string, unknown>) } as FoundContact;
  const address = (hit as { address?: unknown }).address;
  if (c.address1 === undefined && typeof address === 'string') c.address1 = address;
  return c;
}

/** The email of a GHL contact as compared (lower-case), or null. */
export function ghlEmail(c: GhlContactLike): string | null {
  const e = normalizeEmail(c.email);
  return 'value' in e ? e.value : null;
}

/** The phone of a GHL contact as compared (E.164: GHL stores it so), or null. */
export function ghlPhone(c: GhlContactLike, region: string): string | null {
  if (typeof c.phone !== 'string' || c.phone.trim() === '') return null;
  const e164 = toE164(c.phone, region);
  return 'value' in e164 ? e164.value : c.phone.trim();
}

function fullName(first: unknown, last: unknown): string {
  return [normalizeText(first), normalizeText(last)]
    .filter((p): p is string => p !== null)
    .join(' ')
    .toLowerCase();
}

/**
 * Whether a GHL contact holding the Cin7 contact's phone is the same person: no other email, and
 * the same name when it has one.
 */
export function samePersonByPhone(hit: GhlContactLike, c: MappedContact): boolean {
  const email = ghlEmail(hit);
  if (email !== null && c.identity.email !== null && email !== c.identity.email) return false;
  const theirs = fullName(hit.firstName, hit.lastName);
  if (theirs === '') return true;
  const ours = fullName(c.fields.firstName ?? null, c.fields.lastName ?? null);
  return ours === '' || ours === theirs;
}

/** Every GHL contact of the location read once (search pages of 500), indexed by email and phone. */
export class PrefetchMatcher implements Matcher {
  readonly mode = 'prefetch' as const;
  readonly #byEmail = new Map<string, FoundContact>();
  /** Every holder of a phone (GHL can hold duplicates: imports, or a location allowing them). */
  readonly #byPhone = new Map<string, FoundContact[]>();
  readonly #region: string;
  /** Contacts read. */
  count = 0;

  constructor(region: string) {
    this.#region = region;
  }

  /**
   * Reads every contact of the location.
   *
   * @example
   * const matcher = await PrefetchMatcher.load(ghl, mapping.defaults.phoneRegion);
   */
  static async load(
    ghl: GhlClient,
    region: string,
    options: { signal?: AbortSignal; onPage?: (read: number, total: number) => void } = {},
  ): Promise<PrefetchMatcher> {
    const m = new PrefetchMatcher(region);
    const pages = ghl.searchContactPages(
      { pageLimit: PREFETCH_PAGE },
      options.signal ? { signal: options.signal } : {},
    );
    for await (const page of pages) {
      for (const hit of page.contacts) m.add(asContact(hit));
      options.onPage?.(m.count, page.total);
    }
    return m;
  }

  /** Adds one contact to the index (the oldest holder of an identity wins, as GHL's rule keeps it). */
  add(contact: FoundContact): void {
    this.count++;
    const email = ghlEmail(contact);
    if (email !== null && !this.#byEmail.has(email)) this.#byEmail.set(email, contact);
    const phone = ghlPhone(contact, this.#region);
    if (phone !== null) {
      const list = this.#byPhone.get(phone);
      if (list) list.push(contact);
      else this.#byPhone.set(phone, [contact]);
    }
  }

  async find(c: MappedContact): Promise<MatchOutcome> {
    const byEmail = c.identity.email ? this.#byEmail.get(c.identity.email) : undefined;
    const holders = c.identity.phone ? (this.#byPhone.get(c.identity.phone) ?? []) : [];
    if (byEmail) {
      const other = holders.find((h) => h.id !== byEmail.id);
      return { candidate: byEmail, by: 'email', phoneHeldBy: other ? other.id : null };
    }
    if (holders.length > 0) {
      const same = holders.find((h) => samePersonByPhone(h, c));
      if (same) {
        const other = holders.find((h) => h.id !== same.id);
        return { candidate: same, by: 'phone', phoneHeldBy: other ? other.id : null };
      }
      return { candidate: null, by: null, phoneHeldBy: (holders[0] as FoundContact).id };
    }
    return { candidate: null, by: null, phoneHeldBy: null };
  }

  async phoneHolders(phone: string): Promise<string[]> {
    return (this.#byPhone.get(phone) ?? []).map((h) => h.id);
  }
}

/**
 * The duplicate lookup, per record (incremental syncs): by email, then by number. It reads GHL's
 * search index, which lags writes; contacts this product wrote are known from the links table.
 */
export class LookupMatcher implements Matcher {
  readonly mode = 'lookup' as const;
  readonly #ghl: GhlClient;

  constructor(ghl: GhlClient) {
    this.#ghl = ghl;
  }

  async find(c: MappedContact, signal?: AbortSignal): Promise<MatchOutcome> {
    if (c.identity.email) {
      const hit = await this.#ghl.findDuplicate({ email: c.identity.email }, signal);
      if (hit?.id && ghlEmail(hit) === c.identity.email) {
        return { candidate: asContact(hit as FoundContact), by: 'email', phoneHeldBy: null };
      }
    }
    if (c.identity.phone) {
      const hit = await this.#ghl.findDuplicate({ number: c.identity.phone }, signal);
      if (hit?.id) {
        const found = asContact(hit as FoundContact);
        return samePersonByPhone(found, c)
          ? { candidate: found, by: 'phone', phoneHeldBy: null }
          : { candidate: null, by: null, phoneHeldBy: found.id };
      }
    }
    return { candidate: null, by: null, phoneHeldBy: null };
  }

  async phoneHolders(phone: string, signal?: AbortSignal): Promise<string[]> {
    const hit = await this.#ghl.findDuplicate({ number: phone }, signal);
    return hit?.id ? [hit.id] : [];
  }
}
