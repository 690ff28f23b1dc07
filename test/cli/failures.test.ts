/**
 * Records that fail alone, end to end through the CLI: a bad email, a bad phone and a name GHL
 * rejects (a 422, from a proxy in front of the GHL sandbox: the sandbox itself accepts any name) each
 * fail with a clear stored error, their request and record; the other customers complete; `status`
 * shows them in plain words; after the data is fixed in Cin7, `failures retry --all` succeeds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandboxes, startSandboxes } from '../../sandbox/index.js';
import {
  type CliWorkspace,
  CUSTOMER_DEFAULTS,
  type GhlProxy,
  cliWorkspace,
  startGhlProxy,
} from '../sync/engine/cli-workspace.js';
import { runCli } from '../helpers/cli.js';

const SCALE = 100;
let sb: Sandboxes;
let proxy: GhlProxy;
let ws: CliWorkspace;
const ids: Record<'email' | 'phone' | 'name', { customer: string; contact: string }> = {
  email: { customer: '', contact: '' },
  phone: { customer: '', contact: '' },
  name: { customer: '', contact: '' },
};

function customer(name: string, contact: Record<string, unknown>) {
  const c = sb.cin7.control.createCustomer({
    ...CUSTOMER_DEFAULTS,
    Name: name,
    Contacts: [{ Default: true, ...contact }],
    Addresses: [
      {
        Line1: '1 Test Street',
        City: 'Austin',
        State: 'TX',
        Postcode: '78701',
        Country: 'United States',
        Type: 'Billing',
        DefaultForType: true,
      },
    ],
  });
  return { customer: c.ID, contact: c.Contacts[0]?.ID ?? '' };
}

beforeAll(async () => {
  sb = await startSandboxes({
    seed: 31,
    cin7: { customers: 6, salesPerCustomer: 1, timeScale: SCALE },
    ghl: { timeScale: SCALE },
  });
  proxy = await startGhlProxy(sb.ghl.baseUrl, (req) => {
    const body = req.body as { firstName?: string; lastName?: string } | null;
    const names = `${body?.firstName ?? ''} ${body?.lastName ?? ''}`;
    return /[<>]/.test(names)
      ? {
          status: 422,
          body: {
            statusCode: 422,
            message: ['lastName must not contain < or >'],
            error: 'Unprocessable Entity',
          },
        }
      : null;
  });
  ws = await cliWorkspace(sb, { timeScale: SCALE, ghlBaseUrl: proxy.url });
  ids.email = customer('Bad Email Pty', { Name: 'Nora Quill', Email: 'nora.quill@', Phone: null });
  ids.phone = customer('Bad Phone Co', { Name: 'Otto Brand', Email: null, Phone: 'n/a' });
  ids.name = customer('Bad Name LLC', { Name: 'Rex <Admin>', Email: 'rex.admin@example.com', Phone: null });
}, 120_000);

afterAll(async () => {
  ws?.cleanup();
  await proxy?.close();
  await sb?.close();
});

describe('invalid records fail alone; failures retry after the fix', () => {
  it('sync run: the three fail alone (exit 2), the others complete', async () => {
    const r = await runCli(['sync', 'run', '--json'], { env: ws.env, cwd: ws.cwd, timeoutMs: 90_000 });
    expect(r.code, r.stderr).toBe(2);
    const out = JSON.parse(r.stdout);
    expect(out.failed).toBeGreaterThanOrEqual(3);
    expect(out.contactsCreated).toBeGreaterThan(0);
    const list = await runCli(['failures', 'list', '--json'], { env: ws.env, cwd: ws.cwd });
    expect(list.code, list.stderr).toBe(0);
    const failures = JSON.parse(list.stdout) as Array<{
      cin7ContactId: string;
      code: string;
      error: string;
      request: { method: string; path: string; body: Record<string, unknown> } | null;
      record: Record<string, unknown> | null;
    }>;
    const of = (k: keyof typeof ids) => failures.find((f) => f.cin7ContactId === ids[k].contact);
    expect(of('email')?.code).toBe('invalid_email');
    expect(of('email')?.error).toBe(
      'Cin7 contact "Nora Quill" of customer "Bad Email Pty": invalid email "nora.quill@" (fix it in Cin7). GHL would refuse it, so it was not sent; fix it in Cin7, then run `cin7-ghl failures retry`.',
    );
    expect(of('email')?.record).toMatchObject({ ID: ids.email.contact, Email: 'nora.quill@' });
    expect(of('phone')?.code).toBe('invalid_phone');
    expect(of('phone')?.error).toMatch(/"Otto Brand".*invalid phone "n\/a"/);
    const name = of('name');
    expect(name?.code).toBe('ghl_rejected');
    expect(name?.error).toBe(
      'GHL refused the create of contact "Rex <Admin>" of Cin7 customer "Bad Name LLC" (422: lastName must not contain < or >). Fix the value in Cin7, then run `cin7-ghl failures retry`.',
    );
    expect(name?.request).toMatchObject({
      method: 'POST',
      path: '/contacts/upsert',
      body: { firstName: 'Rex', lastName: '<Admin>', email: 'rex.admin@example.com' },
    });
    // The refused request is the one the proxy received.
    expect(
      proxy.requests.some(
        (q) => q.path === '/contacts/upsert' && (q.body as { lastName?: string }).lastName === '<Admin>',
      ),
    ).toBe(true);
    // None of them reached GHL as a contact; everyone else did.
    expect(sb.ghl.control.findContacts({ email: 'rex.admin@example.com' })).toHaveLength(0);
  }, 120_000);

  it('status shows the failures in plain words', async () => {
    const r = await runCli(['status', '--json'], { env: ws.env, cwd: ws.cwd });
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.failures.open).toBeGreaterThanOrEqual(3);
    expect(s.failures.byCode).toMatchObject({ invalid_email: 1, invalid_phone: 1, ghl_rejected: 1 });
    expect(s.runs[0]).toMatchObject({ kind: 'sync', status: 'partial' });
    const text = await runCli(['status'], { env: ws.env, cwd: ws.cwd });
    expect(text.stdout).toContain('invalid email "nora.quill@"');
    expect(text.stdout).toContain('cin7-ghl failures retry');
  }, 60_000);

  it('failures retry --all after fixing the data in Cin7 resolves them', async () => {
    sb.cin7.control.editContact(ids.email.customer, ids.email.contact, { Email: 'nora.quill@example.com' });
    sb.cin7.control.editContact(ids.phone.customer, ids.phone.contact, { Phone: '(512) 555-0142' });
    sb.cin7.control.editContact(ids.name.customer, ids.name.contact, { Name: 'Rex Admin' });
    const r = await runCli(['failures', 'retry', '--all', '--json'], {
      env: ws.env,
      cwd: ws.cwd,
      timeoutMs: 90_000,
    });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.stillFailing).toEqual([]);
    expect(out.resolved).toBe(out.retried);
    expect(out.resolved).toBeGreaterThanOrEqual(3);
    expect(sb.ghl.control.findContacts({ email: 'nora.quill@example.com' })).toHaveLength(1);
    expect(sb.ghl.control.findContacts({ phone: '+15125550142' })).toHaveLength(1);
    expect(sb.ghl.control.findContacts({ email: 'rex.admin@example.com' })[0]?.lastName).toBe('Admin');
    const list = await runCli(['failures', 'list', '--json'], { env: ws.env, cwd: ws.cwd });
    const open = JSON.parse(list.stdout) as Array<{ cin7ContactId: string }>;
    for (const k of ['email', 'phone', 'name'] as const) {
      expect(open.some((f) => f.cin7ContactId === ids[k].contact)).toBe(false);
    }
  }, 120_000);
});
