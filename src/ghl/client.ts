import { InputError } from '../errors/index.js';
import type { HttpClient } from '../http/client.js';
import { AuthError } from '../http/errors.js';
import type { HttpResponse, QueryValue } from '../http/types.js';
import type { GhlAccessToken, GhlTokenProvider } from './auth.js';
import { type GhlOperationName, ghlOperation } from './operations.js';
import {
  type PageOptions,
  businessContactPages,
  businessPages,
  contactListPages,
  searchContactPages,
  taskSearchPages,
} from './pagination.js';
import {
  readBusinessContacts,
  readBusinessWrite,
  readContactsList,
  readDuplicate,
  readKey,
  readList,
  readObject,
  readSearchPage,
  strings,
} from './read.js';
import type {
  BulkBusinessInput,
  BulkBusinessResult,
  BulkTagsInput,
  BulkTagsResult,
  BusinessContactsPage,
  ContactsListPage,
  CreateBusinessInput,
  CreateContactInput,
  CreateNoteInput,
  CreateTaskInput,
  DeleteBusinessResult,
  FollowersResult,
  GhlAppointment,
  GhlBusiness,
  GhlContact,
  GhlCreatedContact,
  GhlCustomField,
  GhlNote,
  GhlTask,
  SearchContactsInput,
  SearchContactsPage,
  SuccededResult,
  TaskSearchInput,
  UpdateBusinessInput,
  UpdateBusinessResult,
  UpdateContactInput,
  UpdateContactResult,
  UpdateNoteInput,
  UpdateTaskInput,
  UpsertContactInput,
  UpsertContactResult,
  WorkflowInput,
} from './types.js';

export interface GhlClientOptions {
  /** The one HTTP layer, with `ghlHttpRules` registered. */
  http: HttpClient;
  /** Config `ghl.baseUrl` (the sandbox's in tests). */
  baseUrl: string;
  /** A static token (PIT) or the OAuth token manager. */
  auth: GhlTokenProvider;
  /** The connection's location: the default `locationId` and the rate-limit key. Default: `auth.locationId`. */
  locationId?: string;
}

/** Path and query parameters by their spec names, and the JSON body, of one call. */
export interface GhlCallArgs {
  path?: Record<string, string>;
  query?: Record<string, QueryValue>;
  body?: unknown;
  signal?: AbortSignal;
  /** Validates and narrows the answer; a throw becomes a `BadResponseError`. */
  parse?: (body: unknown) => unknown;
}

/** Query values of the list operations (the spec's names; `limit`/`skip` as the spec types them). */
export interface ContactsListQuery {
  locationId?: string;
  startAfterId?: string;
  startAfter?: number;
  query?: string;
  /** Up to 100 (default 20). */
  limit?: number;
}

export interface BusinessContactsQuery {
  locationId?: string;
  limit?: number | string;
  skip?: number | string;
  query?: string;
}

type WithLocation<T extends { locationId: string }> = Omit<T, 'locationId'> & { locationId?: string };

/**
 * The GHL v2 client: every operation of the catalog (`src/ghl/operations.ts`) as a typed method,
 * each sent through the one HTTP layer with its catalog name (counted per operation), its scope
 * (named in a `ScopeError`) and the location as rate-limit key. `Version: 2021-07-28` comes from
 * the GHL rules. A 401 other than a missing scope gets one retry with the token the provider gives
 * after it (a refreshed OAuth token); a scope 401 is never retried.
 *
 * @example
 * const ghl = new GhlClient({ http, baseUrl: config.ghl.baseUrl, auth: tokens });
 * const contact = await ghl.getContact('abc');
 * for await (const page of ghl.searchContactPages({ pageLimit: 500 })) handle(page.contacts);
 */
export class GhlClient {
  readonly #http: HttpClient;
  readonly #baseUrl: string;
  readonly #auth: GhlTokenProvider;
  readonly #locationId: string | undefined;

  constructor(options: GhlClientOptions) {
    this.#http = options.http;
    this.#baseUrl = options.baseUrl;
    this.#auth = options.auth;
    this.#locationId = options.locationId ?? options.auth.locationId;
  }

  /** The connection's location id, when known. */
  get locationId(): string | undefined {
    return this.#locationId;
  }

  /**
   * One call of a catalog operation, answered with the full response (status, headers, body).
   *
   * @example
   * const res = await ghl.request('ghl.contacts.get', { path: { contactId: 'abc' } });
   */
  async request<T = unknown>(name: GhlOperationName, args: GhlCallArgs = {}): Promise<HttpResponse<T>> {
    const def = ghlOperation(name);
    const resolvedPath = def.path.replace(/\{(\w+)\}/g, (_, key: string) => {
      const value = args.path?.[key];
      if (value === undefined || value === '') {
        throw new InputError(`${name}`, `path parameter "${key}" is missing`, `give ${key}`);
      }
      return encodeURIComponent(value);
    });
    const rateKey =
      this.#locationId ??
      stringOr(args.query?.locationId) ??
      args.path?.locationId ??
      stringOr((args.body as { locationId?: unknown } | undefined)?.locationId) ??
      'ghl:no-location';
    const send = (token: GhlAccessToken) =>
      this.#http.request<T>({
        api: 'ghl',
        operation: def.name,
        method: def.method,
        baseUrl: this.#baseUrl,
        path: resolvedPath,
        ...(args.query ? { query: args.query } : {}),
        ...(args.body !== undefined ? { body: args.body } : {}),
        headers: { authorization: `Bearer ${token.value}` },
        rateKey,
        ...(def.scope ? { scope: def.scope } : {}),
        ...(def.idempotent ? { idempotent: true } : {}),
        ...(args.signal ? { signal: args.signal } : {}),
        ...(args.parse ? { parse: args.parse as (b: unknown) => T } : {}),
      });
    const token = await this.#auth.getToken(args.signal);
    try {
      return await send(token);
    } catch (e) {
      // ScopeError is not an AuthError: a missing scope is never retried. 403 is not a token problem.
      if (!(e instanceof AuthError) || e.status !== 401) throw e;
      const next = await this.#auth.afterUnauthorized(token, args.signal);
      if (!next) throw e;
      return send(next);
    }
  }

  /** One call of a catalog operation; the response body. */
  async call<T = unknown>(name: GhlOperationName, args: GhlCallArgs = {}): Promise<T> {
    return (await this.request<T>(name, args)).body;
  }

  #location(given: string | undefined, name: string): string {
    const id = given ?? this.#locationId;
    if (!id) {
      throw new InputError(
        name,
        'no locationId: the client has no connection location and none was given',
        'pass locationId, or set ghl.locationId (GHL_LOCATION_ID)',
      );
    }
    return id;
  }

  // ----- contacts -----

  /** `GET /contacts/:contactId`. */
  getContact(contactId: string, signal?: AbortSignal): Promise<GhlContact> {
    return this.call('ghl.contacts.get', {
      path: { contactId },
      signal,
      parse: readKey<GhlContact>('contact', 'get contact answer'),
    });
  }

  /** `GET /contacts/` (deprecated by GHL): one page; see `contactListPages` for all of them. */
  listContacts(q: ContactsListQuery = {}, signal?: AbortSignal): Promise<ContactsListPage> {
    return this.call('ghl.contacts.list', {
      query: { ...q, locationId: this.#location(q.locationId, 'ghl.contacts.list') },
      signal,
      parse: readContactsList,
    });
  }

  /** `POST /contacts/search`: one page; see `searchContactPages` for all of them. */
  searchContacts(
    input: WithLocation<SearchContactsInput>,
    signal?: AbortSignal,
  ): Promise<SearchContactsPage> {
    return this.call('ghl.contacts.search', {
      body: { ...input, locationId: this.#location(input.locationId, 'ghl.contacts.search') },
      signal,
      parse: readSearchPage,
    });
  }

  /** `GET /contacts/search/duplicate`: the contact a new one with this email or phone would duplicate. */
  findDuplicate(
    by: { email?: string; number?: string; locationId?: string },
    signal?: AbortSignal,
  ): Promise<GhlContact | null> {
    return this.call('ghl.contacts.duplicate', {
      query: {
        locationId: this.#location(by.locationId, 'ghl.contacts.duplicate'),
        number: by.number,
        email: by.email,
      },
      signal,
      parse: readDuplicate,
    });
  }

  /** `GET /contacts/business/:businessId`: one page (an unknown business answers an empty list). */
  listContactsByBusiness(
    businessId: string,
    q: BusinessContactsQuery = {},
    signal?: AbortSignal,
  ): Promise<BusinessContactsPage> {
    return this.call('ghl.contacts.listByBusiness', {
      path: { businessId },
      query: {
        locationId: this.#location(q.locationId, 'ghl.contacts.listByBusiness'),
        limit: q.limit === undefined ? undefined : String(q.limit),
        skip: q.skip === undefined ? undefined : String(q.skip),
        query: q.query,
      },
      signal,
      parse: readBusinessContacts,
    });
  }

  /** `POST /contacts/` (not repeated after an error: it could create a duplicate). */
  createContact(input: WithLocation<CreateContactInput>, signal?: AbortSignal): Promise<GhlCreatedContact> {
    return this.call('ghl.contacts.create', {
      body: { ...input, locationId: this.#location(input.locationId, 'ghl.contacts.create') },
      signal,
      parse: readKey<GhlCreatedContact>('contact', 'create contact answer'),
    });
  }

  /** `PUT /contacts/:contactId` (`tags` here replace every tag). */
  updateContact(
    contactId: string,
    input: UpdateContactInput,
    signal?: AbortSignal,
  ): Promise<UpdateContactResult> {
    return this.call('ghl.contacts.update', {
      path: { contactId },
      body: input,
      signal,
      parse: readObject<UpdateContactResult>('update contact answer'),
    });
  }

  /** `POST /contacts/upsert`: `{new, contact, traceId}`. */
  upsertContact(input: WithLocation<UpsertContactInput>, signal?: AbortSignal): Promise<UpsertContactResult> {
    return this.call('ghl.contacts.upsert', {
      body: { ...input, locationId: this.#location(input.locationId, 'ghl.contacts.upsert') },
      signal,
      parse: readObject<UpsertContactResult>('upsert contact answer'),
    });
  }

  /** `DELETE /contacts/:contactId`. */
  deleteContact(contactId: string, signal?: AbortSignal): Promise<SuccededResult> {
    return this.call('ghl.contacts.delete', {
      path: { contactId },
      signal,
      parse: readObject<SuccededResult>('delete contact answer'),
    });
  }

  /** `POST /contacts/:contactId/tags`: the contact's tags after the change. */
  addTags(contactId: string, tags: string[], signal?: AbortSignal): Promise<string[]> {
    return this.call('ghl.contacts.tags.add', {
      path: { contactId },
      body: { tags },
      signal,
      parse: readList<string>('tags', 'add tags answer', strings),
    });
  }

  /** `DELETE /contacts/:contactId/tags` (with a JSON body): the contact's tags after the change. */
  removeTags(contactId: string, tags: string[], signal?: AbortSignal): Promise<string[]> {
    return this.call('ghl.contacts.tags.remove', {
      path: { contactId },
      body: { tags },
      signal,
      parse: readList<string>('tags', 'remove tags answer', strings),
    });
  }

  /** `POST /contacts/bulk/tags/update/:type`. */
  bulkTags(
    type: 'add' | 'remove',
    input: WithLocation<BulkTagsInput>,
    signal?: AbortSignal,
  ): Promise<BulkTagsResult> {
    return this.call('ghl.contacts.tags.bulk', {
      path: { type },
      body: { ...input, locationId: this.#location(input.locationId, 'ghl.contacts.tags.bulk') },
      signal,
      parse: readObject<BulkTagsResult>('bulk tags answer'),
    });
  }

  /** `POST /contacts/bulk/business`: `businessId: null` removes the association. */
  bulkBusiness(input: WithLocation<BulkBusinessInput>, signal?: AbortSignal): Promise<BulkBusinessResult> {
    return this.call('ghl.contacts.business.bulk', {
      body: { ...input, locationId: this.#location(input.locationId, 'ghl.contacts.business.bulk') },
      signal,
      parse: readObject<BulkBusinessResult>('bulk business answer'),
    });
  }

  // ----- tasks, notes, appointments -----

  listTasks(contactId: string, signal?: AbortSignal): Promise<GhlTask[]> {
    return this.call('ghl.contacts.tasks.list', {
      path: { contactId },
      signal,
      parse: readList<GhlTask>('tasks', 'tasks answer'),
    });
  }

  getTask(contactId: string, taskId: string, signal?: AbortSignal): Promise<GhlTask> {
    return this.call('ghl.contacts.tasks.get', {
      path: { contactId, taskId },
      signal,
      parse: readKey<GhlTask>('task', 'task answer'),
    });
  }

  createTask(contactId: string, input: CreateTaskInput, signal?: AbortSignal): Promise<GhlTask> {
    return this.call('ghl.contacts.tasks.create', {
      path: { contactId },
      body: input,
      signal,
      parse: readKey<GhlTask>('task', 'create task answer'),
    });
  }

  updateTask(
    contactId: string,
    taskId: string,
    input: UpdateTaskInput,
    signal?: AbortSignal,
  ): Promise<GhlTask> {
    return this.call('ghl.contacts.tasks.update', {
      path: { contactId, taskId },
      body: input,
      signal,
      parse: readKey<GhlTask>('task', 'update task answer'),
    });
  }

  completeTask(
    contactId: string,
    taskId: string,
    completed: boolean,
    signal?: AbortSignal,
  ): Promise<GhlTask> {
    return this.call('ghl.contacts.tasks.complete', {
      path: { contactId, taskId },
      body: { completed },
      signal,
      parse: readKey<GhlTask>('task', 'complete task answer'),
    });
  }

  deleteTask(contactId: string, taskId: string, signal?: AbortSignal): Promise<SuccededResult> {
    return this.call('ghl.contacts.tasks.delete', {
      path: { contactId, taskId },
      signal,
      parse: readObject<SuccededResult>('delete task answer'),
    });
  }

  listNotes(contactId: string, signal?: AbortSignal): Promise<GhlNote[]> {
    return this.call('ghl.contacts.notes.list', {
      path: { contactId },
      signal,
      parse: readList<GhlNote>('notes', 'notes answer'),
    });
  }

  getNote(contactId: string, id: string, signal?: AbortSignal): Promise<GhlNote> {
    return this.call('ghl.contacts.notes.get', {
      path: { contactId, id },
      signal,
      parse: readKey<GhlNote>('note', 'note answer'),
    });
  }

  createNote(contactId: string, input: CreateNoteInput, signal?: AbortSignal): Promise<GhlNote> {
    return this.call('ghl.contacts.notes.create', {
      path: { contactId },
      body: input,
      signal,
      parse: readKey<GhlNote>('note', 'create note answer'),
    });
  }

  updateNote(contactId: string, id: string, input: UpdateNoteInput, signal?: AbortSignal): Promise<GhlNote> {
    return this.call('ghl.contacts.notes.update', {
      path: { contactId, id },
      body: input,
      signal,
      parse: readKey<GhlNote>('note', 'update note answer'),
    });
  }

  deleteNote(contactId: string, id: string, signal?: AbortSignal): Promise<SuccededResult> {
    return this.call('ghl.contacts.notes.delete', {
      path: { contactId, id },
      signal,
      parse: readObject<SuccededResult>('delete note answer'),
    });
  }

  listAppointments(contactId: string, signal?: AbortSignal): Promise<GhlAppointment[]> {
    return this.call('ghl.contacts.appointments.list', {
      path: { contactId },
      signal,
      parse: readList<GhlAppointment>('events', 'appointments answer'),
    });
  }

  // ----- followers, campaigns, workflows -----

  addFollowers(contactId: string, followers: string[], signal?: AbortSignal): Promise<FollowersResult> {
    return this.call('ghl.contacts.followers.add', {
      path: { contactId },
      body: { followers },
      signal,
      parse: readObject<FollowersResult>('add followers answer'),
    });
  }

  removeFollowers(contactId: string, followers: string[], signal?: AbortSignal): Promise<FollowersResult> {
    return this.call('ghl.contacts.followers.remove', {
      path: { contactId },
      body: { followers },
      signal,
      parse: readObject<FollowersResult>('remove followers answer'),
    });
  }

  addToCampaign(contactId: string, campaignId: string, signal?: AbortSignal): Promise<SuccededResult> {
    return this.call('ghl.contacts.campaigns.add', {
      path: { contactId, campaignId },
      body: {},
      signal,
      parse: readObject<SuccededResult>('add to campaign answer'),
    });
  }

  removeFromCampaign(contactId: string, campaignId: string, signal?: AbortSignal): Promise<SuccededResult> {
    return this.call('ghl.contacts.campaigns.remove', {
      path: { contactId, campaignId },
      signal,
      parse: readObject<SuccededResult>('remove from campaign answer'),
    });
  }

  removeFromAllCampaigns(contactId: string, signal?: AbortSignal): Promise<SuccededResult> {
    return this.call('ghl.contacts.campaigns.removeAll', {
      path: { contactId },
      signal,
      parse: readObject<SuccededResult>('remove from every campaign answer'),
    });
  }

  addToWorkflow(
    contactId: string,
    workflowId: string,
    input: WorkflowInput = {},
    signal?: AbortSignal,
  ): Promise<SuccededResult> {
    return this.call('ghl.contacts.workflows.add', {
      path: { contactId, workflowId },
      body: input,
      signal,
      parse: readObject<SuccededResult>('add to workflow answer'),
    });
  }

  removeFromWorkflow(
    contactId: string,
    workflowId: string,
    input: WorkflowInput = {},
    signal?: AbortSignal,
  ): Promise<SuccededResult> {
    return this.call('ghl.contacts.workflows.remove', {
      path: { contactId, workflowId },
      body: input,
      signal,
      parse: readObject<SuccededResult>('remove from workflow answer'),
    });
  }

  // ----- businesses -----

  getBusiness(businessId: string, signal?: AbortSignal): Promise<GhlBusiness> {
    return this.call('ghl.businesses.get', {
      path: { businessId },
      signal,
      parse: readKey<GhlBusiness>('business', 'business answer'),
    });
  }

  /** `GET /businesses/`: one page (`limit` default "100"); see `businessPages` for all of them. */
  listBusinesses(
    q: { locationId?: string; limit?: number | string; skip?: number | string } = {},
    signal?: AbortSignal,
  ): Promise<GhlBusiness[]> {
    return this.call('ghl.businesses.list', {
      query: {
        locationId: this.#location(q.locationId, 'ghl.businesses.list'),
        limit: q.limit === undefined ? undefined : String(q.limit),
        skip: q.skip === undefined ? undefined : String(q.skip),
      },
      signal,
      parse: readList<GhlBusiness>('businesses', 'businesses answer'),
    });
  }

  /** `POST /businesses/`: the business created (from the answer's `buiseness`, sic). */
  createBusiness(input: WithLocation<CreateBusinessInput>, signal?: AbortSignal): Promise<GhlBusiness> {
    return this.call('ghl.businesses.create', {
      body: { ...input, locationId: this.#location(input.locationId, 'ghl.businesses.create') },
      signal,
      parse: readBusinessWrite<GhlBusiness>,
    });
  }

  /** `PUT /businesses/:id`: `{success, buiseness}` (sic). */
  updateBusiness(
    businessId: string,
    input: UpdateBusinessInput,
    signal?: AbortSignal,
  ): Promise<UpdateBusinessResult> {
    return this.call('ghl.businesses.update', {
      path: { businessId },
      body: input,
      signal,
      parse: readObject<UpdateBusinessResult>('update business answer'),
    });
  }

  deleteBusiness(businessId: string, signal?: AbortSignal): Promise<DeleteBusinessResult> {
    return this.call('ghl.businesses.delete', {
      path: { businessId },
      signal,
      parse: readObject<DeleteBusinessResult>('delete business answer'),
    });
  }

  // ----- location -----

  /** `GET /locations/:locationId/customFields` (model default: contact). */
  listCustomFields(
    q: { locationId?: string; model?: 'contact' | 'opportunity' | 'all' } = {},
    signal?: AbortSignal,
  ): Promise<GhlCustomField[]> {
    return this.call('ghl.customFields.list', {
      path: { locationId: this.#location(q.locationId, 'ghl.customFields.list') },
      query: { model: q.model ?? 'contact' },
      signal,
      parse: readList<GhlCustomField>('customFields', 'custom fields answer'),
    });
  }

  /** `POST /locations/:locationId/tasks/search`: one page (limit default 25, skip 0). */
  searchTasks(
    input: Partial<TaskSearchInput> & { locationId?: string } = {},
    signal?: AbortSignal,
  ): Promise<GhlTask[]> {
    const { locationId, ...rest } = input;
    return this.call('ghl.locations.tasks.search', {
      path: { locationId: this.#location(locationId, 'ghl.locations.tasks.search') },
      body: { limit: 25, skip: 0, ...rest },
      signal,
      parse: readList<GhlTask>('tasks', 'task search answer'),
    });
  }

  // ----- every page -----

  /** Every page of `POST /contacts/search`, by `searchAfter` (page size up to 500). */
  searchContactPages(
    input: Omit<WithLocation<SearchContactsInput>, 'pageLimit' | 'page' | 'searchAfter'> & {
      pageLimit?: number;
    },
    options: PageOptions = {},
  ): AsyncGenerator<SearchContactsPage> {
    return searchContactPages(this, input, options);
  }

  /** Every page of `GET /contacts/`, by `startAfter` + `startAfterId`. */
  contactListPages(
    q: Omit<ContactsListQuery, 'startAfter' | 'startAfterId'> = {},
    options: PageOptions = {},
  ): AsyncGenerator<ContactsListPage> {
    return contactListPages(this, q, options);
  }

  /** Every page of `GET /contacts/business/:businessId`, by `skip`. */
  businessContactPages(
    businessId: string,
    q: Omit<BusinessContactsQuery, 'skip'> = {},
    options: PageOptions = {},
  ): AsyncGenerator<BusinessContactsPage> {
    return businessContactPages(this, businessId, q, options);
  }

  /** Every page of `GET /businesses/`, by `skip`. */
  businessPages(
    q: { locationId?: string; limit?: number } = {},
    options: PageOptions = {},
  ): AsyncGenerator<GhlBusiness[]> {
    return businessPages(this, q, options);
  }

  /** Every page of `POST /locations/:id/tasks/search`, by `skip`. */
  taskSearchPages(
    input: Omit<Partial<TaskSearchInput>, 'skip'> & { locationId?: string } = {},
    options: PageOptions = {},
  ): AsyncGenerator<GhlTask[]> {
    return taskSearchPages(this, input, options);
  }
}

function stringOr(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}
