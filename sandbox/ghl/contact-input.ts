import type { GhlStore } from './store.js';
import type { ContactRecord, CustomFieldValue, DndSettings } from './types.js';
import { type Dto, type Json, type Rule, normalizePhone, parseDateOfBirth, validateDto } from './validate.js';

/**
 * Reads the body of contact create / update / upsert (and of the control "user edit") into a patch:
 * validated as GHL validates it (422 messages), then normalised as GHL stores it (phone in E.164,
 * tags lower-cased and de-duplicated, date of birth as an ISO date-time, country upper-cased).
 */
export type ContactInputKind = 'create' | 'update' | 'upsert' | 'userEdit';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
/** Fields to set; `null` clears a field. */
export type ContactPatch = { [K in keyof Mutable<ContactRecord>]?: Mutable<ContactRecord>[K] | null } & {
  /** Custom field values to merge (null value: clear that field). */
  customFieldUpdates?: { id: string; value: CustomFieldValue['value'] | null }[];
};

const DND_CHANNELS = ['Call', 'Email', 'SMS', 'WhatsApp', 'GMB', 'FB'] as const;

const dndSettingsRule: Rule = {
  kind: 'object',
  check: (v, name) => {
    const out: string[] = [];
    for (const [channel, setting] of Object.entries(v)) {
      if (!(DND_CHANNELS as readonly string[]).includes(channel)) {
        out.push(`property ${name}.${channel} should not exist`);
        continue;
      }
      if (!setting || typeof setting !== 'object' || Array.isArray(setting)) {
        out.push(`${name}.${channel} must be an object`);
        continue;
      }
      out.push(
        ...validateDto(
          setting as Json,
          {
            status: { kind: 'string', required: true, enum: ['active', 'inactive', 'permanent'] },
            message: { kind: 'string' },
            code: { kind: 'string' },
          },
          `${name}.${channel}.`,
        ),
      );
    }
    return out;
  },
};

const inboundDndRule: Rule = {
  kind: 'object',
  check: (v, name) =>
    validateDto(
      v,
      {
        all: {
          kind: 'object',
          check: (all, n) =>
            validateDto(
              all,
              {
                status: { kind: 'string', required: true, enum: ['active', 'inactive'] },
                message: { kind: 'string' },
              },
              `${n}.`,
            ),
        },
      },
      `${name}.`,
    ),
};

const customFieldsRule: Rule = {
  kind: 'array',
  check: (items, name) => {
    const out: string[] = [];
    items.forEach((item, i) => {
      if (!item || typeof item !== 'object' || Array.isArray(item)) {
        out.push(`${name}.${i} must be an object`);
        return;
      }
      const it = item as Json;
      out.push(
        ...validateDto(
          it,
          { id: { kind: 'string' }, key: { kind: 'string' }, field_value: { kind: 'any', nullable: true } },
          `${name}.${i}.`,
        ),
      );
      if (it.id === undefined && it.key === undefined) out.push(`${name}.${i}.id should not be empty`);
    });
    return out;
  },
};

const dobRule: Rule = {
  kind: 'any',
  nullable: true,
  check: (v, name) =>
    typeof v === 'string' && parseDateOfBirth(v) !== null
      ? []
      : [
          `${name} must be a date in one of the formats YYYY-MM-DD, YYYY/MM/DD, MM/DD/YYYY, MM-DD-YYYY, YYYY.MM.DD, MM.DD.YYYY, YYYY_MM_DD, MM_DD_YYYY`,
        ],
};

const nstr: Rule = { kind: 'string', nullable: true };
const str: Rule = { kind: 'string' };
const country: Rule = {
  kind: 'string',
  pattern: { re: /^[A-Za-z]{2}$/, message: 'must be a valid ISO 3166-1 alpha-2 country code' },
};

const common: Dto = {
  firstName: nstr,
  lastName: nstr,
  name: nstr,
  email: { kind: 'string', nullable: true, email: true },
  phone: { kind: 'string', nullable: true, phone: true },
  address1: nstr,
  city: nstr,
  state: nstr,
  postalCode: str,
  website: nstr,
  timezone: nstr,
  dnd: { kind: 'boolean' },
  dndSettings: dndSettingsRule,
  inboundDndSettings: inboundDndRule,
  tags: { kind: 'stringArray' },
  customFields: customFieldsRule,
  dateOfBirth: dobRule,
  country,
};

/** The DTO of each kind, exactly the properties the spec declares (companyName is not in the PUT DTO). */
export const CONTACT_DTOS: Record<ContactInputKind, Dto> = {
  create: {
    ...common,
    locationId: { kind: 'string', required: true },
    gender: str,
    source: str,
    companyName: nstr,
    assignedTo: str,
  },
  update: { ...common, source: nstr, assignedTo: nstr },
  upsert: {
    ...common,
    locationId: { kind: 'string', required: true },
    gender: str,
    source: str,
    companyName: nstr,
    assignedTo: str,
    createNewIfDuplicateAllowed: { kind: 'boolean' },
  },
  // A user in GHL's UI can edit every field, the company name included.
  userEdit: { ...common, source: nstr, assignedTo: nstr, companyName: nstr, gender: str },
};

const STRING_FIELDS = [
  'firstName',
  'lastName',
  'address1',
  'city',
  'state',
  'postalCode',
  'website',
  'timezone',
  'gender',
  'source',
  'assignedTo',
  'companyName',
] as const;

/** GHL keeps tags lower-case and unique. */
export function normalizeTags(tags: readonly string[]): string[] {
  const out: string[] = [];
  for (const t of tags) {
    const v = t.trim().toLowerCase();
    if (v && !out.includes(v)) out.push(v);
  }
  return out;
}

/** Validates and normalises a contact body; `errors` are the 422 messages. */
export function readContactInput(
  body: Json,
  kind: ContactInputKind,
  store: GhlStore,
): { patch: ContactPatch; errors: [] } | { errors: string[] } {
  const errors = validateDto(body, CONTACT_DTOS[kind]);
  const customFieldUpdates: NonNullable<ContactPatch['customFieldUpdates']> = [];
  if (Array.isArray(body.customFields) && errors.length === 0) {
    body.customFields.forEach((raw, i) => {
      const item = raw as Json;
      const def = store.customFields.find(
        (f) =>
          f.model === 'contact' &&
          (f.id === item.id ||
            (typeof item.key === 'string' &&
              (f.fieldKey === item.key || f.fieldKey === `contact.${item.key}`))),
      );
      if (!def) {
        errors.push(`customFields.${i} does not match a custom field of this location (by id or key)`);
        return;
      }
      const v = item.field_value;
      customFieldUpdates.push({
        id: def.id,
        value: v === undefined || v === null || v === '' ? null : (v as CustomFieldValue['value']),
      });
    });
  }
  if (errors.length > 0) return { errors };

  const patch: ContactPatch = {};
  for (const f of STRING_FIELDS) {
    if (!(f in body)) continue;
    const v = body[f];
    patch[f] = v === null || v === '' ? null : String(v).trim();
  }
  if ('name' in body && !('firstName' in body) && !('lastName' in body)) {
    const name = typeof body.name === 'string' ? body.name.trim() : '';
    const space = name.indexOf(' ');
    patch.firstName = name ? (space < 0 ? name : name.slice(0, space)) : null;
    patch.lastName = name && space >= 0 ? name.slice(space + 1).trim() || null : null;
  }
  if ('email' in body)
    patch.email = typeof body.email === 'string' && body.email.trim() ? body.email.trim() : null;
  if ('phone' in body)
    patch.phone = typeof body.phone === 'string' && body.phone.trim() ? normalizePhone(body.phone) : null;
  if ('country' in body) patch.country = typeof body.country === 'string' ? body.country.toUpperCase() : null;
  if ('dateOfBirth' in body)
    patch.dateOfBirth = typeof body.dateOfBirth === 'string' ? parseDateOfBirth(body.dateOfBirth) : null;
  if ('dnd' in body) patch.dnd = body.dnd as boolean;
  if ('dndSettings' in body) patch.dndSettings = (body.dndSettings as DndSettings | null) ?? null;
  if ('inboundDndSettings' in body)
    patch.inboundDndSettings =
      (body.inboundDndSettings as ContactRecord['inboundDndSettings'] | null) ?? null;
  if ('tags' in body) patch.tags = normalizeTags((body.tags as string[] | null) ?? []);
  if (customFieldUpdates.length > 0) patch.customFieldUpdates = customFieldUpdates;
  return { patch, errors: [] };
}

/** The record that results from applying `patch` to `base` (a new object: records are immutable). */
export function applyPatch(base: ContactRecord, patch: ContactPatch, now: number): ContactRecord {
  const next: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (k === 'customFieldUpdates') continue;
    if (v === null || v === undefined) delete next[k];
    else next[k] = v;
  }
  if (next.dnd === undefined) next.dnd = false;
  if (next.tags === undefined) next.tags = [];
  if (patch.customFieldUpdates) {
    const fields = new Map(base.customFields.map((f) => [f.id, f.value]));
    for (const u of patch.customFieldUpdates) {
      if (u.value === null) fields.delete(u.id);
      else fields.set(u.id, u.value);
    }
    next.customFields = [...fields].map(([id, value]) => ({ id, value }));
  }
  next.dateUpdated = Math.max(now, base.dateAdded);
  return next as unknown as ContactRecord;
}

/** Which webhook events a change from `before` to `after` fires. */
export function changeEvents(
  before: ContactRecord,
  after: ContactRecord,
): ('ContactUpdate' | 'ContactTagUpdate' | 'ContactDndUpdate')[] {
  const events: ('ContactUpdate' | 'ContactTagUpdate' | 'ContactDndUpdate')[] = [];
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  let other = false;
  for (const k of keys) {
    if (k === 'dateUpdated' || k === 'tags' || k === 'dnd' || k === 'dndSettings') continue;
    if (!same((before as unknown as Json)[k], (after as unknown as Json)[k])) other = true;
  }
  if (other) events.push('ContactUpdate');
  if (!same(before.tags, after.tags)) events.push('ContactTagUpdate');
  if (before.dnd !== after.dnd || !same(before.dndSettings ?? {}, after.dndSettings ?? {}))
    events.push('ContactDndUpdate');
  return events;
}
