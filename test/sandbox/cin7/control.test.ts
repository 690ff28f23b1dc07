/** The control surface over HTTP (`/_sandbox/…`), driven against a sandbox in another process. */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv } from '../../helpers/env.js';
import type { Json } from './client.js';
import { type Receiver, startReceiver } from './receiver.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');

interface Ready {
  cin7: { baseUrl: string; accountId: string; applicationKey: string };
}

async function startChild(options: Json): Promise<{ child: ChildProcess; ready: Ready }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'sandbox/cin7/main.ts', JSON.stringify(options)],
    {
      cwd: ROOT,
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const lines = createInterface({ input: child.stdout as NonNullable<ChildProcess['stdout']> });
  const ready = await new Promise<Ready>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('cin7 sandbox child did not print its ready line in 30 s')),
      30_000,
    );
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(JSON.parse(line) as Ready);
    });
    child.once('exit', (code) => reject(new Error(`cin7 sandbox child exited with ${code}`)));
  });
  return { child, ready };
}

describe('cin7 sandbox control over HTTP, in another process', () => {
  let child: ChildProcess | undefined;
  let ready: Ready;
  let root: string;
  let rx: Receiver;

  const control = async (
    method: string,
    p: string,
    body?: unknown,
  ): Promise<{ status: number; body: Json }> => {
    const res = await fetch(`${root}/_sandbox${p}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    return { status: res.status, body: (await res.json()) as Json };
  };
  const cin7 = async (method: string, p: string, body?: unknown): Promise<{ status: number; body: Json }> => {
    const res = await fetch(`${ready.cin7.baseUrl}${p}`, {
      method,
      headers: {
        'api-auth-accountid': ready.cin7.accountId,
        'api-auth-applicationkey': ready.cin7.applicationKey,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    return { status: res.status, body: (await res.json()) as Json };
  };

  beforeAll(async () => {
    rx = await startReceiver();
    ({ child, ready } = await startChild({ seed: 101, customers: 20, salesPerCustomer: 2, timeScale: 60 }));
    root = ready.cin7.baseUrl.replace(/\/ExternalApi\/v2$/, '');
  }, 60_000);
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child?.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await rx?.close();
  });

  it('prints the cin7 half of the ready line: baseUrl without trailing slash, credentials', () => {
    expect(ready.cin7.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/ExternalApi\/v2$/);
    expect(ready.cin7.accountId).toMatch(/^[0-9a-f-]{36}$/);
    expect(ready.cin7.applicationKey.length).toBeGreaterThan(10);
  });

  it('reports state and changes knobs; bad knobs answer 400', async () => {
    const state = await control('GET', '/state');
    expect(state.body).toMatchObject({ customers: 20, sales: 40, baseUrl: ready.cin7.baseUrl });
    const changed = await control('POST', '/config', { maxPageSize: 5, bumpOnContactEdit: true });
    expect(changed.body).toMatchObject({ maxPageSize: 5, bumpOnContactEdit: true });
    const page = await cin7('GET', '/customer?Limit=100&IncludeDeprecated=true');
    expect((page.body.CustomerList as Json[]).length).toBe(5);
    expect((await control('POST', '/config', { maxPageSize: 5000 })).status).toBe(400);
    expect((await control('POST', '/config', { noSuchKnob: 1 })).status).toBe(400);
    await control('POST', '/config', { maxPageSize: 1000 });
  });

  it('edits as a Cin7 user, counts calls, and delivers webhooks on flush', async () => {
    await cin7('POST', '/webhooks', {
      Type: 'Customer/Updated',
      IsActive: true,
      ExternalURL: `${rx.url}/hook`,
      ExternalAuthorizationType: 'noauth',
    });
    const customers = await control('GET', '/customers?limit=3');
    const first = (customers.body.customers as Json[])[0] as Json;
    const edited = await control('POST', `/customers/${String(first.ID)}/edit`, {
      Comments: 'from another process',
    });
    expect(edited.body.Comments).toBe('from another process');
    const contact = (first.Contacts as Json[])[0] as Json;
    const contactEdit = await control(
      'POST',
      `/customers/${String(first.ID)}/contacts/${String(contact.ID)}/edit`,
      {
        Email: 'changed@example.com',
      },
    );
    expect((contactEdit.body.Contacts as Json[])[0]?.Email).toBe('changed@example.com');
    expect((await control('POST', '/customers/not-a-customer/edit', {})).status).toBe(400);
    const flushed = await control('POST', '/webhooks/flush');
    expect(flushed.body).toEqual({ flushed: 1 });
    await rx.waitFor(1, 5000);
    const deliveries = await control('GET', '/webhooks/deliveries');
    expect((deliveries.body as unknown as Json[])[0]?.state).toBe('delivered');
    const calls = await control('GET', '/calls');
    expect((calls.body.byRoute as Json)['cin7.webhooks.create']).toBe(1);
  });

  it('creates, moves on, pays and voids a sale; random edits report what changed', async () => {
    const customers = await control('GET', '/customers?limit=1');
    const id = String(((customers.body.customers as Json[])[0] as Json).ID);
    const sale = await control('POST', '/sales', { CustomerID: id, Status: 'INVOICED' });
    expect(sale.body.Status).toBe('INVOICED');
    const paid = await control('POST', `/sales/${String(sale.body.SaleID)}/payments`, {});
    expect(paid.body.Status).toBe('COMPLETED');
    const voided = await control('POST', `/sales/${String(sale.body.SaleID)}/void`);
    expect(voided.body.Status).toBe('VOIDED');
    const edits = await control('POST', '/customers/random-edits', { count: 5, contactOnlyShare: 0 });
    expect((edits.body.edits as Json[]).map((e) => e.kind)).toEqual([
      'customer',
      'customer',
      'customer',
      'customer',
      'customer',
    ]);
  });
});
