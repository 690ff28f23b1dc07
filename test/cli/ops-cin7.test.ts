/**
 * Every `cin7.*` operation through `cin7-ghl ops call`, spawned as a user runs it (clean environment
 * plus CIN7_BASE_URL, CIN7_ACCOUNT_ID, CIN7_APPLICATION_KEY: no store needed), against a running
 * `cin7-ghl sandbox`. stdout carries the vendor's response body verbatim; a failure exits 1 with
 * `{operation, status, message, traceId}` on stderr. Then `connect cin7` stores the key, after which
 * `ops call` works from the store alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CIN7_OPERATIONS } from '../../src/cin7/operation-defs.js';
import { CIN7_WEBHOOK_TYPES } from '../../src/cin7/triggers.js';
import { type SandboxProcess, runCli, startSandboxProcess } from '../helpers/cli.js';

type Json = Record<string, unknown>;

describe('cin7-ghl ops call cin7.* against a running cin7-ghl sandbox', () => {
  let sandbox: SandboxProcess;
  let env: Record<string, string>;
  let dataDir: string;
  const called = new Set<string>();

  beforeAll(async () => {
    sandbox = await startSandboxProcess(['--customers', '12', '--sales-per-customer', '2', '--seed', '4']);
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'cin7ghl-ops-cin7-'));
    env = {
      CIN7_BASE_URL: sandbox.ready.cin7.baseUrl,
      CIN7_ACCOUNT_ID: sandbox.ready.cin7.accountId,
      CIN7_APPLICATION_KEY: sandbox.ready.cin7.applicationKey,
      CIN7_GHL_DATA_DIR: dataDir,
      CIN7_GHL_LOG_LEVEL: 'warn',
    };
  }, 90_000);
  afterAll(async () => {
    await sandbox?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** `ops call name --params json`; the parsed stdout (exactly one JSON value). */
  async function call(
    name: string,
    params: Json = {},
    extraEnv: Record<string, string> = env,
  ): Promise<Json> {
    const r = await runCli(['ops', 'call', name, '--params', JSON.stringify(params)], {
      env: extraEnv,
      cwd: dataDir,
    });
    expect(r.code, `${name}: ${r.stderr}`).toBe(0);
    called.add(name);
    const lines = r.stdout.split('\n').filter((l) => l !== '');
    expect(lines, name).toHaveLength(1);
    return JSON.parse(lines[0] as string) as Json;
  }

  /** Runs calls at most 3 at a time (each is a process start). */
  async function all<T>(jobs: Array<() => Promise<T>>): Promise<T[]> {
    const out: T[] = new Array(jobs.length);
    let next = 0;
    await Promise.all(
      Array.from({ length: 3 }, async () => {
        while (next < jobs.length) {
          const i = next++;
          out[i] = await (jobs[i] as () => Promise<T>)();
        }
      }),
    );
    return out;
  }

  /** The same call made directly, to check `ops call` hands back the body verbatim. */
  async function direct(pathAndQuery: string): Promise<unknown> {
    const res = await fetch(`${sandbox.ready.cin7.baseUrl}${pathAndQuery}`, {
      headers: {
        'api-auth-accountid': sandbox.ready.cin7.accountId,
        'api-auth-applicationkey': sandbox.ready.cin7.applicationKey,
      },
      signal: AbortSignal.timeout(10_000),
    });
    return res.json();
  }

  it('ops list --json lists the 19 Cin7 operations, the 32 webhook types and 2 polling triggers', async () => {
    const r = await runCli(['ops', 'list', '--json'], { env, cwd: dataDir });
    expect(r.code, r.stderr).toBe(0);
    const list = JSON.parse(r.stdout) as {
      counts: { byApi: Record<string, number> };
      operations: Array<{ name: string; api: string }>;
      triggers: Array<{ name: string; api: string; kind: string }>;
    };
    expect(list.counts.byApi.cin7).toBe(19);
    expect(
      list.operations
        .filter((o) => o.api === 'cin7')
        .map((o) => o.name)
        .sort(),
    ).toEqual(CIN7_OPERATIONS.map((o) => o.name).sort());
    const triggers = list.triggers.filter((t) => t.api === 'cin7');
    expect(triggers.filter((t) => t.kind === 'webhook').map((t) => t.name)).toEqual(
      CIN7_WEBHOOK_TYPES.map((type) => `cin7.${type}`),
    );
    expect(new Set(CIN7_WEBHOOK_TYPES).size).toBe(32);
    expect(triggers.filter((t) => t.kind === 'poll').map((t) => t.name)).toEqual([
      'cin7.poll.customers',
      'cin7.poll.sales',
    ]);
  });

  it('every cin7.* operation works through ops call, answering the vendor body verbatim', async () => {
    const list = await call('cin7.customers.list', { Page: 1, Limit: 3, IncludeDeprecated: true });
    expect(list).toEqual(await direct('/customer?Page=1&Limit=3&IncludeDeprecated=true'));
    const [me, sales, created, hook, ...refs] = await all([
      () => call('cin7.me'),
      () => call('cin7.sales.list', { Limit: 2, Page: 1 }),
      () =>
        call('cin7.customers.create', {
          body: {
            Name: 'Ops Cli Customer',
            Status: 'Active',
            Currency: 'USD',
            PaymentTerm: '30 days',
            AccountReceivable: '610',
            RevenueAccount: '200',
            TaxRule: 'Tax Exempt',
            Contacts: [{ Name: 'Ops Person', Email: 'ops.person@example.com', Default: true }],
            Addresses: [{ Line1: '1 Ops Way', Country: 'United States', Type: 'Billing' }],
          },
        }),
      () =>
        call('cin7.webhooks.create', {
          body: {
            Type: 'Customer/Updated',
            IsActive: true,
            ExternalURL: 'http://127.0.0.1:9/elsewhere',
            ExternalAuthorizationType: 'bearerauth',
            ExternalBearerToken: 'ops-cli-token',
          },
        }),
      () => call('cin7.ref.paymentTerms', { IsActive: true }),
      () => call('cin7.ref.taxRules'),
      () => call('cin7.ref.accounts', { Code: '610' }),
      () => call('cin7.ref.priceTiers'),
      () => call('cin7.ref.carriers'),
      () => call('cin7.ref.locations'),
      () => call('cin7.ref.attributeSets'),
    ]);
    expect(me).toEqual(await direct('/me'));
    expect((list.CustomerList as unknown[]).length).toBe(3);
    expect((sales!.SaleList as unknown[]).length).toBe(2);
    const customer = (created!.CustomerList as Json[])[0] as Json;
    expect(customer.Name).toBe('Ops Cli Customer');
    const hookId = ((hook!.Webhooks as Json[])[0] as Json).ID as string;
    expect((refs[0]!.PaymentTermList as Json[]).every((t) => t.IsActive === true)).toBe(true);
    expect(refs[1]!.TaxRuleList).toBeDefined();
    expect((refs[2]!.AccountsList as Json[]).map((a) => a.Code)).toEqual(['610']);
    expect(refs[3]!.PriceTiers).toBeDefined();
    expect(refs[4]!.CarrierList).toBeDefined();
    expect(refs[5]!.LocationList).toBeDefined();
    expect(refs[6]!.AttributeSetList).toBeDefined();

    const id = customer.ID as string;
    const contactIds = (customer.Contacts as Json[]).map((c) => c.ID);
    const saleId = ((sales!.SaleList as Json[])[0] as Json).SaleID as string;
    const [got, updated, sale, hooks, hookUpdated] = await all([
      () => call('cin7.customers.get', { ID: id }),
      () => call('cin7.customers.update', { body: { ID: id, Comments: 'from ops call' } }),
      () => call('cin7.sales.get', { ID: saleId }),
      () => call('cin7.webhooks.list'),
      () =>
        call('cin7.webhooks.update', {
          body: {
            ID: hookId,
            Type: 'Customer/Updated',
            IsActive: false,
            ExternalURL: 'http://127.0.0.1:9/elsewhere',
            ExternalAuthorizationType: 'bearerauth',
            ExternalBearerToken: 'ops-cli-token',
          },
        }),
    ]);
    expect(((got!.CustomerList as Json[])[0] as Json).ID).toBe(id);
    const saved = (updated!.CustomerList as Json[])[0] as Json;
    expect(saved.Comments).toBe('from ops call');
    expect((saved.Contacts as Json[]).map((c) => c.ID)).toEqual(contactIds);
    expect(saved.Addresses as unknown[]).toHaveLength(1);
    expect(sale!.ID).toBe(saleId);
    expect((hooks!.Webhooks as Json[]).map((h) => h.ID)).toContain(hookId);
    expect(((hookUpdated!.Webhooks as Json[])[0] as Json).IsActive).toBe(false);

    const [deprecated, deleted] = await all([
      () => call('cin7.customers.deprecate', { ID: id }),
      () => call('cin7.webhooks.delete', { ID: hookId }),
    ]);
    expect(((deprecated!.CustomerList as Json[])[0] as Json).Status).toBe('Deprecated');
    expect(deleted).toEqual({ Webhooks: [] });
    // A deprecated customer is still found by ID.
    const again = await call('cin7.customers.get', { ID: id });
    expect(((again.CustomerList as Json[])[0] as Json).Status).toBe('Deprecated');

    expect([...called].sort()).toEqual(CIN7_OPERATIONS.map((o) => o.name).sort());
  });

  it('a vendor error exits 1 with {operation, status, message} on stderr; a bad parameter names the fix', async () => {
    const bad = await runCli(['ops', 'call', 'cin7.customers.get', '--params', '{"ID":"not-a-guid"}'], {
      env,
      cwd: dataDir,
    });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    const err = JSON.parse(bad.stderr.trim().split('\n').pop() as string) as Json;
    expect(err.operation).toBe('cin7.customers.get');
    expect(err.status).toBe(400);
    expect(String(err.message)).toContain('not-a-guid');

    const unknown = await runCli(
      ['ops', 'call', 'cin7.customers.list', '--params', '{"modifiedSince":"x"}'],
      {
        env,
        cwd: dataDir,
      },
    );
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('ModifiedSince');
    expect(unknown.stderr).not.toContain(sandbox.ready.cin7.applicationKey);
  });

  it('connect cin7 stores the key encrypted; ops call then needs no key in the environment', async () => {
    const connected = await runCli(['connect', 'cin7', '--json'], {
      env: { ...env, CIN7_GHL_PUBLIC_URL: 'http://127.0.0.1:9' },
      cwd: dataDir,
    });
    expect(connected.code, connected.stderr).toBe(0);
    const result = JSON.parse(connected.stdout) as Json;
    expect(result.company).toBe('Sandbox Trading Co');
    expect(result.calls).toBeGreaterThanOrEqual(2);
    expect(((result.webhooks as Json).created as string[]).sort()).toEqual(
      [
        'Customer/Updated',
        'Sale/Created',
        'Sale/CreditNoteAuthorised',
        'Sale/FullPaymentReceived',
        'Sale/InvoiceAuthorised',
        'Sale/OrderAuthorised',
        'Sale/PartialPaymentReceived',
        'Sale/Undo',
        'Sale/Voided',
      ].sort(),
    );
    expect(connected.stdout + connected.stderr).not.toContain(sandbox.ready.cin7.applicationKey);

    const { CIN7_APPLICATION_KEY: _key, CIN7_ACCOUNT_ID: _account, ...withoutKey } = env;
    const me = await call('cin7.me', {}, withoutKey);
    expect(me.Company).toBe('Sandbox Trading Co');

    const wrong = await runCli(['connect', 'cin7', '--json'], {
      env: { ...env, CIN7_APPLICATION_KEY: '00000000-1111-4222-8333-444444444444' },
      cwd: dataDir,
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr + wrong.stdout).toContain('Integrations');
  });
});
