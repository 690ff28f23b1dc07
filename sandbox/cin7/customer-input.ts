import { REF } from './reference.js';
import { Cin7HttpError, badRequest } from './responses.js';
import { ADDITIONAL_ATTRIBUTE_KEYS, type Cin7Address, type Cin7Contact, type Cin7Customer } from './types.js';

/**
 * Reading `POST`/`PUT /customer` bodies with Cin7's rules. The field table is the Blueprint's
 * ("Available Fields for Customer" and the contact/address models); values convert the way
 * Newtonsoft.Json does (numbers and booleans may arrive as strings), anything else answers 400.
 */

export type Json = Record<string, unknown>;

/** What a PUT does with a top-level field, contact or address it does not mention (see README). */
export type PutOmitted = 'clear' | 'keep';

const REQUIRED_TOP = [
  'Name',
  'Currency',
  'PaymentTerm',
  'AccountReceivable',
  'RevenueAccount',
  'TaxRule',
] as const;

type StringField = {
  kind: 'string';
  max?: number;
  ref?: (v: string) => string | undefined;
  refName?: string;
};
type FieldSpec = StringField | { kind: 'number'; min?: number; max?: number } | { kind: 'bool' };

const TOP_FIELDS: Record<string, FieldSpec> = {
  Name: { kind: 'string', max: 256 },
  DisplayName: { kind: 'string', max: 256 },
  Currency: { kind: 'string', ref: REF.currency, refName: 'Currency' },
  PaymentTerm: { kind: 'string', ref: REF.paymentTerm, refName: 'Payment term' },
  Discount: { kind: 'number', min: 0, max: 100 },
  TaxRule: { kind: 'string', ref: REF.taxRule, refName: 'Tax rule' },
  Carrier: { kind: 'string', ref: REF.carrier, refName: 'Carrier' },
  SalesRepresentative: { kind: 'string', max: 256 },
  Location: { kind: 'string', ref: REF.location, refName: 'Location' },
  Comments: { kind: 'string', max: 2000 },
  AccountReceivable: { kind: 'string', ref: REF.account, refName: 'Account' },
  RevenueAccount: { kind: 'string', ref: REF.account, refName: 'Account' },
  PriceTier: { kind: 'string', ref: REF.priceTier, refName: 'Price tier' },
  TaxNumber: { kind: 'string', max: 50 },
  AttributeSet: { kind: 'string', ref: REF.attributeSet, refName: 'Attribute set' },
  Tags: { kind: 'string', max: 2000 },
  CreditLimit: { kind: 'number', min: 0 },
  IsOnCreditHold: { kind: 'bool' },
  IsLegalEntity: { kind: 'bool' },
  IsBillParent: { kind: 'bool' },
  ...Object.fromEntries(ADDITIONAL_ATTRIBUTE_KEYS.map((k) => [k, { kind: 'string', max: 256 } as FieldSpec])),
};

const CONTACT_FIELDS: Record<string, FieldSpec> = {
  Name: { kind: 'string', max: 256 },
  JobTitle: { kind: 'string', max: 256 },
  Phone: { kind: 'string', max: 50 },
  MobilePhone: { kind: 'string', max: 50 },
  Fax: { kind: 'string', max: 50 },
  Email: { kind: 'string', max: 256 },
  Website: { kind: 'string', max: 256 },
  Comment: { kind: 'string', max: 256 },
  Default: { kind: 'bool' },
  IncludeInEmail: { kind: 'bool' },
  MarketingConsent: { kind: 'number', min: 1, max: 3 },
};

const ADDRESS_FIELDS: Record<string, FieldSpec> = {
  Line1: { kind: 'string', max: 256 },
  Line2: { kind: 'string', max: 256 },
  City: { kind: 'string', max: 256 },
  State: { kind: 'string', max: 256 },
  Postcode: { kind: 'string', max: 20 },
  Country: { kind: 'string', max: 256 },
  Type: { kind: 'string' },
  DefaultForType: { kind: 'bool' },
};

const ADDRESS_TYPES = ['Billing', 'Business', 'Shipping'] as const;

/** Parses a JSON request body; Cin7 documents 500 for "the object passed to the API could not be parsed". */
export function parseJsonObject(raw: Buffer): Json {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8') || 'null');
  } catch {
    throw new Cin7HttpError(500, [
      'The object passed to the API could not be parsed: the body is not valid JSON.',
    ]);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw badRequest('The request body must be one JSON object.');
  return parsed as Json;
}

function convert(
  where: string,
  name: string,
  spec: FieldSpec,
  value: unknown,
): string | number | boolean | null {
  if (value === null || value === undefined)
    return spec.kind === 'string' ? null : spec.kind === 'bool' ? false : 0;
  if (spec.kind === 'string') {
    if (typeof value === 'number') value = String(value);
    if (typeof value !== 'string') throw badRequest(`${where}${name}: expected a string.`);
    if (spec.max !== undefined && value.length > spec.max)
      throw badRequest(
        `${where}${name} is too long: ${value.length} characters, the maximum is ${spec.max}.`,
      );
    if (spec.ref && value !== '') {
      const found = spec.ref(value);
      if (!found)
        throw badRequest(
          `${where}${spec.refName ?? name} '${value}' not found. Use a value from the matching /ref endpoint.`,
        );
      return found;
    }
    return value;
  }
  if (spec.kind === 'number') {
    const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isFinite(n)) throw badRequest(`${where}${name}: expected a number.`);
    if (spec.min !== undefined && n < spec.min)
      throw badRequest(`${where}${name} must be ${spec.min} or more.`);
    if (spec.max !== undefined && n > spec.max)
      throw badRequest(`${where}${name} must be ${spec.max} or less.`);
    return n;
  }
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value.trim()))
    return value.trim().toLowerCase() === 'true';
  throw badRequest(`${where}${name}: expected true or false.`);
}

function required(where: string, name: string, value: unknown): void {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === ''))
    throw badRequest(`${where}Required attribute ${name} is not provided.`);
}

/** Reads the fields of `spec` from `body` onto `base`; omitted fields are cleared or kept per `omitted`. */
function readFields(
  where: string,
  body: Json,
  specs: Record<string, FieldSpec>,
  base: Json,
  omitted: PutOmitted | 'default',
): Json {
  const out: Json = { ...base };
  for (const [name, spec] of Object.entries(specs)) {
    if (name in body) out[name] = convert(where, name, spec, body[name]);
    else if (omitted !== 'keep' || !(name in base)) out[name] = convert(where, name, spec, null);
  }
  return out;
}

export interface ContactAddressContext {
  newId: () => string;
  omitted: PutOmitted | 'default';
}

function readContact(
  i: number,
  body: unknown,
  existing: Cin7Contact | undefined,
  ctx: ContactAddressContext,
): Cin7Contact {
  const where = `Contacts[${i}].`;
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw badRequest(`${where.slice(0, -1)}: expected an object.`);
  const b = body as Json;
  const merged = readFields(
    where,
    b,
    CONTACT_FIELDS,
    (existing as unknown as Json) ?? {},
    existing ? ctx.omitted : 'default',
  );
  required(where, 'Name', merged.Name);
  if (merged.MarketingConsent === 0) merged.MarketingConsent = 1;
  return {
    ID: existing?.ID ?? ctx.newId(),
    Name: merged.Name as string,
    JobTitle: merged.JobTitle as string | null,
    Phone: merged.Phone as string | null,
    MobilePhone: merged.MobilePhone as string | null,
    Fax: merged.Fax as string | null,
    Email: merged.Email as string | null,
    Website: merged.Website as string | null,
    Default: merged.Default as boolean,
    Comment: merged.Comment as string | null,
    IncludeInEmail: merged.IncludeInEmail as boolean,
    MarketingConsent: merged.MarketingConsent as number,
  };
}

function readAddress(
  i: number,
  body: unknown,
  existing: Cin7Address | undefined,
  ctx: ContactAddressContext,
): Cin7Address {
  const where = `Addresses[${i}].`;
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw badRequest(`${where.slice(0, -1)}: expected an object.`);
  const merged = readFields(
    where,
    body as Json,
    ADDRESS_FIELDS,
    (existing as unknown as Json) ?? {},
    existing ? ctx.omitted : 'default',
  );
  required(where, 'Line1', merged.Line1);
  required(where, 'Country', merged.Country);
  required(where, 'Type', merged.Type);
  const type = ADDRESS_TYPES.find((t) => t.toLowerCase() === String(merged.Type).toLowerCase());
  if (!type)
    throw badRequest(
      `${where}Type '${String(merged.Type)}' is not valid. Use Billing, Business or Shipping.`,
    );
  return {
    ID: existing?.ID ?? ctx.newId(),
    Line1: merged.Line1 as string,
    Line2: merged.Line2 as string | null,
    City: merged.City as string | null,
    State: merged.State as string | null,
    Postcode: merged.Postcode as string | null,
    Country: merged.Country as string,
    Type: type,
    DefaultForType: merged.DefaultForType as boolean,
  };
}

/**
 * Reads a nested array ("entry will be searched by id, found entry will be updated, otherwise
 * created"). Entries the body leaves out are dropped with `clear`, kept with `keep`.
 */
function readNested<T extends { ID: string }>(
  list: unknown,
  existing: T[],
  read: (i: number, body: unknown, found: T | undefined) => T,
  omitted: PutOmitted | 'default',
  field: string,
): T[] | undefined {
  if (list === undefined || list === null) return undefined;
  if (!Array.isArray(list)) throw badRequest(`${field}: expected an array.`);
  const byId = new Map(existing.map((e) => [e.ID.toLowerCase(), e]));
  const seen = new Set<string>();
  const out = list.map((entry, i) => {
    const rawId = entry && typeof entry === 'object' ? (entry as Json).ID : undefined;
    const found =
      typeof rawId === 'string' && omitted !== 'default' ? byId.get(rawId.toLowerCase()) : undefined;
    if (found) {
      if (seen.has(found.ID)) throw badRequest(`${field}[${i}].ID ${found.ID} appears twice.`);
      seen.add(found.ID);
    }
    return read(i, entry, found);
  });
  if (omitted === 'keep') for (const e of existing) if (!seen.has(e.ID)) out.push(e);
  return out;
}

export interface CustomerWrite {
  /** The new top-level fields (without nested arrays and read-only fields). */
  fields: Partial<Cin7Customer>;
  contacts: Cin7Contact[] | undefined;
  addresses: Cin7Address[] | undefined;
  parentId: string | null | undefined;
}

/**
 * Validates a create (`existing` undefined) or update body and returns the values to store.
 * Cross-record rules (unique name, parent exists) are the store's.
 *
 * @example
 * readCustomerWrite(body, undefined, { newId, omitted: 'default' });
 */
export function readCustomerWrite(
  body: Json,
  existing: Cin7Customer | undefined,
  ctx: ContactAddressContext,
): CustomerWrite {
  const base = existing ? (existing as unknown as Json) : {};
  const fields = readFields('', body, TOP_FIELDS, base, existing ? ctx.omitted : 'default');
  for (const name of REQUIRED_TOP) required('', name, fields[name]);
  if (typeof fields.Name === 'string') fields.Name = fields.Name.trim();

  if (!existing || 'Status' in body) {
    required('', 'Status', body.Status);
    const status = String(body.Status);
    const s = ['Active', 'Deprecated'].find((v) => v.toLowerCase() === status.toLowerCase());
    if (!s) throw badRequest(`Status '${status}' is not valid. Use Active or Deprecated.`);
    fields.Status = s;
  }

  let parentId: string | null | undefined;
  if ('CustomerParentID' in body) {
    const p = body.CustomerParentID;
    if (p === null || p === '' || p === '00000000-0000-0000-0000-000000000000') parentId = null;
    else if (typeof p === 'string') parentId = p.toLowerCase();
    else throw badRequest('CustomerParentID: expected a GUID.');
  } else if (existing && ctx.omitted === 'clear') parentId = null;

  const contacts = readNested(
    body.Contacts,
    existing?.Contacts ?? [],
    (i, b, found) => readContact(i, b, found, ctx),
    existing ? ctx.omitted : 'default',
    'Contacts',
  );
  const addresses = readNested(
    body.Addresses,
    existing?.Addresses ?? [],
    (i, b, found) => readAddress(i, b, found, ctx),
    existing ? ctx.omitted : 'default',
    'Addresses',
  );
  return { fields: fields as Partial<Cin7Customer>, contacts, addresses, parentId };
}

/** Reads a contact or address edit made "as a Cin7 user" (control actions): only the fields given change. */
export function readContactPatch(patch: Json, existing: Cin7Contact): Cin7Contact {
  return readContact(0, { ...existing, ...patch }, existing, { newId: () => existing.ID, omitted: 'keep' });
}

export function readAddressPatch(patch: Json, existing: Cin7Address): Cin7Address {
  return readAddress(0, { ...existing, ...patch }, existing, { newId: () => existing.ID, omitted: 'keep' });
}

export function readNewContact(body: Json, newId: () => string): Cin7Contact {
  return readContact(0, body, undefined, { newId, omitted: 'default' });
}
