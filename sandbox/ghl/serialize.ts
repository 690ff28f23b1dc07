import type { components as Biz } from '../../src/ghl/generated/businesses.js';
import type { components as C } from '../../src/ghl/generated/contacts.js';
import type { components as Loc } from '../../src/ghl/generated/locations.js';
import type { SortKey } from './sorted-index.js';
import type {
  AppointmentRecord,
  BusinessRecord,
  ContactRecord,
  CustomFieldDefinition,
  NoteRecord,
  TaskRecord,
} from './types.js';

/**
 * Records → the response shapes of the spec. Absent values are left out (the read schemas declare
 * no nullable fields), so every answer validates against the spec's schemas made strict.
 */
type S = C['schemas'];

const iso = (ms: number): string => new Date(ms).toISOString();

function fullName(rec: ContactRecord): string | undefined {
  const n = [rec.firstName, rec.lastName].filter((x) => x).join(' ');
  return n || undefined;
}

function compact<T extends object>(obj: T): T {
  for (const k of Object.keys(obj) as (keyof T)[]) if (obj[k] === undefined) delete obj[k];
  return obj;
}

// Custom field values may be numbers, arrays or objects (what was written); the spec types them as strings.
type CustomFieldOut = S['CustomFieldSchema'];
const customFieldsOut = (rec: ContactRecord): CustomFieldOut[] =>
  rec.customFields.map((f) => ({ id: f.id, value: f.value as string }));

/** `GetContectByIdSchema` (sic): GET, PUT and upsert answers. */
export function contactOut(rec: ContactRecord): S['GetContectByIdSchema'] {
  const name = fullName(rec);
  return compact({
    id: rec.id,
    name,
    locationId: rec.locationId,
    firstName: rec.firstName,
    lastName: rec.lastName,
    email: rec.email,
    emailLowerCase: rec.email?.toLowerCase(),
    timezone: rec.timezone,
    companyName: rec.companyName,
    phone: rec.phone,
    dnd: rec.dnd,
    dndSettings: rec.dndSettings ? { ...rec.dndSettings } : undefined,
    type: rec.type,
    source: rec.source,
    assignedTo: rec.assignedTo,
    address1: rec.address1,
    city: rec.city,
    state: rec.state,
    country: rec.country,
    postalCode: rec.postalCode,
    website: rec.website,
    tags: [...rec.tags],
    dateOfBirth: rec.dateOfBirth,
    dateAdded: iso(rec.dateAdded),
    dateUpdated: iso(rec.dateUpdated),
    firstNameLowerCase: rec.firstName?.toLowerCase(),
    fullNameLowerCase: name?.toLowerCase(),
    lastNameLowerCase: rec.lastName?.toLowerCase(),
    customFields: customFieldsOut(rec),
    businessId: rec.businessId,
    attributionSource: rec.attributionSource ? { ...rec.attributionSource } : undefined,
  });
}

/** `CreateContactSchema`: the 201 answer of `POST /contacts/`. */
export function createdContactOut(rec: ContactRecord): S['CreateContactSchema'] {
  const name = fullName(rec);
  const dob = rec.dateOfBirth ? new Date(rec.dateOfBirth) : undefined;
  return compact({
    id: rec.id,
    dateAdded: iso(rec.dateAdded),
    dateUpdated: iso(rec.dateUpdated),
    deleted: false,
    tags: [...rec.tags],
    type: rec.type,
    customFields: customFieldsOut(rec),
    locationId: rec.locationId,
    firstName: rec.firstName,
    firstNameLowerCase: rec.firstName?.toLowerCase(),
    fullNameLowerCase: name?.toLowerCase(),
    lastName: rec.lastName,
    lastNameLowerCase: rec.lastName?.toLowerCase(),
    email: rec.email,
    emailLowerCase: rec.email?.toLowerCase(),
    bounceEmail: false,
    unsubscribeEmail: false,
    dnd: rec.dnd,
    dndSettings: rec.dndSettings ? { ...rec.dndSettings } : undefined,
    phone: rec.phone,
    address1: rec.address1,
    city: rec.city,
    state: rec.state,
    country: rec.country,
    postalCode: rec.postalCode,
    website: rec.website,
    source: rec.source,
    companyName: rec.companyName,
    dateOfBirth: rec.dateOfBirth,
    // The spec's example (1990-09-25 → birthMonth 8) shows a zero-based month.
    birthMonth: dob?.getUTCMonth(),
    birthDay: dob?.getUTCDate(),
    offers: [],
    products: [],
    businessId: rec.businessId,
    assignedTo: rec.assignedTo,
  });
}

/** An item of `GET /contacts/` and `GET /contacts/business/:id` (`ContactsSearchSchema`). */
export function listItemOut(rec: ContactRecord): S['ContactsSearchSchema'] {
  return compact({
    id: rec.id,
    locationId: rec.locationId,
    email: rec.email,
    timezone: rec.timezone,
    country: rec.country,
    source: rec.source,
    dateAdded: iso(rec.dateAdded),
    customFields: customFieldsOut(rec),
    tags: [...rec.tags],
    businessId: rec.businessId,
    attributions: rec.attributionSource ? [{ ...rec.attributionSource }] : undefined,
    followers: [...rec.followers],
  });
}

/** A contact of the `POST /contacts/search` answer (the `history/` spec's `Contact`). */
export interface SearchContactOut {
  [key: string]: unknown;
  id: string;
  searchAfter: [SortKey, string];
}

export function searchContactOut(
  rec: ContactRecord,
  cursorKey: SortKey,
  businessName?: string,
): SearchContactOut {
  return compact({
    id: rec.id,
    locationId: rec.locationId,
    firstName: rec.firstName,
    lastName: rec.lastName,
    firstNameLowerCase: rec.firstName?.toLowerCase(),
    lastNameLowerCase: rec.lastName?.toLowerCase(),
    email: rec.email,
    validEmail: rec.email ? true : undefined,
    phone: rec.phone,
    companyName: rec.companyName,
    businessName,
    address: rec.address1,
    city: rec.city,
    state: rec.state,
    country: rec.country,
    postalCode: rec.postalCode,
    source: rec.source,
    type: rec.type,
    dnd: rec.dnd,
    dndSettings: rec.dndSettings ? { ...rec.dndSettings } : undefined,
    tags: [...rec.tags],
    customFields: customFieldsOut(rec),
    dateAdded: iso(rec.dateAdded),
    dateUpdated: iso(rec.dateUpdated),
    dateOfBirth: rec.dateOfBirth?.slice(0, 10),
    assignedTo: rec.assignedTo,
    followers: [...rec.followers],
    additionalEmails: [],
    additionalPhones: [],
    opportunities: [],
    businessId: rec.businessId,
    searchAfter: [cursorKey, rec.id],
  });
}

export function taskOut(t: TaskRecord): S['TaskSchema'] {
  return compact({
    id: t.id,
    title: t.title,
    body: t.body,
    assignedTo: t.assignedTo,
    dueDate: t.dueDate,
    completed: t.completed,
    contactId: t.contactId,
  });
}

export function noteOut(n: NoteRecord): S['GetNoteSchema'] {
  return compact({
    id: n.id,
    body: n.body,
    userId: n.userId,
    dateAdded: iso(n.dateAdded),
    contactId: n.contactId,
    title: n.title,
    color: n.color,
    pinned: n.pinned,
  });
}

export function appointmentOut(a: AppointmentRecord, locationId: string): S['GetEventSchema'] {
  return {
    id: a.id,
    calendarId: a.calendarId,
    status: a.status,
    title: a.title,
    assignedUserId: a.assignedUserId,
    notes: a.notes,
    startTime: a.startTime,
    endTime: a.endTime,
    address: a.address,
    locationId,
    contactId: a.contactId,
    appointmentStatus: a.status,
    users: [a.assignedUserId],
    dateAdded: a.dateAdded,
    dateUpdated: a.dateUpdated,
    assignedResources: [],
  };
}

export function businessOut(b: BusinessRecord): Biz['schemas']['BusinessDto'] {
  return compact({
    id: b.id,
    name: b.name,
    phone: b.phone,
    email: b.email,
    website: b.website,
    address: b.address,
    city: b.city,
    description: b.description,
    state: b.state,
    postalCode: b.postalCode,
    country: b.country,
    locationId: b.locationId,
    createdAt: iso(b.createdAt),
    updatedAt: iso(b.updatedAt),
  });
}

export function customFieldOut(
  f: CustomFieldDefinition,
  locationId: string,
): Loc['schemas']['CustomFieldSchema'] {
  return {
    id: f.id,
    name: f.name,
    fieldKey: f.fieldKey,
    placeholder: f.placeholder,
    dataType: f.dataType,
    position: f.position,
    picklistOptions: [...f.picklistOptions],
    picklistImageOptions: [],
    isAllowedCustomOption: false,
    isMultiFileAllowed: false,
    maxFileLimit: 0,
    locationId,
    model: f.model,
  };
}

/** The flat payload of the Contact* webhook events (`webhook-events/Contact*.json`). */
export function contactWebhookPayload(
  type: 'ContactCreate' | 'ContactUpdate' | 'ContactDelete' | 'ContactTagUpdate' | 'ContactDndUpdate',
  rec: ContactRecord,
): Record<string, unknown> {
  return compact({
    type,
    locationId: rec.locationId,
    id: rec.id,
    address1: rec.address1,
    city: rec.city,
    state: rec.state,
    companyName: rec.companyName,
    country: rec.country,
    source: rec.source,
    dateAdded: iso(rec.dateAdded),
    dateOfBirth: rec.dateOfBirth,
    dnd: rec.dnd,
    dndSettings: type === 'ContactDndUpdate' ? { ...(rec.dndSettings ?? {}) } : undefined,
    email: rec.email,
    name: fullName(rec),
    firstName: rec.firstName,
    lastName: rec.lastName,
    phone: rec.phone,
    postalCode: rec.postalCode,
    tags: [...rec.tags],
    website: rec.website,
    attachments: [],
    assignedTo: rec.assignedTo,
    customFields: rec.customFields.map((f) => ({ id: f.id, value: f.value })),
  });
}

export function noteWebhookPayload(
  type: 'NoteCreate' | 'NoteUpdate' | 'NoteDelete',
  n: NoteRecord,
  locationId: string,
): Record<string, unknown> {
  return { type, locationId, id: n.id, body: n.body, contactId: n.contactId, dateAdded: iso(n.dateAdded) };
}

export function taskWebhookPayload(
  type: 'TaskCreate' | 'TaskComplete' | 'TaskDelete',
  t: TaskRecord,
  locationId: string,
  withoutContact: boolean,
): Record<string, unknown> {
  return compact({
    type,
    locationId,
    id: t.id,
    assignedTo: t.assignedTo,
    body: withoutContact ? undefined : t.body,
    contactId: withoutContact ? undefined : t.contactId,
    title: t.title,
    dateAdded: iso(t.dateAdded),
    dueDate: t.dueDate,
  });
}
