/**
 * The documented default mapping (docs/mapping.md): name, email, phone, address and company owned
 * by Cin7; DND seeded from MarketingConsent on create, then owned by GHL.
 */

/** A field entry as written in the mapping file. */
export interface RawFieldEntry {
  from?: string | string[];
  transform?: string;
  direction?: string;
  owner?: string;
  createOnly?: boolean;
  id?: string;
}

export const DEFAULT_FIELDS: Record<string, RawFieldEntry> = {
  firstName: { from: 'contact.Name', transform: 'firstName' },
  lastName: { from: 'contact.Name', transform: 'lastName' },
  email: { from: 'contact.Email' },
  phone: { from: ['contact.Phone', 'contact.MobilePhone'] },
  address1: { from: 'address.Line1' },
  city: { from: 'address.City' },
  state: { from: 'address.State' },
  postalCode: { from: 'address.Postcode' },
  country: { from: 'address.Country' },
  companyName: { from: 'customer.CompanyName' },
  website: { from: 'contact.Website' },
  dnd: { from: 'contact.MarketingConsent', direction: 'ghl_to_cin7', owner: 'ghl', createOnly: true },
};

export const DEFAULT_PHONE_REGION = 'US';
export const DEFAULT_TAG_PREFIX = 'cin7:';
