/**
 * `cin7-ghl trigger simulate <trigger> --params '<json>'` against the sandboxes: the Cin7 sandbox
 * delivers a `Customer/Updated` (or sale) webhook to a given URL with the given bearer secret; a
 * poll pass runs in the foreground; the GHL sandbox sends a signed contact webhook; a target that is
 * not a sandbox on this machine is refused.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandboxes, startSandboxes } from '../../sandbox/index.js';
import { runCli } from '../helpers/cli.js';
import { type CliWorkspace, cliWorkspace } from '../sync/engine/cli-workspace.js';

const SCALE = 100;
let sb: Sandboxes;
let ws: CliWorkspace;
let receiver: {
  url: string;
  got: Array<{ path: string; headers: Record<string, string | string[] | undefined>; body: unknown }>;
  close(): Promise<void>;
};

beforeAll(async () => {
  sb = await startSandboxes({
    seed: 81,
    ghlContacts: 3,
    cin7: { customers: 5, salesPerCustomer: 1, timeScale: SCALE },
    ghl: { timeScale: SCALE },
  });
  ws = await cliWorkspace(sb, { timeScale: SCALE });
  const got: Array<{ path: string; headers: Record<string, string | string[] | undefined>; body: unknown }> =
    [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({
        path: req.url ?? '',
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null'),
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"received":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  receiver = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    got,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}, 120_000);

afterAll(async () => {
  ws?.cleanup();
  await receiver?.close();
  await sb?.close();
});

const simulate = (trigger: string, params: unknown) =>
  runCli(['trigger', 'simulate', trigger, '--params', JSON.stringify(params), '--json'], {
    env: ws.env,
    cwd: ws.cwd,
    timeoutMs: 60_000,
  });

describe('cin7-ghl trigger simulate', () => {
  it('cin7.Customer/Updated: the Cin7 sandbox delivers the webhook to the URL with the bearer secret', async () => {
    const customer = sb.cin7.customers()[0];
    const r = await simulate('cin7.Customer/Updated', {
      customerId: customer?.ID,
      url: `${receiver.url}/webhooks/cin7/customers`,
      secret: 'simulated-secret',
    });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.trigger).toBe('cin7.Customer/Updated');
    expect(
      out.deliveries.some((d: { attempts: Array<{ status?: number }> }) => d.attempts[0]?.status === 200),
    ).toBe(true);
    const hit = receiver.got.find((g) => g.path === '/webhooks/cin7/customers');
    expect(hit?.headers.authorization).toBe('Bearer simulated-secret');
    expect(hit?.body).toMatchObject({ EventType: 'Customer/Updated', NumberOfCustomers: 1 });
    expect(JSON.stringify(hit?.body)).toContain(customer?.ID as string);
  }, 60_000);

  it('cin7.Sale/OrderAuthorised: a new sale moved to ORDERED, its webhook delivered', async () => {
    const r = await simulate('cin7.Sale/OrderAuthorised', {
      customerId: sb.cin7.customers()[1]?.ID,
      url: `${receiver.url}/webhooks/cin7/sales`,
      secret: 'simulated-secret',
    });
    expect(r.code, r.stderr).toBe(0);
    const hit = receiver.got.find((g) => g.path === '/webhooks/cin7/sales');
    expect(hit?.body).toMatchObject({ EventType: 'Sale/OrderAuthorised' });
  }, 60_000);

  it('cin7.poll.customers: runs the poll pass and syncs what it changed', async () => {
    const r = await simulate('cin7.poll.customers', {});
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.details.customersRead).toBe(5);
    expect(out.details.contactsCreated + out.details.contactsUpdated).toBeGreaterThan(0);
  }, 90_000);

  it('ghl.ContactUpdate: the GHL sandbox sends a signed webhook to the URL', async () => {
    const contact = sb.ghl.control.contact(sb.matches[0]?.ghlContactId ?? '');
    expect(contact).toBeDefined();
    const r = await simulate('ghl.ContactUpdate', {
      contactId: contact?.id,
      url: `${receiver.url}/webhooks/ghl`,
      fields: { city: 'Boston' },
    });
    expect(r.code, r.stderr).toBe(0);
    const hit = receiver.got.find((g) => g.path === '/webhooks/ghl');
    expect(hit?.headers['x-ghl-signature']).toBeTruthy();
    expect(hit?.body).toMatchObject({ type: 'ContactUpdate', id: contact?.id, city: 'Boston' });
  }, 60_000);

  it('refuses anything but the sandboxes on this machine, and unknown triggers', async () => {
    const real = await runCli(
      ['trigger', 'simulate', 'cin7.Customer/Updated', '--params', '{"customerId":"x"}'],
      { env: { ...ws.env, CIN7_BASE_URL: 'https://inventory.dearsystems.com/ExternalApi/v2' }, cwd: ws.cwd },
    );
    expect(real.code).toBe(1);
    expect(real.stderr).toContain('trigger simulate only drives the sandboxes');
    const unknown = await simulate('cin7.Stock/AvailableStockLevelChanged', {});
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('cannot be simulated');
  }, 60_000);
});
