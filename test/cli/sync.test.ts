/**
 * `cin7-ghl sync run` as a user runs it: the exact `--json` fields and exit codes; progress on
 * stderr only; in the sandbox environment with nothing configured it says how to start the
 * sandboxes; and `mapping preview` shows exactly the request the sync then sends (compared with
 * what the GHL sandbox received, through a recording proxy).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandboxes, startSandboxes } from '../../sandbox/index.js';
import { runCli } from '../helpers/cli.js';
import {
  type CliWorkspace,
  CUSTOMER_DEFAULTS,
  type GhlProxy,
  cliWorkspace,
  startGhlProxy,
} from '../sync/engine/cli-workspace.js';

const SCALE = 100;
let sb: Sandboxes;
let proxy: GhlProxy;
let ws: CliWorkspace;

beforeAll(async () => {
  sb = await startSandboxes({
    seed: 41,
    ghlContacts: 8,
    cin7: { customers: 30, salesPerCustomer: 2, timeScale: SCALE },
    ghl: { timeScale: SCALE },
  });
  proxy = await startGhlProxy(sb.ghl.baseUrl);
  ws = await cliWorkspace(sb, {
    timeScale: SCALE,
    ghlBaseUrl: proxy.url,
    rulesYaml: 'rules:\n  - { tag: "tier:{priceTier}" }\n',
  });
}, 120_000);

afterAll(async () => {
  ws?.cleanup();
  await proxy?.close();
  await sb?.close();
});

const KEYS = [
  'calls',
  'contactsCreated',
  'contactsUpdated',
  'customersRead',
  'deferred',
  'failed',
  'minimumCalls',
  'skipped',
  'unchanged',
];

describe('cin7-ghl sync run', () => {
  let previewBody: Record<string, unknown>;
  let previewed: { customer: string; email: string };

  it('mapping preview first: the request the sync would send, nothing written', async () => {
    const c = sb.cin7.control.createCustomer({
      ...CUSTOMER_DEFAULTS,
      Name: 'Preview Then Sync Ltd',
      PriceTier: 'Wholesale',
      Tags: 'trade',
      Contacts: [
        {
          Name: 'Ada Preview',
          Email: 'Ada.Preview@Example.com',
          Phone: '+61 3 5550 1777',
          Default: true,
          MarketingConsent: 2,
        },
      ],
      Addresses: [
        {
          Line1: '9 Collins Street',
          City: 'Melbourne',
          State: 'VIC',
          Postcode: '3000',
          Country: 'Australia',
          Type: 'Billing',
          DefaultForType: true,
        },
      ],
    });
    previewed = { customer: c.ID, email: 'ada.preview@example.com' };
    const r = await runCli(['mapping', 'preview', c.ID, '--json'], { env: ws.env, cwd: ws.cwd });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.contacts[0].existing).toBeNull();
    expect(out.contacts[0].create.method).toBe('POST');
    expect(out.contacts[0].create.path).toBe('/contacts/upsert');
    previewBody = out.contacts[0].create.body;
    expect(previewBody).toMatchObject({ email: 'ada.preview@example.com', tags: ['tier:wholesale'] });
    expect(proxy.requests.filter((q) => q.method !== 'GET' && q.path !== '/contacts/search')).toEqual([]);
  }, 60_000);

  it('--json prints exactly the documented fields; the create sent is the previewed body', async () => {
    const r = await runCli(['sync', 'run', '--json'], { env: ws.env, cwd: ws.cwd, timeoutMs: 90_000 });
    expect([0, 2], r.stderr).toContain(r.code);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out).sort()).toEqual(KEYS);
    expect(Object.keys(out.calls).sort()).toEqual(['cin7', 'ghl']);
    expect(Object.keys(out.minimumCalls).sort()).toEqual(['cin7', 'ghl']);
    expect(out.customersRead).toBe(31);
    expect(out.calls.cin7).toBeLessThanOrEqual(1.02 * out.minimumCalls.cin7 + 1);
    expect(out.calls.ghl).toBeLessThanOrEqual(1.02 * out.minimumCalls.ghl + 1);
    expect(r.code).toBe(out.failed > 0 || out.deferred > 0 ? 2 : 0);
    // Progress and logs go to stderr; stdout is the JSON alone.
    expect(r.stdout.trim().startsWith('{')).toBe(true);
    expect(r.stderr).toContain('Syncing customers');

    const sent = proxy.requests.filter(
      (q) =>
        q.method === 'POST' &&
        q.path === '/contacts/upsert' &&
        (q.body as { email?: string }).email === previewed.email,
    );
    expect(sent).toHaveLength(1);
    expect(sent[0]?.body).toEqual(previewBody);
  }, 120_000);

  it('a second run changes nothing and exits 0; the text form names the calls', async () => {
    const r = await runCli(['sync', 'run'], { env: ws.env, cwd: ws.cwd, timeoutMs: 90_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/0 contacts created, 0 updated/);
    expect(r.stdout).toMatch(/Calls: GHL 0 \(minimum 0\), Cin7 3 \(minimum 3\)/);
  }, 120_000);

  it('in the sandbox environment with nothing configured, it says how to start the sandboxes (exit 1)', async () => {
    const bare = await cliWorkspace(sb, { timeScale: SCALE, configured: false });
    try {
      const r = await runCli(['sync', 'run', '--json'], { env: bare.env, cwd: bare.cwd });
      expect(r.code).toBe(1);
      const out = JSON.parse(r.stdout);
      expect(Object.keys(out).sort()).toEqual([...KEYS, 'error'].sort());
      expect(out.customersRead).toBe(0);
      expect(out.error).toMatch(/no GHL or Cin7 connection is configured/);
      expect(r.stderr).toContain('cin7-ghl sandbox');
      expect(r.stderr).toContain('npm start');
      const text = await runCli(['sync', 'run'], { env: bare.env, cwd: bare.cwd });
      expect(text.code).toBe(1);
      expect(text.stderr).toMatch(/Fix: Start the sandboxes with `cin7-ghl sandbox` \(or `npm start`\)/);
    } finally {
      bare.cleanup();
    }
  }, 60_000);
});
