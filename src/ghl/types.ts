/**
 * GHL request and response types, taken from the types generated from the official OpenAPI files
 * (`src/ghl/generated/`). Where the spec is wrong or silent, the correction is written here with
 * its reason; everything else is the generated type unchanged.
 */
import type { businessesComponents, contactsComponents, locationsComponents } from './generated/index.js';

type C = contactsComponents['schemas'];
type B = businessesComponents['schemas'];
type L = locationsComponents['schemas'];

/** A contact as `GET /contacts/:id` returns it (the spec's `GetContectByIdSchema`, sic). */
export type GhlContact = C['GetContectByIdSchema'];
/** A contact as `POST /contacts/` returns it. */
export type GhlCreatedContact = C['CreateContactSchema'];
export type GhlTask = C['TaskSchema'];
export type GhlNote = C['GetNoteSchema'];
export type GhlAppointment = C['GetEventSchema'];
export type GhlBusiness = B['BusinessDto'];
export type GhlCustomField = L['CustomFieldSchema'];
export type GhlDndSettings = C['DndSettingsSchema'];
/** A custom field value as read: `{id, value}`. */
export type GhlCustomFieldValue = C['CustomFieldSchema'];

/**
 * A custom field value as written: `{id | key, field_value}` (never `value`). The spec declares
 * `field_value` of numeric, monetary and file fields as `object`; its examples are numbers (and
 * objects keyed by uuid for files), so any JSON value is allowed here.
 */
export type GhlCustomFieldInput =
  | { id: string; key?: string; field_value?: GhlFieldValue }
  | { key: string; id?: undefined; field_value?: GhlFieldValue };
export type GhlFieldValue = string | number | string[] | Record<string, unknown> | null;

/**
 * Corrections common to create, update and upsert bodies: `dateOfBirth` is declared `object` but
 * documented (and exemplified) as a date string; custom fields as above.
 */
type ContactWrite<T> = Omit<T, 'dateOfBirth' | 'customFields'> & {
  /** `YYYY-MM-DD`, `MM/DD/YYYY`, … (see the spec's description). */
  dateOfBirth?: string | null;
  customFields?: GhlCustomFieldInput[];
};

/** `POST /contacts/` body. */
export type CreateContactInput = ContactWrite<C['CreateContactDto']>;
/** `PUT /contacts/:id` body (no `locationId`, `gender` or `companyName`: the spec's DTO has none). */
export type UpdateContactInput = ContactWrite<C['UpdateContactDto']>;
/** `POST /contacts/upsert` body; `createNewIfDuplicateAllowed` is optional (its default is false). */
export type UpsertContactInput = Omit<ContactWrite<C['UpsertContactDto']>, 'createNewIfDuplicateAllowed'> & {
  createNewIfDuplicateAllowed?: boolean;
};
export type CreateTaskInput = C['CreateTaskParams'];
export type UpdateTaskInput = C['UpdateTaskBody'];
export type CreateNoteInput = C['NotesDTO'];
export type UpdateNoteInput = C['UpdateNoteDTO'];
export type BulkTagsInput = C['UpdateTagsDTO'];
export type BulkBusinessInput = C['ContactsBusinessUpdate'];
export type CreateBusinessInput = B['CreateBusinessDto'];
export type UpdateBusinessInput = B['UpdateBusinessDto'];
/** `POST /locations/:id/tasks/search` body; the spec requires `limit` and `skip` (defaults 25 and 0). */
export type TaskSearchInput = L['TaskSearchParamsDto'];
export type WorkflowInput = C['CreateWorkflowDto'];

/** One filter of `POST /contacts/search` (NOTES §3; the spec's body schema is empty). */
export type SearchFilter =
  | {
      field: string;
      operator: 'eq' | 'not_eq' | 'contains' | 'not_contains' | 'exists' | 'not_exists' | 'range';
      value?: unknown;
    }
  | { group: 'AND' | 'OR'; filters: SearchFilter[] };

/** `POST /contacts/search` body (NOTES §3: GHL's documented body; `page` or `searchAfter`, not both). */
export interface SearchContactsInput {
  locationId: string;
  /** 1 to 500. */
  pageLimit: number;
  page?: number;
  searchAfter?: Array<string | number>;
  filters?: SearchFilter[];
  sort?: Array<{ field: string; direction: 'asc' | 'desc' }>;
  /** Full-text, up to 75 characters. */
  query?: string;
}

/**
 * A contact of a search answer (the `history/` spec's shape: the current spec dropped it). Every
 * field is optional except the cursor.
 */
export interface GhlSearchContact extends Record<string, unknown> {
  id: string;
  /** Pass the last contact's cursor as `searchAfter` for the next page. */
  searchAfter?: Array<string | number>;
  email?: string;
  phone?: string;
  firstName?: string;
  lastName?: string;
  companyName?: string;
  tags?: string[];
  dateAdded?: string;
  dateUpdated?: string;
  businessId?: string;
  customFields?: GhlCustomFieldValue[];
}

export interface SearchContactsPage {
  contacts: GhlSearchContact[];
  total: number;
}

/** An item of `GET /contacts/` and `GET /contacts/business/:id` (the spec's abbreviated schema). */
export type GhlContactListItem = C['ContactsSearchSchema'] & Record<string, unknown>;

/** The paging `meta` of `GET /contacts/`: not referenced by the spec (`ContactsMetaSchema`), often sent. */
export type ContactsListMeta = C['ContactsMetaSchema'];

/** `GET /contacts/`, read tolerantly: `meta` and `count` may each be absent. */
export interface ContactsListPage {
  contacts: GhlContactListItem[];
  count?: number;
  meta?: ContactsListMeta;
}

/** `GET /contacts/business/:id`. */
export interface BusinessContactsPage {
  contacts: GhlContactListItem[];
  count?: number;
}

/** `POST /contacts/bulk/tags/update/:type` per-contact result (the spec says `string`; it is an object). */
export interface BulkTagResult {
  contactId: string;
  message: string;
  type: 'success' | 'error';
  oldTags?: string[];
  tagsAdded?: string[];
  tagsRemoved?: string[];
}

export interface BulkTagsResult {
  succeded: boolean;
  errorCount: number;
  responses: BulkTagResult[];
}

export type UpsertContactResult = C['UpsertContactsSuccessfulResponseDto'];
export type UpdateContactResult = C['UpdateContactsSuccessfulResponseDto'];
export type FollowersResult = C['CreateAddFollowersSuccessfulResponseDto'] &
  C['DeleteFollowersSuccessfulResponseDto'];
export type BulkBusinessResult = C['ContactsBulkUpateResponse'];
/** The delete and campaign/workflow answers: `{succeded}` (sic). */
export interface SuccededResult {
  succeded?: boolean;
}
/** The business write answers: `{success}`, update also `buiseness` (sic). */
export type UpdateBusinessResult = B['UpdateBusinessResponseDto'];
export type DeleteBusinessResult = B['DeleteBusinessResponseDto'];
