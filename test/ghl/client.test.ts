/**
 * GhlClient conformance against the GHL sandbox: every catalog operation is called through its
 * typed method, and every request the client sends is checked against the official spec files —
 * the method and path of a spec operation, only declared query parameters (required ones present,
 * numbers numeric), `Version: 2021-07-28`, a bearer token, and a JSON body that validates against
 * the spec's request schema made strict (no undeclared property). `POST /contacts/search` has an
 * empty body schema in the spec: it is checked against the body NOTES §3 documents, written below.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GhlAccessToken, type GhlTokenProvider, StaticTokenProvider } from '../../src/ghl/auth.js';
import { GhlClient } from '../../src/ghl/client.js';
import { ghlHttpRules } from '../../src/ghl/http-rules.js';
import { GHL_OPERATIONS } from '../../src/ghl/operations.js';
import { HttpClient } from '../../src/http/client.js';
import { AuthError, NotFoundError, ScopeError, ValidationError } from '../../src/http/errors.js';
import { type GhlSandbox, startGhlSandbox } from '../../sandbox/ghl/index.js';
import { type RecordedRequest, recordingFetch } from '../helpers/ghl-connect.js';
import {
  type JsonSchema,
  type SpecOperation,
  makeValidator,
  requestSchema,
  specOperations,
  strictify,
} from '../helpers/ghl-spec.js';
import { requireSpecs } from '../helpers/requirements.js';

const specs = requireSpecs('GHL client conformance (test/ghl/client.test.ts)');

/** NOTES §3: the search body GHL documents (the spec's `SearchBodyV2DTO` is an empty object). */
const SEARCH_BODY: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['locationId', 'pageLimit'],
  properties: {
    locationId: { type: 'string', minLength: 1 },
    pageLimit: { type: 'integer', minimum: 1, maximum: 500 },
    page: { type: 'integer', minimum: 1 },
    searchAfter: { type: 'array', minItems: 1, items: { anyOf: [{ type: 'string' }, { type: 'number' }] } },
    filters: { type: 'array' },
    sort: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['field', 'direction'],
        properties: { field: { type: 'string' }, direction: { enum: ['asc', 'desc'] } },
      },
    },
    query: { type: 'string', maxLength: 75 },
  },
  not: { required: ['page', 'searchAfter'] },
};

interface SpecRoute {
  op: SpecOperation;
  regex: RegExp;
  literalSegments: number;
}

function specRoutes(): SpecRoute[] {
  const ops = [
    ...specOperations('apps/contacts.json'),
    ...specOperations('apps/businesses.json'),
    ...specOperations('apps/locations.json').filter(
      (o) =>
        (o.method === 'get' && o.path === '/locations/{locationId}/customFields') ||
        (o.method === 'post' && o.path === '/locations/{locationId}/tasks/search'),
    ),
  ];
  return ops.map((op) => {
    const parts = op.path.replace(/\/$/, '').split('/').filter(Boolean);
    const pattern = parts.map((p) =>
      p.startsWith('{') ? '[^/]+' : p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    );
    return {
      op,
      regex: new RegExp(`^/${pattern.join('/')}/?$`),
      literalSegments: parts.filter((p) => !p.startsWith('{')).length,
    };
  });
}

/** The spec operation a request is for: same method, path matching, the most literal one winning. */
function matchSpec(routes: SpecRoute[], req: RecordedRequest): SpecOperation | undefined {
  const candidates = routes
    .filter((r) => r.op.method.toUpperCase() === req.method && r.regex.test(req.url.pathname))
    .sort((a, b) => b.literalSegments - a.literalSegments);
  return candidates[0]?.op;
}

/** Every problem of a request against its spec operation (empty when it conforms). */
function requestProblems(op: SpecOperation, req: RecordedRequest): string[] {
  const problems: string[] = [];
  if (req.headers.version !== '2021-07-28') problems.push(`Version header is ${req.headers.version}`);
  if (!/^Bearer \S+$/.test(req.headers.authorization ?? '')) problems.push('no bearer token');
  const params = ((op.raw.parameters as Array<Record<string, unknown>> | undefined) ?? []).filter(
    (p) => p.in === 'query',
  );
  for (const [name, value] of req.url.searchParams) {
    const p = params.find((x) => x.name === name);
    if (!p) problems.push(`query parameter "${name}" is not declared`);
    else if (
      (p.schema as { type?: string } | undefined)?.type === 'number' &&
      !Number.isFinite(Number(value))
    )
      problems.push(`query parameter "${name}" should be a number, is "${value}"`);
  }
  for (const p of params) {
    if (p.required === true && !req.url.searchParams.has(String(p.name)))
      problems.push(`required query parameter "${String(p.name)}" missing`);
  }
  if (op.path === '/contacts/bulk/tags/update/{type}' && !/\/(add|remove)$/.test(req.url.pathname))
    problems.push('bulk tags type must be add or remove');
  const declared = requestSchema(op);
  if (!declared) {
    if (req.body !== undefined) problems.push('a body was sent but the operation takes none');
    return problems;
  }
  if (req.body === undefined) {
    if ((op.raw.requestBody as { required?: boolean }).required === true)
      problems.push('the required body is missing');
    return problems;
  }
  if (!/application\/json/.test(req.headers['content-type'] ?? '')) problems.push('body is not sent as JSON');
  const schema = op.path === '/contacts/search' ? SEARCH_BODY : strictify(declared.schema);
  const result = makeValidator(schema)(JSON.parse(req.body));
  problems.push(...result.errors.map((e) => `body ${e}`));
  return problems;
}

describe.skipIf(!specs.available)('GhlClient against the GHL sandbox', () => {
  let sb: GhlSandbox;
  let http: HttpClient;
  let client: GhlClient;
  let recorded: RecordedRequest[];

  beforeAll(async () => {
    sb = await startGhlSandbox({ seed: 21, contacts: 40 });
    const rec = recordingFetch();
    recorded = rec.requests;
    http = new HttpClient({
      rules: [ghlHttpRules({ rateLimit: { requests: 100, windowMs: 10_000 }, timeoutMs: 10_000 })],
      fetch: rec.fetch,
    });
    client = new GhlClient({
      http,
      baseUrl: sb.baseUrl,
      auth: new StaticTokenProvider(sb.token, sb.locationId),
    });
  });
  afterAll(async () => {
    await sb?.close();
  });

  it('calls every catalog operation, and every request conforms to the official request schema', async () => {
    const fields = await client.listCustomFields();
    const textField = fields.find((f) => f.dataType === 'TEXT')!;
    expect(textField?.id).toBeTruthy();
    const created = await client.createContact({
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada.conformance@example.com',
      phone: '+14155550101',
      address1: '12 Analytical St',
      city: 'London',
      state: 'LDN',
      postalCode: '10001',
      country: 'GB',
      website: 'https://example.com',
      timezone: 'Europe/London',
      companyName: 'Engines Ltd',
      source: 'cin7',
      tags: ['conformance'],
      dnd: false,
      dndSettings: { Email: { status: 'inactive' } },
      dateOfBirth: '1815-12-10',
      customFields: [{ id: textField.id!, field_value: 'C-0001' }],
    });
    const contactId = created.id!;
    expect((await client.getContact(contactId)).email).toBe('ada.conformance@example.com');
    const updated = await client.updateContact(contactId, { city: 'Marylebone', postalCode: '10002' });
    expect(updated.contact?.city).toBe('Marylebone');
    const upserted = await client.upsertContact({ email: 'ada.conformance@example.com', lastName: 'King' });
    expect(upserted.new).toBe(false);
    expect(upserted.contact?.id).toBe(contactId);
    expect(await client.addTags(contactId, ['vip', 'wholesale'])).toEqual(
      expect.arrayContaining(['vip', 'wholesale', 'conformance']),
    );
    expect(await client.removeTags(contactId, ['wholesale'])).not.toContain('wholesale');

    const task = await client.createTask(contactId, {
      title: 'Call back',
      body: 'about the order',
      dueDate: '2030-01-02T03:04:05.000Z',
      completed: false,
    });
    expect((await client.getTask(contactId, task.id!)).title).toBe('Call back');
    expect((await client.updateTask(contactId, task.id!, { title: 'Call back soon' })).title).toBe(
      'Call back soon',
    );
    expect((await client.completeTask(contactId, task.id!, true)).completed).toBe(true);
    expect((await client.listTasks(contactId)).map((t) => t.id)).toContain(task.id);
    const found = await client.searchTasks({ contactId: [contactId] });
    expect(found.map((t) => t.id)).toContain(task.id);
    expect((await client.deleteTask(contactId, task.id!)).succeded).toBe(true);

    const note = await client.createNote(contactId, { body: 'First order placed', title: 'Order' });
    expect((await client.getNote(contactId, note.id!)).body).toBe('First order placed');
    expect((await client.updateNote(contactId, note.id!, { body: 'Second order placed' })).body).toBe(
      'Second order placed',
    );
    expect((await client.listNotes(contactId)).map((n) => n.id)).toContain(note.id);
    expect((await client.deleteNote(contactId, note.id!)).succeded).toBe(true);

    sb.control.addAppointment(contactId, { title: 'Demo' });
    expect((await client.listAppointments(contactId)).map((a) => a.title)).toContain('Demo');

    expect((await client.addFollowers(contactId, ['user-1', 'user-2'])).followers).toEqual(
      expect.arrayContaining(['user-1', 'user-2']),
    );
    expect((await client.removeFollowers(contactId, ['user-2'])).followers).not.toContain('user-2');
    expect((await client.addToCampaign(contactId, sb.campaignId)).succeded).toBe(true);
    expect((await client.removeFromCampaign(contactId, sb.campaignId)).succeded).toBe(true);
    expect((await client.removeFromAllCampaigns(contactId)).succeded).toBe(true);
    expect(
      (await client.addToWorkflow(contactId, sb.workflowId, { eventStartTime: '2030-01-01T00:00:00Z' }))
        .succeded,
    ).toBe(true);
    expect((await client.removeFromWorkflow(contactId, sb.workflowId)).succeded).toBe(true);

    expect((await client.findDuplicate({ email: 'ada.conformance@example.com' }))?.id).toBe(contactId);
    expect((await client.findDuplicate({ number: '+14155550101' }))?.id).toBe(contactId);
    expect(await client.findDuplicate({ email: 'nobody.at.all@example.com' })).toBeNull();
    const list = await client.listContacts({ limit: 5 });
    expect(list.contacts).toHaveLength(5);
    const search = await client.searchContacts({
      pageLimit: 10,
      filters: [{ field: 'email', operator: 'eq', value: 'ada.conformance@example.com' }],
      sort: [{ field: 'dateUpdated', direction: 'desc' }],
    });
    expect(search.contacts.map((c) => c.id)).toEqual([contactId]);
    expect(search.total).toBe(1);

    const business = await client.createBusiness({
      name: 'Engines Ltd',
      city: 'London',
      email: 'hq@engines.example',
    });
    expect((await client.getBusiness(business.id)).name).toBe('Engines Ltd');
    expect((await client.updateBusiness(business.id, { city: 'Oxford' })).success).toBe(true);
    expect((await client.listBusinesses()).map((b) => b.id)).toContain(business.id);
    expect((await client.bulkBusiness({ ids: [contactId], businessId: business.id })).success).toBe(true);
    expect((await client.listContactsByBusiness(business.id)).contacts.map((c) => c.id)).toEqual([contactId]);
    const bulk = await client.bulkTags('add', { contacts: [contactId], tags: ['bulk-added'] });
    expect(bulk.responses[0]).toMatchObject({ contactId, type: 'success' });
    expect(
      (await client.bulkTags('remove', { contacts: [contactId], tags: ['bulk-added'] })).errorCount,
    ).toBe(0);
    expect((await client.bulkBusiness({ ids: [contactId], businessId: null })).success).toBe(true);
    expect((await client.deleteBusiness(business.id)).success).toBe(true);
    expect((await client.deleteContact(contactId)).succeded).toBe(true);
    await expect(client.getContact(contactId)).rejects.toBeInstanceOf(NotFoundError);

    // Every catalog operation was called, under its own name.
    const called = new Set(http.counter.snapshot().calls.map((c) => c.operation));
    expect([...called].sort()).toEqual(GHL_OPERATIONS.map((o) => o.name).sort());

    // Every request matches a spec operation and conforms to it; every spec operation was used.
    const routes = specRoutes();
    const used = new Set<string>();
    const problems: string[] = [];
    for (const req of recorded) {
      const op = matchSpec(routes, req);
      if (!op) {
        problems.push(`${req.method} ${req.url.pathname}: no such operation in the spec`);
        continue;
      }
      used.add(`${op.method} ${op.path}`);
      for (const p of requestProblems(op, req)) problems.push(`${req.method} ${req.url.pathname}: ${p}`);
    }
    expect(problems).toEqual([]);
    expect(routes.length).toBe(39);
    expect([...used].sort()).toEqual(routes.map((r) => `${r.op.method} ${r.op.path}`).sort());
  });

  it('the conformance check itself fails on a non-conforming request', () => {
    const routes = specRoutes();
    const bad: RecordedRequest = {
      method: 'PUT',
      url: new URL(`${sb.baseUrl}/contacts/abc?locationId=x`),
      headers: { version: '2023-02-21', authorization: 'Bearer t', 'content-type': 'application/json' },
      body: JSON.stringify({ companyName: 'not in UpdateContactDto' }),
    };
    const op = matchSpec(routes, bad)!;
    expect(op.operationId).toBe('update-contact');
    const problems = requestProblems(op, bad);
    expect(problems).toEqual(
      expect.arrayContaining([
        'Version header is 2023-02-21',
        'query parameter "locationId" is not declared',
        expect.stringMatching(/body .*must NOT have additional properties \(companyName\)/),
      ]),
    );
    const removeAll = matchSpec(routes, {
      method: 'DELETE',
      url: new URL(`${sb.baseUrl}/contacts/abc/campaigns/removeAll`),
      headers: {},
      body: undefined,
    });
    expect(removeAll?.operationId).toBe('remove-contact-from-every-campaign');
  });

  it('a 422 keeps its message array; a missing contact is NotFoundError; a bad request is ValidationError', async () => {
    const e1 = await client
      .createTask('nope-contact', { title: '', dueDate: 'x', completed: false })
      .catch((e) => e);
    expect(e1).toBeInstanceOf(NotFoundError);
    const c = await client.createContact({ firstName: 'V', email: 'v.validation@example.com' });
    const e2 = await client
      .createTask(c.id!, { title: 'T', dueDate: 'not a date', completed: false })
      .catch((e) => e);
    expect(e2).toBeInstanceOf(ValidationError);
    expect(e2.status).toBe(422);
    expect(Array.isArray(e2.messages)).toBe(true);
    expect(e2.messages.length).toBeGreaterThan(0);
  });

  it('a 401 for a missing scope is a ScopeError naming the scope, sent once, never refreshed', async () => {
    const before = recorded.length;
    let asked = 0;
    const auth: GhlTokenProvider = {
      locationId: sb.locationId,
      getToken: async () => ({ value: sb.control.createToken(['contacts.readonly']), version: 1 }),
      afterUnauthorized: async () => {
        asked++;
        return { value: sb.token, version: 2 };
      },
    };
    const limited = new GhlClient({ http, baseUrl: sb.baseUrl, auth });
    const e = await limited.listCustomFields().catch((x) => x);
    expect(e).toBeInstanceOf(ScopeError);
    expect(e.scope).toBe('locations/customFields.readonly');
    expect(e.hint).toContain('locations/customFields.readonly');
    expect(asked).toBe(0);
    expect(recorded.length - before).toBe(1);
  });

  it('a 401 for a rejected token gets one retry with the token the provider gives, or fails when it gives none', async () => {
    const expired = sb.control.createToken(['contacts.readonly'], 0);
    const rejected: GhlAccessToken[] = [];
    const refreshing: GhlTokenProvider = {
      locationId: sb.locationId,
      getToken: async () => ({ value: expired, version: 1 }),
      afterUnauthorized: async (t) => {
        rejected.push(t);
        return { value: sb.token, version: 2 };
      },
    };
    const before = recorded.length;
    const page = await new GhlClient({ http, baseUrl: sb.baseUrl, auth: refreshing }).searchContacts({
      pageLimit: 1,
    });
    expect(page.contacts).toHaveLength(1);
    expect(rejected).toEqual([{ value: expired, version: 1 }]);
    expect(recorded.length - before).toBe(2);

    const stuck = new GhlClient({
      http,
      baseUrl: sb.baseUrl,
      auth: new StaticTokenProvider(expired, sb.locationId),
    });
    const e = await stuck.searchContacts({ pageLimit: 1 }).catch((x) => x);
    expect(e).toBeInstanceOf(AuthError);
    expect(e.status).toBe(401);
  });
});
