/**
 * The GHL request bodies built from a mapped contact, exactly as sent: `CreateContactDto`,
 * `UpdateContactDto` (never `companyName`: the PUT schema has none) and `UpsertContactDto`. Custom
 * fields are written `{id, field_value}` (or `{key, field_value}` while the id is unknown).
 */
import { InputError } from '../../errors/index.js';
import type { GhlCustomFieldInput, GhlFieldValue } from '../../ghl/types.js';
import { normalizeTags } from './normalize.js';
import type {
  CreateContactBody,
  FieldValue,
  MappedContact,
  UpdateContactBody,
  UpsertContactBody,
} from './types.js';

/**
 * Fields the write schemas declare non-nullable: `postalCode` is cleared with "" and `country`
 * (a 2-letter code, no empty value allowed) cannot be cleared through the API, so it is left out.
 */
function clearValue(name: string): { value: unknown } | null {
  if (name === 'postalCode') return { value: '' };
  if (name === 'country') return null;
  return { value: null };
}

type CustomFieldIds = MappedContact['customFieldIds'];

function customFieldItem(name: string, value: FieldValue, ids: CustomFieldIds): GhlCustomFieldInput {
  const key = name.slice('customField:'.length);
  const id = ids[key] ?? null;
  const fieldValue: GhlFieldValue = value === null ? '' : typeof value === 'boolean' ? String(value) : value;
  return id ? { id, field_value: fieldValue } : { key, field_value: fieldValue };
}

/** Writes `entries` into `body`: custom fields into `customFields`, nulls per `clearNulls`. */
function put(
  body: Record<string, unknown>,
  entries: Array<[string, FieldValue]>,
  clearNulls: boolean,
  ids: CustomFieldIds,
): void {
  const custom: GhlCustomFieldInput[] = [];
  for (const [name, value] of entries) {
    if (name.startsWith('customField:')) {
      if (value !== null || clearNulls) custom.push(customFieldItem(name, value, ids));
      continue;
    }
    if (value === null) {
      if (!clearNulls) continue;
      const cleared = clearValue(name);
      if (cleared) body[name] = cleared.value;
      continue;
    }
    body[name] = value;
  }
  if (custom.length > 0) body.customFields = custom;
}

/**
 * The tags a new GHL contact is created with: the rule tags, then the Cin7-owned ones (`Tags`
 * mapping), lower-cased and de-duplicated. The engine and `mapping preview` both use this, so the
 * preview shows the body the sync writes.
 *
 * @example
 * createBody(c, locationId, initialTags(c, evaluateTags(customer, agg, rules, now).tags));
 */
export function initialTags(c: MappedContact, ruleTags: readonly string[]): string[] {
  return normalizeTags([...ruleTags, ...c.cin7Tags]);
}

/**
 * `POST /contacts/` body: every non-empty mapped field, the create-only ones (dnd), `companyName`,
 * and `tags` (the full initial list: on create, tags go in the body).
 *
 * @example
 * await ghl.createContact(createBody(c, locationId, initialTags(c, evaluation.tags)));
 */
export function createBody(c: MappedContact, locationId: string, tags: readonly string[]): CreateContactBody {
  const body: Record<string, unknown> = { locationId };
  put(body, [...Object.entries(c.fields), ...Object.entries(c.createOnly)], false, c.customFieldIds);
  const list = normalizeTags(tags);
  if (list.length > 0) body.tags = list;
  return body as CreateContactBody;
}

/**
 * `PUT /contacts/:id` body with the `changed` fields (see `changedFields`); a field emptied in Cin7
 * is cleared (null, or "" for postalCode). Never `companyName` (write it with `upsertBody`), never
 * `tags` (tags change through the add/remove endpoints), never create-only fields.
 *
 * @example
 * const body = updateBody(c, changedFields(c, link.hashes));
 * if (Object.keys(body).length > 0) await ghl.updateContact(link.ghlContactId, body);
 */
export function updateBody(c: MappedContact, changed: readonly string[]): UpdateContactBody {
  const body: Record<string, unknown> = {};
  const entries = changed
    .filter((name) => name !== 'companyName' && name in c.fields)
    .map((name): [string, FieldValue] => [name, c.fields[name] as FieldValue]);
  put(body, entries, true, c.customFieldIds);
  return body as UpdateContactBody;
}

/**
 * `POST /contacts/upsert` body carrying `fields` (typically `['companyName']`) plus the contact's
 * current email and phone, by which GHL matches it (send it after any PUT that changes them, and
 * check the answer's contact id is the linked one).
 *
 * @example
 * const res = await ghl.upsertContact(upsertBody(c, locationId, ['companyName']));
 */
export function upsertBody(
  c: MappedContact,
  locationId: string,
  fields: readonly string[],
): UpsertContactBody {
  if (!c.identity.email && !c.identity.phone) {
    throw new InputError(
      'upsertBody',
      `contact ${c.cin7ContactId} has no email or phone, so an upsert could create a new GHL contact`,
      'write it with PUT /contacts/:id instead',
    );
  }
  const body: Record<string, unknown> = { locationId };
  if (c.identity.email) body.email = c.identity.email;
  if (c.identity.phone) body.phone = c.identity.phone;
  const entries = fields
    .filter((name) => name in c.fields)
    .map((name): [string, FieldValue] => [name, c.fields[name] as FieldValue]);
  put(body, entries, true, c.customFieldIds);
  return body as UpsertContactBody;
}

/**
 * The fields whose hash differs from `previous` (a link's stored hashes), in mapping order; only
 * fields this side writes (`c.fields`). A field missing from `previous` counts as changed.
 *
 * @example
 * changedFields(c, {}); // every written field: nothing was synced yet
 */
export function changedFields(c: MappedContact, previous: Readonly<Record<string, string>>): string[] {
  return Object.keys(c.fields).filter((name) => previous[name] !== c.hashes[name]);
}

/** The writes an existing contact needs for `changed`: a PUT and/or an upsert (company name). */
export interface WritePlan {
  /** The PUT body, or null when no PUT-able field changed. */
  update: UpdateContactBody | null;
  /** Fields that go through upsert (the PUT schema lacks them): `companyName`. */
  upsertFields: string[];
}

/**
 * Splits `changed` into the PUT and the upsert an existing GHL contact needs.
 *
 * @example
 * const plan = planWrites(c, changedFields(c, link.hashes));
 * if (plan.update) await ghl.updateContact(id, plan.update);
 * if (plan.upsertFields.length) await ghl.upsertContact(upsertBody(c, locationId, plan.upsertFields));
 */
export function planWrites(c: MappedContact, changed: readonly string[]): WritePlan {
  const update = updateBody(c, changed);
  return {
    update: Object.keys(update).length > 0 ? update : null,
    upsertFields: changed.filter((name) => name === 'companyName' && name in c.fields),
  };
}
