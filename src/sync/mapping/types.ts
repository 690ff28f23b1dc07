/**
 * The shapes of the mapping: the validated config (`MappingConfig`), what a Cin7 customer maps to
 * (`MappingResult`, `MappedContact`) and the GHL bodies built from it. `docs/mapping.md` describes
 * the YAML these come from.
 */
import type { CreateContactInput, UpdateContactInput, UpsertContactInput } from '../../ghl/types.js';

/** A GHL field value after transforms, normalised so equal meaning ⇒ equal value. */
export type FieldValue = string | number | boolean | string[] | null;

/** Which way a field flows. */
export type Direction = 'cin7_to_ghl' | 'ghl_to_cin7' | 'both';
/** The side whose value wins when both changed (and which side a one-way field belongs to). */
export type Owner = 'cin7' | 'ghl';

/**
 * A transform between a Cin7 value and a GHL value (each has a reverse):
 * - `text`: trimmed, inner whitespace collapsed, empty → null;
 * - `firstName` / `lastName`: a full name split at its first space;
 * - `email`: trimmed, lower-cased, validated;
 * - `phone`: E.164 with the default region, validated;
 * - `country`: a Cin7 country name (or code) ↔ ISO 3166-1 alpha-2;
 * - `consentToDnd`: `MarketingConsent` 3 → true, 2 → false, 1 → null (reverse: true → 3, false → 2);
 * - `number`: a number (GHL numeric and monetary custom fields);
 * - `list`: a comma-separated string ↔ a sorted list (GHL multi-select and checkbox custom fields).
 */
export type TransformName =
  | 'text'
  | 'firstName'
  | 'lastName'
  | 'email'
  | 'phone'
  | 'country'
  | 'consentToDnd'
  | 'number'
  | 'list';

/** Where a Cin7 value is read from (see `sources.ts` for the list). */
export interface SourceRef {
  /** `customer`, `contact` (the mapped contact) or `address` (the chosen address). */
  scope: 'customer' | 'contact' | 'address';
  /** The Cin7 field name, e.g. `Email`, `AdditionalAttribute3`, or the computed `CompanyName`. */
  field: string;
  /** As written in the mapping file, e.g. `contact.Email`. */
  path: string;
}

/** One GHL field and how it is filled. */
export interface FieldSpec {
  /** GHL field name: `email`, `phone`, … or `customField:<key>`. */
  name: string;
  /** Cin7 sources, in order: the first one holding a (valid) value is used. */
  from: SourceRef[];
  transform: TransformName;
  direction: Direction;
  owner: Owner;
  /** Written only when the GHL contact is created; GHL owns it afterwards. */
  createOnly: boolean;
  /** For `customField:<key>`: the key (without `contact.`) and, once known, the GHL field id. */
  customField?: { key: string; id: string | null };
}

export type ContactSelection = 'default' | 'all';
export type CompanyDetection = 'either' | 'isLegalEntity' | 'nameDiffers';
export type AddressChoice = 'billing' | 'shipping' | 'business' | 'first';

/** The validated mapping (see `docs/mapping.md`). */
export interface MappingConfig {
  /** The file it came from, or null for the documented defaults. */
  source: string | null;
  contacts: {
    /** `default`: the `Default` contact (else the first with an email or phone); `all`: each one with either. */
    select: ContactSelection;
    /** Map contacts of `Deprecated` customers too (default false: they are skipped). */
    includeDeprecated: boolean;
    /** `skip`: a contact with an invalid email or phone is skipped and reported; `dropField`: mapped without it. */
    onInvalid: 'skip' | 'dropField';
  };
  defaults: {
    /** ISO-2 region for phone numbers written without a country code. */
    phoneRegion: string;
    /** Use the mapped address's country as the region when it is known (default true). */
    phoneRegionFromAddress: boolean;
    /** Which Cin7 address fills `address.*` sources. */
    address: AddressChoice;
  };
  company: { detect: CompanyDetection };
  business: { enabled: boolean };
  tags: {
    /** Map the Cin7 `Tags` string to GHL tags (each prefixed, lower-cased). */
    enabled: boolean;
    /** Prefix of the GHL tags Cin7 owns, e.g. `cin7:`. */
    prefix: string;
    direction: 'cin7_to_ghl' | 'both';
  };
  /** Every mapped GHL field, in file order. */
  fields: FieldSpec[];
  /** What of GHL is written to the Cin7 customer (GHL → Cin7, `src/sync/summary`). */
  profile: ProfileMapping;
  /** Cin7 customers made from new GHL contacts (off by default). */
  createCustomers: CreateCustomersMapping;
}

/** The single profile values that can have a Cin7 field of their own. */
export type ProfileValueName = 'ghlContactId' | 'ghlLink' | 'business' | 'lifecycleStage';

/** `profile:` of the mapping file (docs/ghl-to-cin7.md). Fields are Cin7 customer field names. */
export interface ProfileMapping {
  /** Write the profile to Cin7 at all (default true; GHL → Cin7 must be on: `sync.ghlToCin7`). */
  enabled: boolean;
  summary: {
    /** `Comments` (default) or `AdditionalAttributeN`; null: no summary. */
    field: string | null;
    /** Characters the field holds (Comments 2,000; AdditionalAttributeN 256), or less. */
    maxLength: number;
    /** Keep what Cin7 users wrote in the field above the product's block (default true). */
    keepExisting: boolean;
    notes: boolean;
    /** Which tasks are listed: `open` (default), `all` or `none`. */
    tasks: 'open' | 'all' | 'none';
    /** Each note or task is cut to this many characters. */
    itemLength: number;
  };
  /** Values written alone into their own field (null: only in the summary). */
  values: Record<ProfileValueName, string | null>;
  /** The link to a GHL contact: `{locationId}` and `{contactId}` are filled in. */
  linkTemplate: string;
}

/** `createCustomers:` of the mapping file. */
export interface CreateCustomersMapping {
  enabled: boolean;
  /** Cin7 fields given to every new customer (Currency, PaymentTerm, AccountReceivable, …). */
  defaults: Record<string, string>;
}

/** Why a Cin7 contact was not mapped. */
export type SkipCode =
  | 'no_contacts'
  | 'no_identity'
  | 'invalid_email'
  | 'invalid_phone'
  | 'deprecated'
  | 'not_selected';

export interface SkippedContact {
  cin7CustomerId: string;
  cin7ContactId: string;
  contactName: string;
  /** Plain words: "no email or phone", "invalid email \"jane@\"" … */
  reason: string;
  /** The same, for code: `no_identity` is a skip; `invalid_*` is bad data a user must fix. */
  code: SkipCode;
}

export interface MappedContact {
  cin7CustomerId: string;
  cin7ContactId: string;
  /** The Cin7 contact's name as written (for reports). */
  contactName: string;
  /**
   * The GHL fields this Cin7 contact writes (direction `cin7_to_ghl` or `both`, not create-only),
   * by GHL field name: firstName, lastName, email, phone, address1, city, state, postalCode,
   * country, companyName, website, `customField:<key>` … (tags are separate).
   */
  fields: Record<string, FieldValue>;
  /**
   * Short sha256 of the normalised value of every mapped field, GHL-owned ones included (so a
   * reconcile can tell which side changed); `readGhlContact` gives the same hash for the same meaning.
   */
  hashes: Record<string, string>;
  /** The Cin7 side of GHL-owned fields (direction `ghl_to_cin7`), normalised like `fields`. */
  cin7Only: Record<string, FieldValue>;
  /** Fields written only when the GHL contact is created (e.g. dnd from MarketingConsent). */
  createOnly: Record<string, FieldValue>;
  /** Tags from the Cin7 `Tags` field when that mapping is on (prefixed; owned by Cin7). */
  cin7Tags: string[];
  /** Normalised identity for matching: lower-cased email, E.164 phone (null when absent/invalid). */
  identity: { email: string | null; phone: string | null };
  /** GHL custom field ids by key (null until resolved: the body then writes `{key, field_value}`). */
  customFieldIds: Record<string, string | null>;
  /** Values left out (an unknown country name, a dropped invalid phone …), in plain words. */
  warnings: string[];
}

export interface MappingResult {
  contacts: MappedContact[];
  /** Cin7 contacts not mapped, each with a reason in plain words. */
  skipped: SkippedContact[];
  /** The business to associate with, when business association is on and the customer is a company. */
  business: { name: string } | null;
  /** Whether the customer is judged a company (`company.detect`). */
  isCompany: boolean;
}

/** `POST /contacts/` body, exactly as sent. */
export type CreateContactBody = CreateContactInput & { locationId: string };
/** `PUT /contacts/:id` body, exactly as sent (never `companyName`, `locationId` or `tags`). */
export type UpdateContactBody = UpdateContactInput;
/** `POST /contacts/upsert` body, exactly as sent. */
export type UpsertContactBody = UpsertContactInput & { locationId: string };

/** A custom field value as GHL reads it back (`{id, value}`; webhooks may carry numbers or lists). */
export interface GhlCustomFieldRead {
  id?: string;
  key?: string;
  value?: unknown;
  field_value?: unknown;
}

/**
 * Any GHL contact shape: `GET /contacts/:id`, a search hit, an upsert answer or a webhook payload.
 * Only the fields the mapping reads are looked at.
 */
export interface GhlContactLike {
  id?: string;
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  phone?: string | null;
  address1?: string | null;
  city?: string | null;
  state?: string | null;
  postalCode?: string | null;
  country?: string | null;
  companyName?: string | null;
  website?: string | null;
  dnd?: boolean | null;
  tags?: string[] | null;
  customFields?: GhlCustomFieldRead[] | null;
  [key: string]: unknown;
}

/** What `readGhlContact` gives: the same field names and normalisation as `MappedContact`. */
export interface GhlContactValues {
  /** Every mapped field (all directions), normalised as the Cin7 side is. */
  fields: Record<string, FieldValue>;
  hashes: Record<string, string>;
  dnd: boolean | null;
  /** The contact's tags, lower-cased and trimmed as GHL keeps them. */
  tags: string[];
}
