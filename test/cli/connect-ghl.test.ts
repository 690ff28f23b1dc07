/**
 * `cin7-ghl connect ghl` as a user runs it, against the GHL sandbox: the consent URL with the
 * config's scopes; `--approve-sandbox` finishing the OAuth connect on its own; `--pit` storing a
 * Private Integration Token; and `ops call` then using the stored connection (no GHL_TOKEN).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type GhlSandbox, startGhlSandbox } from '../../sandbox/ghl/index.js';
import { runCli } from '../helpers/cli.js';
import { silentLogger } from '../../src/log/logger.js';
import { openStore } from '../../src/store/open.js';
import { seedPgliteDir, testConfig } from '../helpers/store.js';

describe('cin7-ghl connect ghl', () => {
  let sb: GhlSandbox;
  let root: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    sb = await startGhlSandbox({ seed: 12, contacts: 3 });
  });
  afterAll(async () => {
    await sb?.close();
  });
  beforeEach(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'cin7ghl-connect-'));
    await seedPgliteDir(path.join(root, 'sandbox'));
    env = {
      CIN7_GHL_DATA_DIR: root,
      CIN7_GHL_LOG_LEVEL: 'warn',
      CIN7_GHL_PUBLIC_URL: 'https://sync.example.com',
      GHL_BASE_URL: sb.baseUrl,
      GHL_AUTHORIZE_URL: sb.authorizeUrl,
      GHL_CLIENT_ID: sb.clientId,
      GHL_CLIENT_SECRET: sb.clientSecret,
    };
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('prints the consent URL (least-privilege scopes, a state) and the webhook URL', async () => {
    const r = await runCli(['connect', 'ghl', '--json'], { env });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      authorizeUrl: string;
      redirectUri: string;
      scopes: string[];
      webhookUrl: string;
    };
    const url = new URL(out.authorizeUrl);
    expect(`${url.origin}${url.pathname}`).toBe(sb.authorizeUrl);
    expect(url.searchParams.get('scope')).toBe('contacts.readonly contacts.write locations/tasks.readonly');
    expect(url.searchParams.get('state')).toBeTruthy();
    expect(out.redirectUri).toBe('https://sync.example.com/oauth/ghl/callback');
    expect(out.webhookUrl).toBe('https://sync.example.com/webhooks/ghl');
    expect(r.stderr).not.toContain(sb.clientSecret);
  });

  it('--approve-sandbox completes the connect; ops call then uses the stored connection', async () => {
    const r = await runCli(['connect', 'ghl', '--approve-sandbox', '--json'], { env });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      connected: { locationId: string; authMode: string };
      webhookUrl: string;
    };
    expect(out.connected).toMatchObject({ locationId: sb.locationId, authMode: 'oauth' });
    expect(out.webhookUrl).toBe('https://sync.example.com/webhooks/ghl');
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/access_token|refresh_token/);
    const search = await runCli(
      ['ops', 'call', 'ghl.contacts.search', '--params', '{"body":{"pageLimit":1}}'],
      {
        env,
      },
    );
    expect(search.code, search.stderr).toBe(0);
    expect((JSON.parse(search.stdout) as { contacts: unknown[] }).contacts).toHaveLength(1);
    // The connection asked only for what the config needs: custom fields are not among them.
    const fields = await runCli(['ops', 'call', 'ghl.customFields.list'], { env });
    expect(fields.code).toBe(1);
    expect(JSON.parse(fields.stderr.trim().split('\n').pop()!)).toMatchObject({
      operation: 'ghl.customFields.list',
      status: 401,
      message: 'The token is not authorized for this scope.',
    });
  });

  it('--pit stores the token from GHL_TOKEN for GHL_LOCATION_ID; without them it says what to set', async () => {
    const missing = await runCli(['connect', 'ghl', '--pit'], { env });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/GHL_TOKEN, GHL_LOCATION_ID/);
    const pitEnv = { ...env, GHL_TOKEN: sb.token, GHL_LOCATION_ID: sb.locationId };
    const r = await runCli(['connect', 'ghl', '--pit', '--json'], { env: pitEnv });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ connected: { locationId: sb.locationId, authMode: 'pit' } });
    expect(r.stdout).not.toContain(sb.token);
    // Without GHL_TOKEN in the environment, ops call reads the stored PIT.
    const list = await runCli(['ops', 'call', 'ghl.contacts.list', '--params', '{"limit":1}'], {
      env: { ...env, GHL_LOCATION_ID: sb.locationId },
    });
    expect(list.code, list.stderr).toBe(0);
    expect((JSON.parse(list.stdout) as { contacts: unknown[] }).contacts).toHaveLength(1);
  });

  it('while a service holds the embedded store, it says to start the connect from the service', async () => {
    const store = await openStore(testConfig({ root }), { logger: silentLogger() });
    try {
      const r = await runCli(['connect', 'ghl'], { env });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/in use by process/);
      expect(r.stderr).toContain('open https://sync.example.com/oauth/ghl/connect in a browser');
    } finally {
      await store.close();
    }
  });

  it('--approve-sandbox refuses a consent page that is not local', async () => {
    const r = await runCli(['connect', 'ghl', '--approve-sandbox'], {
      env: { ...env, GHL_AUTHORIZE_URL: 'https://marketplace.gohighlevel.com/v2/oauth/chooselocation' },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not the local sandbox/);
  });
});
