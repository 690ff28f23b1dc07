/**
 * Hand-made Cin7 customers for the mapping and rules tests, built through the client's own schema
 * (so they are exactly what `Cin7Client` hands the sync: lower-case GUIDs, nulls filled in).
 */
import { type Cin7Customer, customerSchema } from '../../../src/cin7/schemas.js';

/** A deterministic GUID from a small number: `00000000-0000-0000-0000-0000000000nn` style. */
export function gid(kind: 'c' | 'p' | 'a', n: number): string {
  const prefix = { c: '0c', p: '0f', a: '0a' }[kind];
  return `${prefix}000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

export interface RawContact {
  ID?: string;
  Name: string;
  Email?: string | null;
  Phone?: string | null;
  MobilePhone?: string | null;
  Website?: string | null;
  JobTitle?: string | null;
  Default?: boolean;
  MarketingConsent?: number | null;
}

export interface RawAddress {
  ID?: string;
  Line1: string;
  Line2?: string | null;
  City?: string | null;
  State?: string | null;
  Postcode?: string | null;
  Country: string;
  Type?: string;
  DefaultForType?: boolean;
}

export type RawCustomer = {
  n: number;
  Name: string;
  Contacts?: RawContact[];
  Addresses?: RawAddress[];
} & Record<string, unknown>;

let contactSeq = 0;
let addressSeq = 0;

/**
 * A customer with sensible defaults (Active, USD, Tier 1); contacts and addresses get ids when
 * none is given.
 *
 * @example
 * const c = customer({ n: 1, Name: 'Acme Pty Ltd', Contacts: [{ Name: 'Jo Bloggs', Email: 'jo@acme.example' }] });
 */
export function customer(raw: RawCustomer): Cin7Customer {
  const { n, Contacts = [], Addresses = [], ...rest } = raw;
  return customerSchema.parse({
    ID: gid('c', n),
    Status: 'Active',
    Currency: 'USD',
    PriceTier: 'Tier 1',
    ...rest,
    Contacts: Contacts.map((c) => ({ ID: c.ID ?? gid('p', ++contactSeq), Default: false, ...c })),
    Addresses: Addresses.map((a) => ({ ID: a.ID ?? gid('a', ++addressSeq), Type: 'Billing', ...a })),
  });
}
