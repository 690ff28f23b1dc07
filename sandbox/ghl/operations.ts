/**
 * Every API operation the GHL sandbox serves: route name (the product's catalog name), method, path
 * as in the spec (`{x}` written `:x`), the scope the token needs, and whether it writes (faults
 * "after the write" apply to writes only; `POST /contacts/search` is a read).
 */
export interface OperationDef {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  scope: string;
  write: boolean;
}

const r = 'contacts.readonly';
const w = 'contacts.write';

export const OPERATIONS: readonly OperationDef[] = [
  // The 32 operations of apps/contacts.json.
  { name: 'ghl.contacts.search', method: 'POST', path: '/contacts/search', scope: r, write: false },
  {
    name: 'ghl.contacts.duplicate',
    method: 'GET',
    path: '/contacts/search/duplicate',
    scope: r,
    write: false,
  },
  {
    name: 'ghl.contacts.tasks.list',
    method: 'GET',
    path: '/contacts/:contactId/tasks',
    scope: r,
    write: false,
  },
  {
    name: 'ghl.contacts.tasks.create',
    method: 'POST',
    path: '/contacts/:contactId/tasks',
    scope: w,
    write: true,
  },
  {
    name: 'ghl.contacts.tasks.get',
    method: 'GET',
    path: '/contacts/:contactId/tasks/:taskId',
    scope: r,
    write: false,
  },
  {
    name: 'ghl.contacts.tasks.update',
    method: 'PUT',
    path: '/contacts/:contactId/tasks/:taskId',
    scope: w,
    write: true,
  },
  {
    name: 'ghl.contacts.tasks.delete',
    method: 'DELETE',
    path: '/contacts/:contactId/tasks/:taskId',
    scope: w,
    write: true,
  },
  {
    name: 'ghl.contacts.tasks.complete',
    method: 'PUT',
    path: '/contacts/:contactId/tasks/:taskId/completed',
    scope: w,
    write: true,
  },
  {
    name: 'ghl.contacts.appointments.list',
    method: 'GET',
    path: '/contacts/:contactId/appointments',
    scope: r,
    write: false,
  },
  { name: 'ghl.contacts.tags.add', method: 'POST', path: '/contacts/:contactId/tags', scope: w, write: true },
  {
    name: 'ghl.contacts.tags.remove',
    method: 'DELETE',
    path: '/contacts/:contactId/tags',
    scope: w,
    write: true,
  },
  {
    name: 'ghl.contacts.notes.list',
    method: 'GET',
    path: '/contacts/:contactId/notes',
    scope: r,
    write: false,
  },
  {
    name: 'ghl.contacts.notes.create',
    method: 'POST',
    path: '/contacts/:contactId/notes',
    scope: w,
    write: true,
  },
  {
    name: 'ghl.contacts.notes.get',
    method: 'GET',
    path: '/contacts/:contactId/notes/:id',
    scope: r,
    write: false,
  },
  {
    name: 'ghl.contacts.notes.update',
    method: 'PUT',
    path: '/contacts/:contactId/notes/:id',
    scope: w,
    write: true,
  },
  {
    name: 'ghl.contacts.notes.delete',
    method: 'DELETE',
    path: '/contacts/:contactId/notes/:id',
    scope: w,
    write: true,
  },
  // The spec declares no security for the two bulk operations: the sandbox asks for contacts.write.
  {
    name: 'ghl.contacts.tags.bulk',
    method: 'POST',
    path: '/contacts/bulk/tags/update/:type',
    scope: w,
    write: true,
  },
  {
    name: 'ghl.contacts.business.bulk',
    method: 'POST',
    path: '/contacts/bulk/business',
    scope: w,
    write: true,
  },
  { name: 'ghl.contacts.get', method: 'GET', path: '/contacts/:contactId', scope: r, write: false },
  { name: 'ghl.contacts.update', method: 'PUT', path: '/contacts/:contactId', scope: w, write: true },
  { name: 'ghl.contacts.delete', method: 'DELETE', path: '/contacts/:contactId', scope: w, write: true },
  { name: 'ghl.contacts.upsert', method: 'POST', path: '/contacts/upsert', scope: w, write: true },
  {
    name: 'ghl.contacts.listByBusiness',
    method: 'GET',
    path: '/contacts/business/:businessId',
    scope: r,
    write: false,
  },
  {
    name: 'ghl.contacts.followers.add',
    method: 'POST',
    path: '/contacts/:contactId/followers',
    scope: w,
    write: true,
  },
  {
    name: 'ghl.contacts.followers.remove',
    method: 'DELETE',
    path: '/contacts/:contactId/followers',
    scope: w,
    write: true,
  },
  {
    name: 'ghl.contacts.campaigns.add',
    method: 'POST',
    path: '/contacts/:contactId/campaigns/:campaignId',
    scope: w,
    write: true,
  },
  {
    name: 'ghl.contacts.campaigns.remove',
    method: 'DELETE',
    path: '/contacts/:contactId/campaigns/:campaignId',
    scope: w,
    write: true,
  },
  {
    name: 'ghl.contacts.campaigns.removeAll',
    method: 'DELETE',
    path: '/contacts/:contactId/campaigns/removeAll',
    scope: w,
    write: true,
  },
  {
    name: 'ghl.contacts.workflows.add',
    method: 'POST',
    path: '/contacts/:contactId/workflow/:workflowId',
    scope: w,
    write: true,
  },
  {
    name: 'ghl.contacts.workflows.remove',
    method: 'DELETE',
    path: '/contacts/:contactId/workflow/:workflowId',
    scope: w,
    write: true,
  },
  { name: 'ghl.contacts.create', method: 'POST', path: '/contacts/', scope: w, write: true },
  { name: 'ghl.contacts.list', method: 'GET', path: '/contacts/', scope: r, write: false },
  // apps/businesses.json
  {
    name: 'ghl.businesses.get',
    method: 'GET',
    path: '/businesses/:businessId',
    scope: 'businesses.readonly',
    write: false,
  },
  {
    name: 'ghl.businesses.list',
    method: 'GET',
    path: '/businesses/',
    scope: 'businesses.readonly',
    write: false,
  },
  {
    name: 'ghl.businesses.create',
    method: 'POST',
    path: '/businesses/',
    scope: 'businesses.write',
    write: true,
  },
  {
    name: 'ghl.businesses.update',
    method: 'PUT',
    path: '/businesses/:businessId',
    scope: 'businesses.write',
    write: true,
  },
  {
    name: 'ghl.businesses.delete',
    method: 'DELETE',
    path: '/businesses/:businessId',
    scope: 'businesses.write',
    write: true,
  },
  // apps/locations.json
  {
    name: 'ghl.customFields.list',
    method: 'GET',
    path: '/locations/:locationId/customFields',
    scope: 'locations/customFields.readonly',
    write: false,
  },
  {
    name: 'ghl.tasks.search',
    method: 'POST',
    path: '/locations/:locationId/tasks/search',
    scope: 'locations/tasks.readonly',
    write: false,
  },
];

export const OPERATIONS_BY_NAME: ReadonlyMap<string, OperationDef> = new Map(
  OPERATIONS.map((o) => [o.name, o]),
);

/** Name of the OAuth token route (no bearer token, no Version header, not rate limited). */
export const OAUTH_TOKEN_ROUTE = 'ghl.oauth.token';
