/**
 * Conformance of the GHL sandbox to the official OpenAPI files, operation by operation:
 * - the spec's own request examples, sent as raw HTTP, get the documented success status, and the
 *   answer validates against the documented response schema made strict (no unknown property but
 *   the allow-list below, ids and timestamps required);
 * - deliberately wrong requests get the documented status (missing required field → 422, or 400
 *   where the spec documents no 422; token without the scope → 401; no `Version` header → 400, the
 *   sandbox README's choice; unknown contact → 400 "Contact not found"), and those answers validate
 *   against the spec's error DTOs made strict;
 * - the search answer validates against the `history/` copy of the spec;
 * - every webhook event validates against its `webhook-events/*.json` schema made strict.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GhlSandbox, OPERATIONS, startGhlSandbox } from '../../../sandbox/ghl/index.js';
import {
  type ExtraProperty,
  type JsonSchema,
  type SpecOperation,
  componentSchema,
  loadSpecFile,
  parameterExamples,
  requestExample,
  requestSchema,
  resolveSchema,
  responseSchema,
  specOperations,
  strictify,
  successStatus,
  validationErrors,
} from '../../helpers/ghl-spec.js';
import { requireSpecs } from '../../helpers/requirements.js';
import { type RawAnswer, VERSION, api, raw, startReceiver } from './_support.js';

const specs = requireSpecs('GHL sandbox conformance (test/sandbox/ghl/conformance.test.ts)');

/** Ids and timestamps: required wherever a schema declares them. */
const REQUIRED = ['id', 'locationId', 'contactId', 'dateAdded', 'dateUpdated', 'createdAt', 'updatedAt'];

const TRACE_ID: ExtraProperty = {
  schema: { type: 'string', minLength: 1 },
  reason:
    '"A traceId is returned with every response" (NOTES §1, docs Overview.md); seen in real error bodies (issue #289)',
  required: true,
};

/** Properties the sandbox sends that the spec's schema does not declare, each with its reason. */
const EXTRAS = {
  errorBody: {
    '': {
      traceId: TRACE_ID,
      error: {
        schema: { type: 'string' },
        reason: 'real 400 bodies carry `error: "Bad Request"` (NOTES §6, issue #289)',
      },
    },
  },
  duplicateRefusal: {
    '': {
      traceId: TRACE_ID,
      error: { schema: { type: 'string' }, reason: 'real 400 bodies carry `error` (NOTES §6)' },
      meta: {
        schema: {
          type: 'object',
          additionalProperties: false,
          required: ['contactId', 'matchingField', 'contactName'],
          properties: {
            contactId: { type: 'string' },
            matchingField: { enum: ['email', 'phone'] },
            contactName: { type: 'string' },
          },
        },
        reason:
          "GHL's duplicate refusal names the existing contact and the field that matched (sandbox README)",
      },
    },
  },
  oauthError: {
    '': {
      traceId: TRACE_ID,
      error: {
        schema: { enum: ['invalid_grant', 'invalid_client', 'invalid_request', 'unsupported_grant_type'] },
        reason: 'RFC 6749 §5.2 error code, read by OAuth clients',
      },
      error_description: { schema: { type: 'string' }, reason: 'RFC 6749 §5.2 description' },
    },
  },
} satisfies Record<string, Record<string, Record<string, ExtraProperty>>>;

/** The `meta` of `GET /contacts/`: the spec's unreferenced ContactsMetaSchema, strict. */
function listMetaExtra(): Record<string, Record<string, ExtraProperty>> {
  return {
    '': {
      meta: {
        schema: strictify(componentSchema('apps/contacts.json', 'ContactsMetaSchema'), {
          require: ['total', 'currentPage'],
        }),
        reason:
          'NOTES §3 note 7: the spec defines ContactsMetaSchema (paging of GET /contacts/) but never references it; clients page with meta.startAfter/startAfterId',
        required: true,
      },
    },
  };
}

/** Schemas the spec leaves empty, written here from NOTES (each named with its source). */
const HANDWRITTEN = {
  /** `GET /contacts/search/duplicate`: the spec documents a 200 without a schema. */
  duplicate: (): JsonSchema => ({
    type: 'object',
    additionalProperties: false,
    required: ['contact'],
    properties: {
      contact: {
        anyOf: [
          strictify(componentSchema('apps/contacts.json', 'GetContectByIdSchema'), { require: REQUIRED }),
          { type: 'null' },
        ],
      },
    },
  }),
};

/**
 * The current spec dropped every response schema of `POST /contacts/search` (NOTES §3): its answers
 * are checked against the last official version that had them, the `history/` copy.
 */
function documented(op: SpecOperation): SpecOperation {
  if (op.operationId !== 'search-contacts-advanced' || op.file !== 'apps/contacts.json') return op;
  return specOperations('history/de87e88a/apps/contacts.json').find(
    (o) => o.operationId === 'search-contacts-advanced',
  ) as SpecOperation;
}

function strictResponse(
  op: SpecOperation,
  status: number,
  extras: Record<string, Record<string, ExtraProperty>> = {},
) {
  const schema = responseSchema(documented(op), status);
  if (!schema)
    throw new Error(`${op.method.toUpperCase()} ${op.path}: the spec documents no schema for ${status}`);
  return strictify(schema, { require: REQUIRED, requireTopLevel: true, extras });
}

function expectValid(schema: JsonSchema, answer: RawAnswer, what: string): void {
  const errors = validationErrors(schema, answer.body);
  expect(errors, `${what}: ${answer.status} ${answer.text.slice(0, 600)}`).toEqual([]);
}

/** The operations this sandbox serves, from the spec files themselves. */
function servedOperations(): SpecOperation[] {
  if (!specs.available) return [];
  const locations = specOperations('apps/locations.json').filter(
    (o) =>
      (o.path === '/locations/{locationId}/customFields' && o.method === 'get') ||
      (o.path === '/locations/{locationId}/tasks/search' && o.method === 'post'),
  );
  return [...specOperations('apps/contacts.json'), ...specOperations('apps/businesses.json'), ...locations];
}

interface Fixture {
  contactId: string;
  taskId: string;
  noteId: string;
  businessId: string;
}

async function makeFixture(sb: GhlSandbox): Promise<Fixture> {
  const call = api(sb);
  const fields = (await call('GET', `/locations/${sb.locationId}/customFields?model=contact`)).body as {
    customFields: { id: string }[];
  };
  const contact = sb.control.createContact({
    firstName: 'Fixture',
    lastName: 'Person',
    email: 'fixture.person@example.com',
    phone: '+1 415 555 0123',
    companyName: 'Fixture Co',
    tags: ['fixture'],
    dateOfBirth: '1980-02-03',
    customFields: [{ id: fields.customFields[0]?.id, field_value: 'C-1' }],
    dndSettings: { Email: { status: 'inactive' } },
  });
  const task = sb.control.addTask(contact.id as string, { title: 'Call back', body: 'About the order' });
  const note = sb.control.addNote(contact.id as string, { body: 'Prefers email' });
  sb.control.addAppointment(contact.id as string, { title: 'Showroom visit' });
  const businesses = (await call('GET', `/businesses/?locationId=${sb.locationId}`)).body as {
    businesses: { id: string }[];
  };
  const businessId = businesses.businesses[0]?.id as string;
  await call('POST', '/contacts/bulk/business', { locationId: sb.locationId, ids: [contact.id], businessId });
  return {
    contactId: contact.id as string,
    taskId: task.id as string,
    noteId: note.id as string,
    businessId,
  };
}

/** The spec's example request for an operation, with the sandbox's own ids in place of the example ids. */
function exampleRequest(sb: GhlSandbox, fx: Fixture, op: SpecOperation): { url: string; body: unknown } {
  const pathParams: Record<string, string> = {
    contactId: fx.contactId,
    taskId: fx.taskId,
    id: fx.noteId,
    businessId: fx.businessId,
    campaignId: sb.campaignId,
    workflowId: sb.workflowId,
    locationId: sb.locationId,
    type: 'add',
  };
  const url = op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = pathParams[name];
    if (!v) throw new Error(`no fixture value for path parameter ${name}`);
    return encodeURIComponent(v);
  });
  const query = new URLSearchParams();
  for (const [name, p] of Object.entries(parameterExamples(op))) {
    if (p.in !== 'query' || p.example === undefined) continue;
    query.set(name, name === 'locationId' ? sb.locationId : String(p.example));
  }
  let body = requestExample(op) as Record<string, unknown> | undefined;
  if (body && typeof body === 'object') {
    body = { ...body };
    // The examples' ids are GHL's placeholders: the sandbox's own ids replace them.
    if ('locationId' in body) body.locationId = sb.locationId;
    if (op.operationId === 'create-association') body.contacts = [fx.contactId];
    if (op.operationId === 'add-remove-contact-from-business') {
      body.ids = [fx.contactId];
      body.businessId = fx.businessId;
    }
    if (op.operationId === 'task-search') body.contactId = [fx.contactId];
    // Example correction: the spec's example of this boolean is the string "false" (see below).
    if (op.operationId === 'create-association') body.removeAllTags = false;
    // The search body schema is empty in the spec: its documented fields come from NOTES §3.
    if (op.operationId === 'search-contacts-advanced') body = { locationId: sb.locationId, pageLimit: 20 };
  }
  const qs = query.toString();
  return { url: `${sb.baseUrl}${url}${qs ? `?${qs}` : ''}`, body };
}

function send(op: SpecOperation, url: string, body: unknown, headers: Record<string, string>) {
  return raw(url, {
    method: op.method.toUpperCase(),
    headers: { ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}

const auth = (token: string): Record<string, string> => ({
  Authorization: `Bearer ${token}`,
  Version: VERSION,
});

describe.skipIf(!specs.available)('GHL sandbox conformance to the official spec', () => {
  const ops = servedOperations();
  let sb: GhlSandbox;
  let fx: Fixture;

  beforeAll(async () => {
    sb = await startGhlSandbox({ seed: 11, contacts: 30, rateLimit: { limit: 100_000, windowMs: 10_000 } });
    fx = await makeFixture(sb);
  });
  afterAll(async () => {
    await sb?.close();
  });

  it('serves all 32 operations of apps/contacts.json, the 5 business operations and the 2 location ones', () => {
    expect(ops.filter((o) => o.file === 'apps/contacts.json')).toHaveLength(32);
    expect(ops.filter((o) => o.file === 'apps/businesses.json')).toHaveLength(5);
    expect(ops).toHaveLength(39);
  });

  describe.each(ops.map((o) => [`${o.method.toUpperCase()} ${o.path}`, o] as const))('%s', (_name, op) => {
    it("the spec's example gets the documented status and a strictly valid answer", async () => {
      // A fresh sandbox per operation: examples reuse one email, so they must not see each other.
      const own = await startGhlSandbox({
        seed: 5,
        contacts: 5,
        rateLimit: { limit: 100_000, windowMs: 10_000 },
      });
      try {
        const ofx = await makeFixture(own);
        const { url, body } = exampleRequest(own, ofx, op);
        const answer = await send(op, url, body, auth(own.token));
        const status = successStatus(op);
        expect(answer.status, answer.text).toBe(status);
        if (op.operationId === 'search-contacts-advanced') {
          expectValid(strictResponse(op, 200), answer, 'search answer vs history/ spec');
          expect((answer.body as { contacts: unknown[] }).contacts.length).toBeGreaterThan(0);
        } else if (op.operationId === 'get-duplicate-contact') {
          expectValid(HANDWRITTEN.duplicate(), answer, 'duplicate lookup');
        } else if (op.operationId === 'get-contacts') {
          expectValid(strictResponse(op, status, listMetaExtra()), answer, 'GET /contacts/');
        } else {
          expectValid(strictResponse(op, status), answer, `${op.method} ${op.path}`);
        }
      } finally {
        await own.close();
      }
    });

    it('a request without the Version header gets 400 (the README choice) with a strict BadRequestDTO', async () => {
      const { url, body } = exampleRequest(sb, fx, op);
      const answer = await send(op, url, body, { Authorization: `Bearer ${sb.token}` });
      expect(answer.status).toBe(400);
      expectValid(
        strictify(componentSchema('common/common-schemas.json', 'BadRequestDTO'), {
          requireTopLevel: true,
          extras: EXTRAS.errorBody,
        }),
        answer,
        'no Version',
      );
      expect((answer.body as { message: string }).message).toMatch(/Version/);
    });

    if (op.scope !== undefined)
      it('a token without the scope gets 401 with a strict UnauthorizedDTO', async () => {
        const token = sb.control.createToken(['users.readonly']);
        const { url, body } = exampleRequest(sb, fx, op);
        const answer = await send(op, url, body, auth(token));
        expect(answer.status).toBe(401);
        expectValid(strictResponse(op, 401, { '': { traceId: TRACE_ID } }), answer, 'wrong scope');
        expect(answer.body).toMatchObject({
          statusCode: 401,
          message: 'The token is not authorized for this scope.',
        });
      });

    if (op.path.includes('{contactId}'))
      it('an unknown contact gets 400 "Contact not found"', async () => {
        const { url, body } = exampleRequest(sb, fx, op);
        const answer = await send(
          op,
          url.replace(fx.contactId, 'NoSuchContact0000000'),
          body,
          auth(sb.token),
        );
        expect(answer.status).toBe(400);
        expectValid(strictResponse(op, 400, EXTRAS.errorBody), answer, 'unknown contact');
        expect((answer.body as { message: string }).message).toBe('Contact not found');
      });

    const required = (() => {
      if (!specs.available) return null;
      const req = requestSchema(op)?.schema;
      const bodyRequired = (req?.required as string[] | undefined)?.[0];
      if (bodyRequired) return { where: 'body' as const, name: bodyRequired };
      const q = Object.entries(parameterExamples(op)).find(([, p]) => p.in === 'query' && p.required);
      return q ? { where: 'query' as const, name: q[0] } : null;
    })();
    const documents422 = specs.available && '422' in (op.raw.responses as object);
    if (required !== null)
      it(`a request missing a required field gets ${documents422 ? '422 with the message array' : '400 (no 422 documented)'}`, async () => {
        if (!required) return;
        const { url, body } = exampleRequest(sb, fx, op);
        let target = url;
        let sent = body;
        if (required.where === 'body') {
          const copy = { ...(body as Record<string, unknown>) };
          delete copy[required.name];
          sent = copy;
        } else {
          const u = new URL(url);
          u.searchParams.delete(required.name);
          target = u.toString();
        }
        const answer = await send(op, target, sent, auth(sb.token));
        if (documents422) {
          expect(answer.status).toBe(422);
          expectValid(strictResponse(op, 422, { '': { traceId: TRACE_ID } }), answer, 'missing field');
          expect((answer.body as { message: string[] }).message.join(' ')).toContain(required.name);
        } else {
          expect(answer.status).toBe(400);
          expectValid(strictResponse(op, 400, EXTRAS.errorBody), answer, 'missing field');
        }
      });
  });

  it("the sandbox's operation table is the spec's: same methods, paths and declared scopes", () => {
    const fromSpec = ops.map(
      (o) => `${o.method.toUpperCase()} ${o.path.replace(/\{(\w+)\}/g, ':$1')} ${o.scope ?? '-'}`,
    );
    const fromSandbox = OPERATIONS.map((o) => {
      const declared = ops.find(
        (s) => s.method.toUpperCase() === o.method && s.path.replace(/\{(\w+)\}/g, ':$1') === o.path,
      )?.scope;
      return `${o.method} ${o.path} ${declared === undefined ? '-' : o.scope}`;
    });
    expect([...fromSandbox].sort()).toEqual([...fromSpec].sort());
  });

  it('every seeded contact, its notes, tasks and appointments validate strictly through GET, list and search', async () => {
    const call = api(sb);
    const byId = (id: string) => ops.find((o) => o.operationId === id) as SpecOperation;
    const search = await call('POST', '/contacts/search', { locationId: sb.locationId, pageLimit: 500 });
    expectValid(strictResponse(byId('search-contacts-advanced'), 200), search, 'search of all');
    const list = await call('GET', `/contacts/?locationId=${sb.locationId}&limit=100`);
    expectValid(strictResponse(byId('get-contacts'), 200, listMetaExtra()), list, 'list of all');
    const ids = (search.body as { contacts: { id: string }[] }).contacts.map((c) => c.id);
    expect(ids.length).toBeGreaterThan(30);
    for (const id of ids) {
      expectValid(
        strictResponse(byId('get-contact'), 200),
        await call('GET', `/contacts/${id}`),
        `contact ${id}`,
      );
      expectValid(
        strictResponse(byId('get-all-notes'), 200),
        await call('GET', `/contacts/${id}/notes`),
        `notes ${id}`,
      );
      expectValid(
        strictResponse(byId('get-all-tasks'), 200),
        await call('GET', `/contacts/${id}/tasks`),
        `tasks ${id}`,
      );
      const events = await call('GET', `/contacts/${id}/appointments`);
      expectValid(strictResponse(byId('get-appointments-for-contact'), 200), events, `appointments ${id}`);
    }
  });

  it('the strict schemas can fail: an unknown property or a missing id is reported', async () => {
    const op = ops.find((o) => o.operationId === 'get-contact') as SpecOperation;
    const answer = await api(sb)('GET', `/contacts/${fx.contactId}`);
    const schema = strictResponse(op, 200);
    expect(validationErrors(schema, answer.body)).toEqual([]);
    const body = structuredClone(answer.body) as { contact: Record<string, unknown> };
    body.contact.followers = [];
    delete body.contact.id;
    const errors = validationErrors(schema, body);
    expect(errors).toContain('/contact must NOT have additional properties (followers)');
    expect(errors).toContain("/contact must have required property 'id'");
  });

  it('a search without pageLimit gets 422 (issue #31 in NOTES §3) with a strict UnprocessableDTO', async () => {
    const answer = await api(sb)('POST', '/contacts/search', { locationId: sb.locationId });
    expect(answer.status).toBe(422);
    expectValid(
      strictify(componentSchema('common/common-schemas.json', 'UnprocessableDTO'), {
        requireTopLevel: true,
        extras: { '': { traceId: TRACE_ID } },
      }),
      answer,
      'search 422',
    );
    expect((answer.body as { message: string[] }).message.join(' ')).toContain('pageLimit');
  });

  it('the duplicate refusal of create is a strict 400 naming the contact and the field', async () => {
    const op = ops.find((o) => o.operationId === 'create-contact') as SpecOperation;
    const answer = await api(sb)('POST', '/contacts/', {
      locationId: sb.locationId,
      email: 'FIXTURE.person@example.com',
    });
    expect(answer.status).toBe(400);
    expectValid(strictResponse(op, 400, EXTRAS.duplicateRefusal), answer, 'duplicate');
    expect(answer.body).toMatchObject({ meta: { contactId: fx.contactId, matchingField: 'email' } });
  });

  it('an uncorrected spec example with a wrongly typed field gets 422 (removeAllTags: "false")', async () => {
    const op = ops.find((o) => o.operationId === 'create-association') as SpecOperation;
    const body: Record<string, unknown> = {
      ...(requestExample(op) as Record<string, unknown>),
      locationId: sb.locationId,
      contacts: [fx.contactId],
    };
    expect(body.removeAllTags).toBe('false');
    const answer = await api(sb)('POST', '/contacts/bulk/tags/update/add', body);
    expect(answer.status).toBe(422);
    expect((answer.body as { message: string[] }).message).toContain('removeAllTags must be a boolean value');
  });

  describe('POST /oauth/token (apps/oauth.json)', () => {
    const tokenOp = (): SpecOperation =>
      specOperations('apps/oauth.json').find((o) => o.path === '/oauth/token') as SpecOperation;
    const form = (fields: Record<string, string>) =>
      raw(`${sb.baseUrl}/oauth/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
      });

    it('the example exchange (user_type, redirect_uri from the spec) gets 200 and a strict token answer', async () => {
      const example = requestExample(tokenOp()) as Record<string, string>;
      const { code } = sb.control.authorize({
        scopes: ['contacts.readonly'],
        redirectUri: example.redirect_uri as string,
      });
      const answer = await form({
        ...example,
        client_id: sb.clientId,
        client_secret: sb.clientSecret,
        grant_type: 'authorization_code',
        code,
      });
      expect(answer.status).toBe(200);
      expectValid(
        strictify(responseSchema(tokenOp(), 200) as JsonSchema, {
          require: [
            'access_token',
            'token_type',
            'expires_in',
            'refresh_token',
            'scope',
            'userType',
            'locationId',
            'companyId',
            'userId',
          ],
        }),
        answer,
        'token',
      );
    });

    it('a missing grant_type gets a strict 422; a bad grant a 400 with invalid_grant', async () => {
      const missing = await form({ client_id: sb.clientId, client_secret: sb.clientSecret });
      expect(missing.status).toBe(422);
      expectValid(strictResponse(tokenOp(), 422, { '': { traceId: TRACE_ID } }), missing, 'token 422');
      const bad = await form({
        client_id: sb.clientId,
        client_secret: sb.clientSecret,
        grant_type: 'refresh_token',
        refresh_token: 'nope',
      });
      expect(bad.status).toBe(400);
      expectValid(strictResponse(tokenOp(), 400, EXTRAS.oauthError), bad, 'invalid_grant');
      expect(bad.body).toMatchObject({ error: 'invalid_grant' });
    });
  });

  it('every webhook event validates against its webhook-events/*.json schema, strict', async () => {
    const receiver = await startReceiver();
    const own = await startGhlSandbox({ seed: 8, webhookUrl: receiver.url });
    try {
      const call = api(own);
      const created = (
        await call('POST', '/contacts/', {
          locationId: own.locationId,
          firstName: 'Web',
          lastName: 'Hook',
          email: 'web.hook@example.com',
          companyName: 'Hooks Ltd',
          tags: ['a'],
        })
      ).body as { contact: { id: string } };
      const id = created.contact.id;
      await call('PUT', `/contacts/${id}`, { city: 'Denver' });
      await call('POST', `/contacts/${id}/tags`, { tags: ['b'] });
      await call('PUT', `/contacts/${id}`, {
        dnd: true,
        dndSettings: { SMS: { status: 'active', message: 'stop', code: '101' } },
      });
      const note = (await call('POST', `/contacts/${id}/notes`, { body: 'n1' })).body as {
        note: { id: string };
      };
      await call('PUT', `/contacts/${id}/notes/${note.note.id}`, { body: 'n2' });
      await call('DELETE', `/contacts/${id}/notes/${note.note.id}`);
      const task = (
        await call('POST', `/contacts/${id}/tasks`, {
          title: 't',
          body: 'b',
          dueDate: '2026-03-01T10:00:00Z',
          completed: false,
          assignedTo: own.locationId,
        })
      ).body as { task: { id: string } };
      await call('PUT', `/contacts/${id}/tasks/${task.task.id}/completed`, { completed: true });
      await call('DELETE', `/contacts/${id}/tasks/${task.task.id}`);
      own.control.authorize({ scopes: ['contacts.readonly'], redirectUri: 'http://127.0.0.1:1/cb' });
      own.control.uninstallApp();
      await call('DELETE', `/contacts/${id}`);
      await own.control.waitForWebhooks();
      const fileOf: Record<string, string> = { INSTALL: 'AppInstall', UNINSTALL: 'AppUninstall' };
      const seen = new Set<string>();
      for (const r of receiver.received) {
        const payload = JSON.parse(r.raw.toString('utf8')) as { type: string };
        const event = fileOf[payload.type] ?? payload.type;
        seen.add(event);
        const file = loadSpecFile(`webhook-events/${event}.json`);
        const schema = strictify(resolveSchema(`webhook-events/${event}.json`, file.schema), {
          require: [
            'type',
            'locationId',
            'id',
            ...(event.startsWith('Note') || event.startsWith('Task') ? ['contactId'] : []),
          ],
          extras: {
            '': {
              timestamp: {
                schema: { type: 'string', format: 'date-time' },
                reason: 'GHL adds `timestamp` to every payload (NOTES §7, docs WebhookAuthentication.md)',
                required: true,
              },
              webhookId: {
                schema: { type: 'string', minLength: 1 },
                reason: 'GHL adds `webhookId` to every payload (NOTES §7)',
                required: true,
              },
            },
          },
        });
        const errors = validationErrors(schema, payload);
        expect(errors, `${event}: ${r.raw.toString('utf8')}`).toEqual([]);
      }
      expect([...seen].sort()).toEqual([
        'AppInstall',
        'AppUninstall',
        'ContactCreate',
        'ContactDelete',
        'ContactDndUpdate',
        'ContactTagUpdate',
        'ContactUpdate',
        'NoteCreate',
        'NoteDelete',
        'NoteUpdate',
        'TaskComplete',
        'TaskCreate',
        'TaskDelete',
      ]);
    } finally {
      await own.close();
      await receiver.close();
    }
  });
});
