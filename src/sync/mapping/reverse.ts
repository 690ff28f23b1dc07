/**
 * The GHL → Cin7 direction: a GHL contact read into the same field names and normal form as a
 * mapped Cin7 contact (so hashes compare, for drift and echo detection), and the Cin7 patch that
 * writes GHL-owned values back (issue 6 builds on it).
 */
import type { RawRecord } from '../../cin7/customer-merge.js';
import type { Cin7Customer } from '../../cin7/schemas.js';
import { AppError } from '../../errors/index.js';
import { hashAll, normalizeTag, normalizeTags } from './normalize.js';
import { chooseAddress } from './select.js';
import { fromGhl, reverse, type TransformContext } from './transforms.js';
import type {
  FieldSpec,
  FieldValue,
  GhlContactLike,
  GhlContactValues,
  MappingConfig,
  SourceRef,
} from './types.js';

/** The mapping cannot read a GHL contact as configured (e.g. custom field ids not resolved). */
export class MappingError extends AppError {
  constructor(message: string, hint: string) {
    super('mapping_invalid', message, { hint });
  }
}

function customValue(contact: GhlContactLike, spec: FieldSpec): unknown {
  const cf = spec.customField;
  if (!cf) return undefined;
  const items = Array.isArray(contact.customFields) ? contact.customFields : [];
  if (cf.id === null) {
    const byKey = items.find((i) => i.key === cf.key || i.key === `contact.${cf.key}`);
    if (byKey) return byKey.value ?? byKey.field_value;
    if (items.length === 0) return undefined;
    throw new MappingError(
      `The GHL id of custom field "${cf.key}" is not known, so its value cannot be read from a contact.`,
      'resolve the ids first with withCustomFieldIds(mapping, await ghl.listCustomFields()), or give fields."customField:<key>".id in the mapping file',
    );
  }
  const item = items.find((i) => i.id === cf.id);
  return item ? (item.value ?? item.field_value) : undefined;
}

/**
 * Fields a `POST /contacts/search` hit does not carry (its shape, NOTES §3, has no `website`), and
 * fields it names differently (`address` for `address1`).
 */
const SEARCH_MISSING = new Set(['website']);
const SEARCH_NAMES: Record<string, string> = { address1: 'address' };

export interface ReadGhlOptions {
  /**
   * The shape of `contact`: `search` (a search hit) leaves out the fields search does not return, so
   * they are absent from `fields` and `hashes` rather than read as empty. Default: `search` when the
   * contact has a `searchAfter` cursor, else `contact` (GET, upsert answer, webhook payload).
   */
  shape?: 'contact' | 'search';
}

/**
 * A GHL contact (GET, search hit, upsert answer or webhook payload) → every mapped field under its
 * GHL name, normalised as `mapCustomer` normalises the Cin7 side, with hashes; plus `dnd` and the
 * tags (GHL-owned values). Compare only the keys present: a search hit has no `website`.
 *
 * @example
 * const ghlSide = readGhlContact(await ghl.getContact(link.ghlContactId), mapping);
 * const drifted = Object.keys(link.hashes).filter((f) => f in ghlSide.hashes && ghlSide.hashes[f] !== link.hashes[f]);
 */
export function readGhlContact(
  contact: GhlContactLike,
  mapping: MappingConfig,
  options: ReadGhlOptions = {},
): GhlContactValues {
  const tctx: TransformContext = { phoneRegion: mapping.defaults.phoneRegion };
  const search = (options.shape ?? (Array.isArray(contact.searchAfter) ? 'search' : 'contact')) === 'search';
  const fields: Record<string, FieldValue> = {};
  for (const spec of mapping.fields) {
    if (search && SEARCH_MISSING.has(spec.name)) continue;
    const name = search ? (SEARCH_NAMES[spec.name] ?? spec.name) : spec.name;
    const raw = spec.customField ? customValue(contact, spec) : (contact[name] ?? contact[spec.name]);
    fields[spec.name] = fromGhl(spec.transform, raw, tctx);
  }
  return {
    fields,
    hashes: hashAll(fields),
    dnd: typeof contact.dnd === 'boolean' ? contact.dnd : null,
    tags: normalizeTags(Array.isArray(contact.tags) ? contact.tags : []),
  };
}

/**
 * The Cin7 `Tags` string for the Cin7-owned GHL tags (those with the mapping's prefix), prefix
 * removed; null when the tag mapping is off.
 *
 * @example
 * cin7TagsFromGhl(['cin7:vip', 'newsletter', 'cin7:trade'], mapping); // 'vip,trade'
 */
export function cin7TagsFromGhl(tags: readonly string[], mapping: MappingConfig): string | null {
  if (!mapping.tags.enabled) return null;
  const out: string[] = [];
  for (const t of tags) {
    const tag = normalizeTag(t);
    if (tag === null || !tag.startsWith(mapping.tags.prefix)) continue;
    const bare = tag.slice(mapping.tags.prefix.length).trim();
    if (bare && !out.includes(bare)) out.push(bare);
  }
  return out.join(',');
}

/**
 * True when `tag` is one the Cin7 `Tags` mapping owns (it carries the prefix).
 *
 * @example
 * tagDelta(current, desired, rules, { alsoOwned: (t) => isCin7OwnedTag(t, mapping) });
 */
export function isCin7OwnedTag(tag: string, mapping: MappingConfig): boolean {
  const t = normalizeTag(tag);
  return mapping.tags.enabled && t?.startsWith(mapping.tags.prefix) === true;
}

export interface Cin7PatchResult {
  /** For `Cin7Client.updateCustomer(customerId, patch)` (merged into the full record by id). */
  patch: RawRecord;
  /** The GHL fields the patch writes ('tags' for the Tags string). */
  written: string[];
  /** What could not be written, in plain words. */
  warnings: string[];
}

/**
 * The Cin7 patch writing GHL values back: fields with direction `ghl_to_cin7` or `both` (such as
 * dnd → MarketingConsent), limited to `only` when given. First and last name join into the contact's Name; a phone read from several sources
 * is written to the first; `tags` writes the Cin7 `Tags` string when the tag mapping flows both ways.
 *
 * @example
 * const { patch } = cin7Patch(readGhlContact(contact, mapping), customer, link.cin7ContactId, mapping, ['dnd']);
 * await cin7.updateCustomer(customer.ID, patch); // MarketingConsent 3 when dnd is true
 */
export function cin7Patch(
  ghl: GhlContactValues,
  customer: Cin7Customer,
  contactId: string,
  mapping: MappingConfig,
  only?: readonly string[],
): Cin7PatchResult {
  const wanted = (name: string) => only === undefined || only.includes(name);
  const top: RawRecord = {};
  const contact: RawRecord = {};
  const address: RawRecord = {};
  const written: string[] = [];
  const warnings: string[] = [];
  const names = new Map<string, { first: FieldValue; last: FieldValue }>();

  for (const spec of mapping.fields) {
    if (spec.direction === 'cin7_to_ghl') continue;
    if (!wanted(spec.name)) continue;
    const target = spec.from[0] as SourceRef;
    if (spec.transform === 'firstName' || spec.transform === 'lastName') {
      const halves = mapping.fields.filter(
        (f) =>
          (f.from[0] as SourceRef).path === target.path &&
          (f.transform === 'firstName' || f.transform === 'lastName'),
      );
      const first = halves.find((f) => f.transform === 'firstName');
      const last = halves.find((f) => f.transform === 'lastName');
      names.set(target.path, {
        first: first ? (ghl.fields[first.name] ?? null) : null,
        last: last ? (ghl.fields[last.name] ?? null) : null,
      });
      written.push(spec.name);
      continue;
    }
    const value = reverse(spec.transform, ghl.fields[spec.name] ?? null);
    if (value === undefined) continue;
    setTarget(target, value, top, contact, address);
    written.push(spec.name);
  }
  for (const [pathName, { first, last }] of names) {
    const full = [first, last].filter((p) => typeof p === 'string' && p !== '').join(' ');
    const target = mapping.fields.find((f) => (f.from[0] as SourceRef).path === pathName)
      ?.from[0] as SourceRef;
    setTarget(target, full === '' ? null : full, top, contact, address);
  }
  if (mapping.tags.enabled && mapping.tags.direction === 'both' && wanted('tags')) {
    top.Tags = cin7TagsFromGhl(ghl.tags, mapping);
    written.push('tags');
  }

  const patch: RawRecord = { ...top };
  if (Object.keys(contact).length > 0) {
    if (customer.Contacts.some((c) => c.ID === contactId)) patch.Contacts = [{ ID: contactId, ...contact }];
    else
      warnings.push(
        `contact ${contactId} is no longer on customer ${customer.ID}: contact fields not written`,
      );
  }
  if (Object.keys(address).length > 0) {
    const chosen = chooseAddress(customer, mapping.defaults.address);
    if (chosen) patch.Addresses = [{ ID: chosen.ID, ...address }];
    else if (address.Line1 && address.Country) {
      const type = mapping.defaults.address === 'first' ? 'Billing' : capitalise(mapping.defaults.address);
      patch.Addresses = [{ Type: type, DefaultForType: true, ...address }];
    } else
      warnings.push(
        'the customer has no address and GHL gives no street and country: address fields not written',
      );
  }
  return { patch, written, warnings };
}

function setTarget(
  target: SourceRef,
  value: unknown,
  top: RawRecord,
  contact: RawRecord,
  address: RawRecord,
): void {
  if (target.scope === 'customer') top[target.field] = value;
  else if (target.scope === 'contact') contact[target.field] = value;
  else address[target.field] = value;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
