/**
 * A Cin7 customer → the GHL contacts it maps to (one per selected Cin7 contact), with per-field
 * hashes, create-only values, Cin7-owned tags, identity for matching, and the contacts skipped.
 */
import type { Cin7Address, Cin7Customer } from '../../cin7/schemas.js';
import { countryToIso } from './country.js';
import { hashAll, normalizeTag, normalizeText } from './normalize.js';
import { isPhoneRegion } from './phone.js';
import { chooseAddress, type IdentitySources, isCompany, selectContacts } from './select.js';
import { parseSource, readSource, type SourceContext } from './sources.js';
import { forward, type TransformContext } from './transforms.js';
import type {
  FieldSpec,
  FieldValue,
  MappedContact,
  MappingConfig,
  MappingResult,
  SkippedContact,
  SourceRef,
  TransformName,
} from './types.js';

const DEFAULT_EMAIL_SOURCES = [parseSource('contact.Email') as SourceRef];
const DEFAULT_PHONE_SOURCES = [
  parseSource('contact.Phone') as SourceRef,
  parseSource('contact.MobilePhone') as SourceRef,
];

/**
 * Maps one Cin7 customer. Pure: no I/O, same input → same output.
 *
 * @example
 * const { contacts, skipped, business } = mapCustomer(customer, loadMapping(config));
 * for (const c of contacts) console.log(c.identity.email, c.fields, changedFields(c, link.hashes));
 */
export function mapCustomer(customer: Cin7Customer, mapping: MappingConfig): MappingResult {
  const company = isCompany(customer, mapping.company.detect);
  const deprecated = customer.Status?.trim().toLowerCase() === 'deprecated';
  if (deprecated && !mapping.contacts.includeDeprecated) {
    const reason = 'the customer is deprecated in Cin7';
    const skipped: SkippedContact[] =
      customer.Contacts.length === 0
        ? [{ cin7CustomerId: customer.ID, cin7ContactId: '', contactName: '', reason, code: 'deprecated' }]
        : customer.Contacts.map((c) => ({
            cin7CustomerId: customer.ID,
            cin7ContactId: c.ID,
            contactName: c.Name ?? '',
            reason,
            code: 'deprecated' as const,
          }));
    return { contacts: [], skipped, business: null, isCompany: company };
  }
  const ids = identitySources(mapping);
  const { selected, skipped } = selectContacts(customer, mapping, ids);
  const address = chooseAddress(customer, mapping.defaults.address);
  const tctx: TransformContext = { phoneRegion: phoneRegionFor(mapping, address) };
  const contacts: MappedContact[] = [];
  for (const contact of selected) {
    const mapped = mapContact({ customer, contact, address, isCompany: company }, mapping, ids, tctx);
    if ('skipped' in mapped) skipped.push(mapped.skipped);
    else contacts.push(mapped.contact);
  }
  const name = normalizeText(customer.Name);
  return {
    contacts,
    skipped,
    business: mapping.business.enabled && company && name !== null ? { name } : null,
    isCompany: company,
  };
}

/**
 * The email and phone sources of the mapping (the defaults when those fields are not mapped).
 *
 * @example
 * identitySources(parseMapping({})).phone.map((s) => s.path); // ['contact.Phone', 'contact.MobilePhone']
 */
export function identitySources(mapping: MappingConfig): IdentitySources {
  const email = mapping.fields.find((f) => f.name === 'email');
  const phone = mapping.fields.find((f) => f.name === 'phone');
  return { email: email?.from ?? DEFAULT_EMAIL_SOURCES, phone: phone?.from ?? DEFAULT_PHONE_SOURCES };
}

/**
 * The region phones are read in: the address's country when allowed and known, else the default.
 *
 * @example
 * phoneRegionFor(mapping, { ...address, Country: 'New Zealand' }); // 'NZ'
 */
export function phoneRegionFor(mapping: MappingConfig, address: Cin7Address | null): string {
  if (mapping.defaults.phoneRegionFromAddress && address?.Country) {
    const iso = countryToIso(address.Country);
    if (iso && isPhoneRegion(iso)) return iso;
  }
  return mapping.defaults.phoneRegion;
}

type Evaluated = { value: FieldValue; invalid: string | null; warning: string | null };

/** The first source holding a value; an invalid email/phone is passed over for a later valid one. */
function evaluate(
  transform: TransformName,
  from: SourceRef[],
  ctx: SourceContext,
  tctx: TransformContext,
): Evaluated {
  let invalid: string | null = null;
  let warning: string | null = null;
  for (const ref of from) {
    const raw = readSource(ref, ctx);
    if (normalizeText(raw) === null) continue;
    const out = forward(transform, raw, tctx);
    if ('invalid' in out) {
      invalid ??= out.invalid;
      continue;
    }
    if ('warning' in out) warning ??= out.warning;
    if (out.value !== null) return { value: out.value, invalid: null, warning: null };
  }
  return { value: null, invalid, warning };
}

function mapContact(
  ctx: SourceContext,
  mapping: MappingConfig,
  ids: IdentitySources,
  tctx: TransformContext,
): { contact: MappedContact } | { skipped: SkippedContact } {
  const { customer, contact } = ctx;
  const fields: Record<string, FieldValue> = {};
  const cin7Only: Record<string, FieldValue> = {};
  const createOnly: Record<string, FieldValue> = {};
  const all: Record<string, FieldValue> = {};
  const warnings: string[] = [];
  for (const spec of mapping.fields) {
    const r = evaluate(spec.transform, spec.from, ctx, tctx);
    if (r.invalid !== null) {
      const what = kindOf(spec);
      if (mapping.contacts.onInvalid === 'skip') {
        return {
          skipped: {
            cin7CustomerId: customer.ID,
            cin7ContactId: contact.ID,
            contactName: contact.Name ?? '',
            reason: `invalid ${what} "${r.invalid}" (fix it in Cin7)`,
            code: spec.transform === 'phone' ? 'invalid_phone' : 'invalid_email',
          },
        };
      }
      warnings.push(`invalid ${what} "${r.invalid}" left out of ${spec.name}`);
    }
    if (r.warning !== null) warnings.push(`${spec.name}: ${r.warning}`);
    all[spec.name] = r.value;
    if (spec.createOnly) createOnly[spec.name] = r.value;
    if (spec.createOnly || spec.direction === 'ghl_to_cin7') cin7Only[spec.name] = r.value;
    else fields[spec.name] = r.value;
  }
  const emailOut = evaluate('email', ids.email, ctx, tctx);
  const phoneOut = evaluate('phone', ids.phone, ctx, tctx);
  const email = emailOut.value;
  const phone = phoneOut.value;
  if (email === null && phone === null) {
    // Never created blind: with every value dropped (onInvalid: dropField) nothing identifies it.
    const bad =
      emailOut.invalid !== null
        ? `invalid email "${emailOut.invalid}"`
        : `invalid phone "${phoneOut.invalid}"`;
    return {
      skipped: {
        cin7CustomerId: customer.ID,
        cin7ContactId: contact.ID,
        contactName: contact.Name ?? '',
        reason: `no valid email or phone: ${bad} (fix it in Cin7)`,
        code:
          emailOut.invalid !== null
            ? 'invalid_email'
            : phoneOut.invalid !== null
              ? 'invalid_phone'
              : 'no_identity',
      },
    };
  }
  return {
    contact: {
      cin7CustomerId: customer.ID,
      cin7ContactId: contact.ID,
      contactName: contact.Name ?? '',
      fields,
      hashes: hashAll(all),
      cin7Only,
      createOnly,
      cin7Tags: mapping.tags.enabled ? cin7TagList(customer.Tags, mapping.tags.prefix) : [],
      identity: {
        email: typeof email === 'string' ? email : null,
        phone: typeof phone === 'string' ? phone : null,
      },
      customFieldIds: customFieldIdsOf(mapping),
      warnings,
    },
  };
}

function customFieldIdsOf(mapping: MappingConfig): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const f of mapping.fields) if (f.customField) out[f.customField.key] = f.customField.id;
  return out;
}

function kindOf(spec: FieldSpec): string {
  return spec.transform === 'phone' ? 'phone' : 'email';
}

/**
 * The GHL tags a Cin7 `Tags` string gives: each tag trimmed, lower-cased (GHL keeps tags that way)
 * and prefixed, de-duplicated.
 *
 * @example
 * cin7TagList('VIP, wholesale,,vip', 'cin7:'); // ['cin7:vip', 'cin7:wholesale']
 */
export function cin7TagList(tags: string | null, prefix: string): string[] {
  if (!tags) return [];
  const out: string[] = [];
  for (const part of tags.split(',')) {
    const t = normalizeTag(part);
    if (t === null) continue;
    const tag = `${prefix}${t}`;
    if (!out.includes(tag)) out.push(tag);
  }
  return out;
}
