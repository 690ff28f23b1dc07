/**
 * `POST /api/ops/{name}` against the sandboxes: the answer is exactly what `cin7-ghl ops call`
 * prints for the same parameters (the CLI run with GHL_* / CIN7_* variables and its own data
 * directory, so it calls the vendor itself); a vendor error is 502 with the same
 * `{operation, status, message, traceId}` the CLI prints; without a token the call is refused.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cin7Sandbox, startCin7Sandbox } from '../../../sandbox/cin7/index.js';
import { type GhlSandbox, startGhlSandbox } from '../../../sandbox/ghl/index.js';
import { runCli } from '../../helpers/cli.js';
import { type TestService, startTestService } from '../../service/helpers.js';

describe('POST /api/ops/{name}', () => {
  let ghl: GhlSandbox;
  let cin7: Cin7Sandbox;
  let t: TestService;
  let contactId: string;
  let cliDir: string;
  let cliEnv: Record<string, string>;

  beforeAll(async () => {
    ghl = await startGhlSandbox({ seed: 11 });
    cin7 = await startCin7Sandbox({ seed: 11, customers: 5 });
    [contactId] = ghl.seedContacts([
      { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' },
    ]) as [string];
    t = await startTestService({
      env: {
        GHL_BASE_URL: ghl.baseUrl,
        GHL_LOCATION_ID: ghl.locationId,
        CIN7_BASE_URL: cin7.baseUrl,
        CIN7_ACCOUNT_ID: cin7.accountId,
        CIN7_APPLICATION_KEY: cin7.applicationKey,
      },
    });
    // The service uses a stored connection (a PIT stored through the API, checked with one search).
    const stored = await t.call('/api/connections/ghl/pit', {
      method: 'POST',
      body: JSON.stringify({ locationId: ghl.locationId, token: ghl.token }),
    });
    expect(stored.status, await stored.clone().text()).toBe(200);
    cliDir = mkdtempSync(path.join(os.tmpdir(), 'cin7ghl-ops-api-'));
    cliEnv = {
      GHL_BASE_URL: ghl.baseUrl,
      GHL_TOKEN: ghl.token,
      GHL_LOCATION_ID: ghl.locationId,
      CIN7_BASE_URL: cin7.baseUrl,
      CIN7_ACCOUNT_ID: cin7.accountId,
      CIN7_APPLICATION_KEY: cin7.applicationKey,
      CIN7_GHL_DATA_DIR: cliDir,
      CIN7_GHL_LOG_LEVEL: 'warn',
    };
  }, 60_000);
  afterAll(async () => {
    await t?.cleanup();
    await ghl?.close();
    await cin7?.close();
    if (cliDir) rmSync(cliDir, { recursive: true, force: true });
  });

  async function api(name: string, params: unknown, auth = true) {
    const res = await t.call(`/api/ops/${name}`, { method: 'POST', body: JSON.stringify(params), auth });
    return { status: res.status, body: (await res.json()) as unknown };
  }

  it('ghl.contacts.get answers what ops call prints, and a vendor error is the same 502 body as the CLI error', async () => {
    const [viaApi, viaCli] = await Promise.all([
      api('ghl.contacts.get', { contactId }),
      runCli(['ops', 'call', 'ghl.contacts.get', '--params', JSON.stringify({ contactId })], { env: cliEnv }),
    ]);
    expect(viaCli.code, viaCli.stderr).toBe(0);
    expect(viaApi.status).toBe(200);
    expect(viaApi.body).toEqual(JSON.parse(viaCli.stdout));
    expect((viaApi.body as { contact: { id: string; email: string } }).contact).toMatchObject({
      id: contactId,
      email: 'ada@example.com',
    });

    const missing = { contactId: 'no-such-contact-0000' };
    const [errApi, errCli] = await Promise.all([
      api('ghl.contacts.get', missing),
      runCli(['ops', 'call', 'ghl.contacts.get', '--params', JSON.stringify(missing)], { env: cliEnv }),
    ]);
    expect(errCli.code).toBe(1);
    expect(errApi.status).toBe(502);
    const cliError = JSON.parse(errCli.stderr.trim().split('\n').pop()!) as Record<string, unknown>;
    expect(Object.keys(errApi.body as object).sort()).toEqual(['message', 'operation', 'status', 'traceId']);
    expect(errApi.body).toMatchObject({
      operation: 'ghl.contacts.get',
      status: cliError.status,
      message: cliError.message,
    });
    expect([400, 404]).toContain(cliError.status);
  });

  it('a Cin7 operation and a GHL operation with a body work the same way', async () => {
    const params = { Page: 1, Limit: 2 };
    const [viaApi, viaCli] = await Promise.all([
      api('cin7.customers.list', params),
      runCli(['ops', 'call', 'cin7.customers.list', '--params', JSON.stringify(params)], { env: cliEnv }),
    ]);
    expect(viaCli.code, viaCli.stderr).toBe(0);
    expect(viaApi.status).toBe(200);
    expect(viaApi.body).toEqual(JSON.parse(viaCli.stdout));
    expect((viaApi.body as { CustomerList: unknown[] }).CustomerList).toHaveLength(2);
    // By email: the service's sync (both accounts connected) adds contacts of its own meanwhile.
    const search = await api('ghl.contacts.search', {
      body: { pageLimit: 5, filters: [{ field: 'email', operator: 'eq', value: 'ada@example.com' }] },
    });
    expect(search.status).toBe(200);
    expect((search.body as { contacts: Array<{ id: string }> }).contacts.map((c) => c.id)).toContain(
      contactId,
    );
  });

  it('is refused without a token (401), and bad input is a 400 naming the parameter', async () => {
    const refused = await api('ghl.contacts.get', { contactId }, false);
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ code: 'auth_required' });
    const unknownOp = await api('ghl.contacts.nope', {});
    expect(unknownOp.status).toBe(400);
    expect((unknownOp.body as { message: string }).message).toContain(
      'unknown operation "ghl.contacts.nope"',
    );
    const missingParam = await api('ghl.contacts.get', {});
    expect(missingParam.status).toBe(400);
    expect((missingParam.body as { message: string }).message).toContain('params.contactId');
  });

  it('GET /api/ops lists the catalog with the product events as triggers', async () => {
    const res = await t.call('/api/ops');
    const body = (await res.json()) as {
      counts: { operations: number; byApi: Record<string, number> };
      triggers: Array<{ name: string; api: string }>;
    };
    expect(body.counts.byApi.ghl).toBe(39);
    expect(body.counts.byApi.cin7).toBe(19);
    expect(
      body.triggers
        .filter((x) => x.api === 'product')
        .map((x) => x.name)
        .sort(),
    ).toEqual([
      'product.conflict.created',
      'product.connection.needs_reauth',
      'product.record.failed',
      'product.record.synced',
      'product.run.completed',
      'product.run.failed',
    ]);
  });
});
