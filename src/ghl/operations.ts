/**
 * The GHL half of the operations catalog: every operation the product can call, named as issue 3
 * lists them, with the spec's method, path, parameter names and scope. `GhlClient` sends every call
 * through these definitions, so the catalog and the client cannot drift apart.
 */
import { InputError } from '../errors/index.js';
import type { OperationDef, ParamDef } from '../ops/types.js';

const R = 'contacts.readonly';
const W = 'contacts.write';
const BR = 'businesses.readonly';
const BW = 'businesses.write';

const path = (name: string, description: string): ParamDef => ({
  name,
  in: 'path',
  required: true,
  type: 'string',
  description,
});
const query = (
  name: string,
  description: string,
  options: { required?: boolean; type?: ParamDef['type'] } = {},
): ParamDef => ({
  name,
  in: 'query',
  required: options.required ?? false,
  type: options.type ?? 'string',
  description,
});
/** The JSON body, given under `body` in `ops call --params`. */
const body = (description: string, required = true): ParamDef => ({
  name: 'body',
  in: 'body',
  required,
  type: 'object',
  description,
});

const contactId = path('contactId', 'the GHL contact id');
const taskId = path('taskId', 'the task id');
const noteId = path('id', 'the note id');
const locationQuery = query('locationId', "the location (sub-account) id; default: the connection's", {
  required: true,
});

type Def = Omit<OperationDef, 'api' | 'hasBody'> & { hasBody?: boolean };

function op(def: Def): OperationDef {
  return { api: 'ghl', hasBody: def.params.some((p) => p.in === 'body'), ...def };
}

/** Every GHL operation of the catalog: the 32 of the contacts spec, businesses, custom fields, task search. */
export const GHL_OPERATIONS: readonly OperationDef[] = [
  op({
    name: 'ghl.contacts.get',
    description: 'Get one contact by id',
    method: 'GET',
    path: '/contacts/{contactId}',
    scope: R,
    params: [contactId],
  }),
  op({
    name: 'ghl.contacts.list',
    description:
      'List contacts (deprecated by GHL in favour of search); pages by startAfter + startAfterId from the answer meta',
    method: 'GET',
    path: '/contacts/',
    scope: R,
    deprecated: true,
    paged: true,
    params: [
      locationQuery,
      query('startAfterId', "the previous page's meta.startAfterId"),
      query('startAfter', "the previous page's meta.startAfter (epoch ms)", { type: 'number' }),
      query('query', 'full-text filter'),
      query('limit', 'page size, up to 100 (default 20)', { type: 'number' }),
    ],
  }),
  op({
    name: 'ghl.contacts.search',
    description:
      'Search contacts with filters and sort (body: locationId, pageLimit ≤ 500, page or searchAfter, filters, sort, query)',
    method: 'POST',
    path: '/contacts/search',
    scope: R,
    paged: true,
    idempotent: true,
    params: [body('{locationId, pageLimit, searchAfter?, page?, filters?, sort?, query?}')],
  }),
  op({
    name: 'ghl.contacts.duplicate',
    description: 'Find the contact a new contact would duplicate, by email or phone number',
    method: 'GET',
    path: '/contacts/search/duplicate',
    scope: R,
    params: [
      locationQuery,
      query('number', 'phone number, e.g. +14231645160'),
      query('email', 'email address'),
    ],
  }),
  op({
    name: 'ghl.contacts.listByBusiness',
    description: 'List the contacts of a business; pages by skip',
    method: 'GET',
    path: '/contacts/business/{businessId}',
    scope: R,
    paged: true,
    params: [
      path('businessId', 'the business id'),
      locationQuery,
      query('limit', 'page size (default "25")'),
      query('skip', 'contacts to skip (default "0")'),
      query('query', 'full-text filter'),
    ],
  }),
  op({
    name: 'ghl.contacts.create',
    description: 'Create a contact (tags given here replace all tags)',
    method: 'POST',
    path: '/contacts/',
    scope: W,
    params: [body('CreateContactDto: locationId, firstName, lastName, email, phone, …')],
  }),
  op({
    name: 'ghl.contacts.update',
    description: 'Update a contact (tags given here replace all tags; use the tag operations for changes)',
    method: 'PUT',
    path: '/contacts/{contactId}',
    scope: W,
    params: [contactId, body('UpdateContactDto: firstName, lastName, email, phone, …')],
  }),
  op({
    name: 'ghl.contacts.upsert',
    description:
      "Create or update a contact matched by the location's duplicate rule (email, then phone); answers new: true|false",
    method: 'POST',
    path: '/contacts/upsert',
    scope: W,
    idempotent: true,
    params: [body('UpsertContactDto: locationId, email, phone, …')],
  }),
  op({
    name: 'ghl.contacts.delete',
    description: 'Delete a contact',
    method: 'DELETE',
    path: '/contacts/{contactId}',
    scope: W,
    params: [contactId],
  }),
  op({
    name: 'ghl.contacts.tags.add',
    description: 'Add tags to a contact (keeps the others)',
    method: 'POST',
    path: '/contacts/{contactId}/tags',
    scope: W,
    idempotent: true,
    params: [contactId, body('{tags: string[]}')],
  }),
  op({
    name: 'ghl.contacts.tags.remove',
    description: 'Remove tags from a contact (keeps the others)',
    method: 'DELETE',
    path: '/contacts/{contactId}/tags',
    scope: W,
    params: [contactId, body('{tags: string[]}')],
  }),
  op({
    name: 'ghl.contacts.tags.bulk',
    description: 'Add or remove tags on many contacts at once (type: add or remove)',
    method: 'POST',
    path: '/contacts/bulk/tags/update/{type}',
    // The spec declares no security here; the sandbox (and GHL's scope table) put it under contacts.write.
    scope: W,
    idempotent: true,
    params: [
      path('type', '"add" or "remove" (the spec omits this parameter)'),
      body('{contacts: string[], tags: string[], locationId, removeAllTags?}'),
    ],
  }),
  op({
    name: 'ghl.contacts.business.bulk',
    description: 'Add contacts to a business, or remove them (businessId null)',
    method: 'POST',
    path: '/contacts/bulk/business',
    scope: W,
    idempotent: true,
    params: [body('{locationId, ids: string[], businessId: string | null}')],
  }),
  op({
    name: 'ghl.contacts.tasks.list',
    description: 'List the tasks of a contact',
    method: 'GET',
    path: '/contacts/{contactId}/tasks',
    scope: R,
    params: [contactId],
  }),
  op({
    name: 'ghl.contacts.tasks.get',
    description: 'Get one task of a contact',
    method: 'GET',
    path: '/contacts/{contactId}/tasks/{taskId}',
    scope: R,
    params: [contactId, taskId],
  }),
  op({
    name: 'ghl.contacts.tasks.create',
    description: 'Create a task on a contact (title, dueDate and completed are required)',
    method: 'POST',
    path: '/contacts/{contactId}/tasks',
    scope: W,
    params: [contactId, body('{title, dueDate (ISO), completed, body?, assignedTo?}')],
  }),
  op({
    name: 'ghl.contacts.tasks.update',
    description: 'Update a task',
    method: 'PUT',
    path: '/contacts/{contactId}/tasks/{taskId}',
    scope: W,
    params: [contactId, taskId, body('{title?, body?, dueDate?, completed?, assignedTo?}')],
  }),
  op({
    name: 'ghl.contacts.tasks.complete',
    description: 'Mark a task completed or not',
    method: 'PUT',
    path: '/contacts/{contactId}/tasks/{taskId}/completed',
    scope: W,
    params: [contactId, taskId, body('{completed: boolean}')],
  }),
  op({
    name: 'ghl.contacts.tasks.delete',
    description: 'Delete a task',
    method: 'DELETE',
    path: '/contacts/{contactId}/tasks/{taskId}',
    scope: W,
    params: [contactId, taskId],
  }),
  op({
    name: 'ghl.contacts.notes.list',
    description: 'List the notes of a contact',
    method: 'GET',
    path: '/contacts/{contactId}/notes',
    scope: R,
    params: [contactId],
  }),
  op({
    name: 'ghl.contacts.notes.get',
    description: 'Get one note of a contact',
    method: 'GET',
    path: '/contacts/{contactId}/notes/{id}',
    scope: R,
    params: [contactId, noteId],
  }),
  op({
    name: 'ghl.contacts.notes.create',
    description: 'Create a note on a contact',
    method: 'POST',
    path: '/contacts/{contactId}/notes',
    scope: W,
    params: [contactId, body('{body, userId?, title?, color?, pinned?}')],
  }),
  op({
    name: 'ghl.contacts.notes.update',
    description: 'Update a note',
    method: 'PUT',
    path: '/contacts/{contactId}/notes/{id}',
    scope: W,
    params: [contactId, noteId, body('{body?, userId?, title?, color?, pinned?}')],
  }),
  op({
    name: 'ghl.contacts.notes.delete',
    description: 'Delete a note',
    method: 'DELETE',
    path: '/contacts/{contactId}/notes/{id}',
    scope: W,
    params: [contactId, noteId],
  }),
  op({
    name: 'ghl.contacts.appointments.list',
    description: 'List the appointments of a contact',
    method: 'GET',
    path: '/contacts/{contactId}/appointments',
    scope: R,
    params: [contactId],
  }),
  op({
    name: 'ghl.contacts.followers.add',
    description: 'Add followers (user ids) to a contact',
    method: 'POST',
    path: '/contacts/{contactId}/followers',
    scope: W,
    idempotent: true,
    params: [contactId, body('{followers: string[]}')],
  }),
  op({
    name: 'ghl.contacts.followers.remove',
    description: 'Remove followers from a contact',
    method: 'DELETE',
    path: '/contacts/{contactId}/followers',
    scope: W,
    params: [contactId, body('{followers: string[]}')],
  }),
  op({
    name: 'ghl.contacts.campaigns.add',
    description: 'Add a contact to a campaign',
    method: 'POST',
    path: '/contacts/{contactId}/campaigns/{campaignId}',
    scope: W,
    params: [contactId, path('campaignId', 'the campaign id'), body('{} (no fields)', false)],
  }),
  op({
    name: 'ghl.contacts.campaigns.remove',
    description: 'Remove a contact from a campaign',
    method: 'DELETE',
    path: '/contacts/{contactId}/campaigns/{campaignId}',
    scope: W,
    params: [contactId, path('campaignId', 'the campaign id')],
  }),
  op({
    name: 'ghl.contacts.campaigns.removeAll',
    description: 'Remove a contact from every campaign',
    method: 'DELETE',
    path: '/contacts/{contactId}/campaigns/removeAll',
    scope: W,
    params: [contactId],
  }),
  op({
    name: 'ghl.contacts.workflows.add',
    description: 'Add a contact to a workflow',
    method: 'POST',
    path: '/contacts/{contactId}/workflow/{workflowId}',
    scope: W,
    params: [contactId, path('workflowId', 'the workflow id'), body('{eventStartTime?}', false)],
  }),
  op({
    name: 'ghl.contacts.workflows.remove',
    description: 'Remove a contact from a workflow',
    method: 'DELETE',
    path: '/contacts/{contactId}/workflow/{workflowId}',
    scope: W,
    params: [contactId, path('workflowId', 'the workflow id'), body('{eventStartTime?}', false)],
  }),
  op({
    name: 'ghl.businesses.get',
    description: 'Get one business',
    method: 'GET',
    path: '/businesses/{businessId}',
    scope: BR,
    params: [path('businessId', 'the business id')],
  }),
  op({
    name: 'ghl.businesses.list',
    description: 'List the businesses of a location; pages by skip',
    method: 'GET',
    path: '/businesses/',
    scope: BR,
    paged: true,
    params: [
      locationQuery,
      query('limit', 'page size (default "100")'),
      query('skip', 'businesses to skip (default "0")'),
    ],
  }),
  op({
    name: 'ghl.businesses.create',
    description: 'Create a business',
    method: 'POST',
    path: '/businesses/',
    scope: BW,
    params: [body('{name, locationId, phone?, email?, website?, address?, city?, …}')],
  }),
  op({
    name: 'ghl.businesses.update',
    description: 'Update a business',
    method: 'PUT',
    path: '/businesses/{businessId}',
    scope: BW,
    params: [path('businessId', 'the business id'), body('{name?, phone?, email?, …}')],
  }),
  op({
    name: 'ghl.businesses.delete',
    description: 'Delete a business',
    method: 'DELETE',
    path: '/businesses/{businessId}',
    scope: BW,
    params: [path('businessId', 'the business id')],
  }),
  op({
    name: 'ghl.customFields.list',
    description: 'List the custom fields of a location (model: contact, opportunity or all)',
    method: 'GET',
    path: '/locations/{locationId}/customFields',
    scope: 'locations/customFields.readonly',
    params: [
      path('locationId', "the location (sub-account) id; default: the connection's"),
      query('model', 'contact, opportunity or all'),
    ],
  }),
  op({
    name: 'ghl.locations.tasks.search',
    description: 'Search the tasks of a whole location (the only location-wide task listing); pages by skip',
    method: 'POST',
    path: '/locations/{locationId}/tasks/search',
    scope: 'locations/tasks.readonly',
    paged: true,
    idempotent: true,
    params: [
      path('locationId', "the location (sub-account) id; default: the connection's"),
      body('{limit, skip, contactId?: string[], completed?, assignedTo?: string[], query?, businessId?}'),
    ],
  }),
];

/** The names of the GHL operations. */
export type GhlOperationName =
  | 'ghl.contacts.get'
  | 'ghl.contacts.list'
  | 'ghl.contacts.search'
  | 'ghl.contacts.duplicate'
  | 'ghl.contacts.listByBusiness'
  | 'ghl.contacts.create'
  | 'ghl.contacts.update'
  | 'ghl.contacts.upsert'
  | 'ghl.contacts.delete'
  | 'ghl.contacts.tags.add'
  | 'ghl.contacts.tags.remove'
  | 'ghl.contacts.tags.bulk'
  | 'ghl.contacts.business.bulk'
  | 'ghl.contacts.tasks.list'
  | 'ghl.contacts.tasks.get'
  | 'ghl.contacts.tasks.create'
  | 'ghl.contacts.tasks.update'
  | 'ghl.contacts.tasks.complete'
  | 'ghl.contacts.tasks.delete'
  | 'ghl.contacts.notes.list'
  | 'ghl.contacts.notes.get'
  | 'ghl.contacts.notes.create'
  | 'ghl.contacts.notes.update'
  | 'ghl.contacts.notes.delete'
  | 'ghl.contacts.appointments.list'
  | 'ghl.contacts.followers.add'
  | 'ghl.contacts.followers.remove'
  | 'ghl.contacts.campaigns.add'
  | 'ghl.contacts.campaigns.remove'
  | 'ghl.contacts.campaigns.removeAll'
  | 'ghl.contacts.workflows.add'
  | 'ghl.contacts.workflows.remove'
  | 'ghl.businesses.get'
  | 'ghl.businesses.list'
  | 'ghl.businesses.create'
  | 'ghl.businesses.update'
  | 'ghl.businesses.delete'
  | 'ghl.customFields.list'
  | 'ghl.locations.tasks.search';

const BY_NAME: ReadonlyMap<string, OperationDef> = new Map(GHL_OPERATIONS.map((o) => [o.name, o]));

/**
 * The definition of a GHL operation.
 *
 * @example
 * ghlOperation('ghl.contacts.get').scope // 'contacts.readonly'
 */
export function ghlOperation(name: GhlOperationName | string): OperationDef {
  const def = BY_NAME.get(name);
  if (!def) {
    throw new InputError(
      'ghl operation',
      `unknown operation "${name}"`,
      'run `cin7-ghl ops list` to see them',
    );
  }
  return def;
}

/**
 * The scope a GHL operation needs (named in a `ScopeError`).
 *
 * @example
 * scopeForOperation('ghl.customFields.list') // 'locations/customFields.readonly'
 */
export function scopeForOperation(name: string): string | undefined {
  return BY_NAME.get(name)?.scope;
}

/** Whether an operation takes `locationId` somewhere (path, query or body), for defaulting it. */
export function locationIdPlacement(def: OperationDef): 'path' | 'query' | 'body' | null {
  const p = def.params.find((x) => x.name === 'locationId');
  if (p) return p.in;
  return BODY_LOCATION_OPERATIONS.has(def.name) ? 'body' : null;
}

/** Operations whose JSON body carries `locationId` (required by their spec DTO). */
const BODY_LOCATION_OPERATIONS: ReadonlySet<string> = new Set([
  'ghl.contacts.search',
  'ghl.contacts.create',
  'ghl.contacts.upsert',
  'ghl.contacts.tags.bulk',
  'ghl.contacts.business.bulk',
  'ghl.businesses.create',
]);
