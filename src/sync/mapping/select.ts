/**
 * Which Cin7 contacts become GHL contacts, which address fills `address.*`, and whether a
 * customer is a company.
 */
import type { Cin7Address, Cin7Contact, Cin7Customer } from '../../cin7/schemas.js';
import { normalizeText } from './normalize.js';
import { readSource } from './sources.js';
import type { AddressChoice, CompanyDetection, MappingConfig, SkippedContact, SourceRef } from './types.js';

/**
 * Whether a customer is a company:
 * - `isLegalEntity`: Cin7's `IsLegalEntity` flag;
 * - `nameDiffers`: the customer's Name is none of its contacts' names (a person's customer record
 *   carries their own name; "Acme Pty Ltd" is nobody's name);
 * - `either` (default): either of the two (older tenants leave `IsLegalEntity` false everywhere).
 *
 * @example
 * isCompany({ Name: 'Acme Pty Ltd', IsLegalEntity: null, Contacts: [{ Name: 'Jo Bloggs' }] }, 'either'); // true
 */
export function isCompany(customer: Cin7Customer, detect: CompanyDetection): boolean {
  const legal = customer.IsLegalEntity === true;
  if (detect === 'isLegalEntity') return legal;
  const name = normalizeText(customer.Name)?.toLowerCase() ?? '';
  const differs =
    name !== '' && !customer.Contacts.some((c) => normalizeText(c.Name)?.toLowerCase() === name);
  return detect === 'nameDiffers' ? differs : legal || differs;
}

const TYPE_OF: Record<Exclude<AddressChoice, 'first'>, string> = {
  billing: 'billing',
  shipping: 'shipping',
  business: 'business',
};

/**
 * The address that fills `address.*`: of the chosen type, the one marked `DefaultForType` first;
 * otherwise (no address of that type, or `first`) the first address; null when there is none.
 *
 * @example
 * chooseAddress(customer, 'shipping')?.City;
 */
export function chooseAddress(customer: Cin7Customer, choice: AddressChoice): Cin7Address | null {
  const list = customer.Addresses;
  if (list.length === 0) return null;
  if (choice !== 'first') {
    const type = TYPE_OF[choice];
    const ofType = list.filter((a) => a.Type?.trim().toLowerCase() === type);
    const chosen = ofType.find((a) => a.DefaultForType) ?? ofType[0];
    if (chosen) return chosen;
  }
  return list[0] ?? null;
}

/** The Cin7 values that identify a contact (the sources of the mapping's email and phone fields). */
export interface IdentitySources {
  email: SourceRef[];
  phone: SourceRef[];
}

/** True when a contact has a non-empty email or phone in the identity sources. */
export function hasIdentity(customer: Cin7Customer, contact: Cin7Contact, ids: IdentitySources): boolean {
  const ctx = { customer, contact, address: null, isCompany: false };
  return [...ids.email, ...ids.phone].some((ref) => normalizeText(readSource(ref, ctx)) !== null);
}

/**
 * The contacts to map, and the ones reported as skipped for it:
 * - `default`: the contact marked `Default` when it has an email or phone, else the first contact
 *   (in Cin7's order) that has one; when none has either, the `Default` contact (or the first) is
 *   reported "no email or phone on any contact";
 * - `all`: every contact with an email or phone; each one with neither is reported.
 *
 * @example
 * const { selected, skipped } = selectContacts(customer, mapping, identitySources(mapping));
 */
export function selectContacts(
  customer: Cin7Customer,
  mapping: MappingConfig,
  ids: IdentitySources,
): { selected: Cin7Contact[]; skipped: SkippedContact[] } {
  const skip = (c: Cin7Contact | null, code: SkippedContact['code'], reason: string): SkippedContact => ({
    cin7CustomerId: customer.ID,
    cin7ContactId: c?.ID ?? '',
    contactName: c?.Name ?? '',
    reason,
    code,
  });
  if (customer.Contacts.length === 0) {
    return { selected: [], skipped: [skip(null, 'no_contacts', 'the customer has no contacts')] };
  }
  if (mapping.contacts.select === 'all') {
    const selected: Cin7Contact[] = [];
    const skipped: SkippedContact[] = [];
    for (const c of customer.Contacts) {
      if (hasIdentity(customer, c, ids)) selected.push(c);
      else skipped.push(skip(c, 'no_identity', 'no email or phone'));
    }
    return { selected, skipped };
  }
  const def = customer.Contacts.find((c) => c.Default);
  if (def && hasIdentity(customer, def, ids)) return { selected: [def], skipped: [] };
  const first = customer.Contacts.find((c) => hasIdentity(customer, c, ids));
  if (first) return { selected: [first], skipped: [] };
  const shown = def ?? (customer.Contacts[0] as Cin7Contact);
  return {
    selected: [],
    skipped: [
      skip(
        shown,
        'no_identity',
        customer.Contacts.length === 1
          ? 'no email or phone'
          : 'no email or phone on any contact of the customer',
      ),
    ],
  };
}
