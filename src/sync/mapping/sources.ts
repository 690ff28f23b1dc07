/**
 * The Cin7 values a mapping may read (`customer.*`, `contact.*`, `address.*`), and which of them
 * GHL may write back to.
 */
import type { Cin7Address, Cin7Contact, Cin7Customer } from '../../cin7/schemas.js';
import type { SourceRef } from './types.js';

const ATTRIBUTES = Array.from({ length: 10 }, (_, i) => `AdditionalAttribute${i + 1}`);

/** Readable fields per scope; `CompanyName` is computed (the customer's Name when it is a company). */
export const SOURCE_FIELDS: Record<SourceRef['scope'], readonly string[]> = {
  customer: [
    'ID',
    'Name',
    'CompanyName',
    'DisplayName',
    'Status',
    'Currency',
    'PaymentTerm',
    'Discount',
    'TaxRule',
    'Carrier',
    'SalesRepresentative',
    'Location',
    'Comments',
    'PriceTier',
    'TaxNumber',
    'AttributeSet',
    'Tags',
    'CreditLimit',
    ...ATTRIBUTES,
  ],
  contact: [
    'ID',
    'Name',
    'JobTitle',
    'Phone',
    'MobilePhone',
    'Fax',
    'Email',
    'Website',
    'Comment',
    'MarketingConsent',
  ],
  address: ['Line1', 'Line2', 'City', 'State', 'Postcode', 'Country'],
};

/**
 * Sources GHL never writes back: ids, the unique customer `Name` (renaming Cin7 customers from GHL
 * could collide), the computed `CompanyName`, `Status` (deprecation is Cin7's decision) and `Tags`
 * (written through the tag mapping instead).
 */
const READ_ONLY = new Set([
  'customer.ID',
  'customer.Name',
  'customer.CompanyName',
  'customer.Status',
  'customer.Tags',
  'contact.ID',
]);

/** Every valid source path, for error hints. */
export function sourcePaths(): string[] {
  return (Object.keys(SOURCE_FIELDS) as SourceRef['scope'][]).flatMap((scope) =>
    SOURCE_FIELDS[scope].map((f) => `${scope}.${f}`),
  );
}

/**
 * Parses `contact.Email` (field names are matched case-insensitively and returned in Cin7's
 * spelling); null when it names no known source.
 *
 * @example
 * parseSource('contact.email'); // { scope: 'contact', field: 'Email', path: 'contact.Email' }
 */
export function parseSource(path: string): SourceRef | null {
  const m = /^\s*(customer|contact|address)\.([A-Za-z0-9]+)\s*$/i.exec(path);
  if (!m) return null;
  const scope = (m[1] as string).toLowerCase() as SourceRef['scope'];
  const field = SOURCE_FIELDS[scope].find((f) => f.toLowerCase() === (m[2] as string).toLowerCase());
  return field ? { scope, field, path: `${scope}.${field}` } : null;
}

/** True when GHL may write this source back to Cin7. */
export function isWritableSource(ref: SourceRef): boolean {
  return !READ_ONLY.has(ref.path);
}

/** What sources read from: the customer, the mapped contact and the chosen address. */
export interface SourceContext {
  customer: Cin7Customer;
  contact: Cin7Contact;
  address: Cin7Address | null;
  isCompany: boolean;
}

/** The raw Cin7 value of a source (before transforms). */
export function readSource(ref: SourceRef, ctx: SourceContext): unknown {
  if (ref.scope === 'customer') {
    if (ref.field === 'CompanyName') return ctx.isCompany ? ctx.customer.Name : null;
    return (ctx.customer as unknown as Record<string, unknown>)[ref.field];
  }
  if (ref.scope === 'contact') return (ctx.contact as unknown as Record<string, unknown>)[ref.field];
  return ctx.address ? (ctx.address as unknown as Record<string, unknown>)[ref.field] : null;
}
