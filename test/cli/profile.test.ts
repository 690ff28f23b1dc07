/**
 * `cin7-ghl profile <cin7-id|email> [--json]`: the unified profile after a sync, found by customer id
 * or by a contact's email; an unknown one exits 1 with a hint.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandboxes, startSandboxes } from '../../sandbox/index.js';
import { runCli } from '../helpers/cli.js';
import { type CliWorkspace, CUSTOMER_DEFAULTS, cliWorkspace } from '../sync/engine/cli-workspace.js';

const SCALE = 100;
let sb: Sandboxes;
let ws: CliWorkspace;
let customerId: string;

beforeAll(async () => {
  sb = await startSandboxes({
    seed: 61,
    cin7: { customers: 4, salesPerCustomer: 1, timeScale: SCALE },
    ghl: { timeScale: SCALE },
  });
  ws = await cliWorkspace(sb, { timeScale: SCALE });
  customerId = sb.cin7.control.createCustomer({
    ...CUSTOMER_DEFAULTS,
    Name: 'Profile Garden Co',
    Contacts: [
      { Name: 'Pia Profile', Email: 'pia.profile@example.com', Phone: '(212) 555-0177', Default: true },
    ],
    Addresses: [
      {
        Line1: '5 Main Street',
        City: 'Austin',
        State: 'TX',
        Postcode: '78701',
        Country: 'United States',
        Type: 'Billing',
        DefaultForType: true,
      },
    ],
  }).ID;
  const r = await runCli(['sync', 'run', '--json'], { env: ws.env, cwd: ws.cwd, timeoutMs: 90_000 });
  if (r.code === 1) throw new Error(r.stderr);
}, 120_000);

afterAll(async () => {
  ws?.cleanup();
  await sb?.close();
});

describe('cin7-ghl profile', () => {
  it('finds the profile by a contact email (JSON) and by customer id (text)', async () => {
    const r = await runCli(['profile', 'PIA.profile@example.com', '--json'], { env: ws.env, cwd: ws.cwd });
    expect(r.code, r.stderr).toBe(0);
    const p = JSON.parse(r.stdout);
    expect(p.cin7CustomerId).toBe(customerId);
    expect(p.name).toBe('Profile Garden Co');
    expect(p.cin7.Contacts[0].Email).toBe('pia.profile@example.com');
    const ghlId = sb.ghl.control.findContacts({ email: 'pia.profile@example.com' })[0]?.id;
    expect(p.contacts[0]).toMatchObject({
      contactName: 'Pia Profile',
      ghlContactId: ghlId,
      notes: [],
      tasks: [],
    });
    expect(p.contacts[0].ghl.companyName).toBe('Profile Garden Co');

    const text = await runCli(['profile', customerId], { env: ws.env, cwd: ws.cwd });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`Profile Garden Co (Cin7 customer ${customerId}, Active)`);
    expect(text.stdout).toContain(`Contact Pia Profile: GHL ${ghlId} (linked)`);
    expect(text.stdout).toContain('pia.profile@example.com · +12125550177 · Profile Garden Co');
  }, 60_000);

  it('an unknown customer exits 1 and says what to do', async () => {
    const r = await runCli(['profile', 'nobody@example.com'], { env: ws.env, cwd: ws.cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/No customer matches "nobody@example.com" \(run `cin7-ghl sync run` first/);
  }, 60_000);
});
