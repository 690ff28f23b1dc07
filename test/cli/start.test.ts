/**
 * `cin7-ghl start` as a user runs it (a child process on a free port, the embedded store), and CLI
 * commands run while it holds the store: each goes through the service's REST API with the local
 * admin token (the service's request log shows the call), not a lock error. The generated admin
 * password is printed once; Ctrl-C (SIGINT) stops it cleanly and frees the lock.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cin7Sandbox, startCin7Sandbox } from '../../sandbox/cin7/index.js';
import { type GhlSandbox, startGhlSandbox } from '../../sandbox/ghl/index.js';
import { LOCK_FILE } from '../../src/store/lock.js';
import { BIN, runCli } from '../helpers/cli.js';
import { cleanEnv } from '../helpers/env.js';
import { seedPgliteDir } from '../helpers/store.js';

interface Started {
  child: ChildProcess;
  ready: { url: string; role: string; adminPassword: string | null };
  stderr: () => string;
  /** The exit code, or the signal that ended the process. */
  exited: Promise<number | string | null>;
}

function start(env: Record<string, string>, args: string[] = []): Promise<Started> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'start', '--port', '0', '--json', ...args], {
      env: cleanEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString('utf8');
    });
    const exited = new Promise<number | string | null>((r) =>
      child.on('exit', (code, signal) => r(code ?? signal)),
    );
    const timer = setTimeout(() => reject(new Error(`start not ready: ${err}`)), 60_000);
    createInterface({ input: child.stdout }).once('line', (line) => {
      clearTimeout(timer);
      resolve({ child, ready: JSON.parse(line) as Started['ready'], stderr: () => err, exited });
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`start exited with ${code}: ${err}`));
    });
  });
}

describe('cin7-ghl start + the CLI through its REST API', () => {
  let root: string;
  let ghl: GhlSandbox;
  let cin7: Cin7Sandbox;
  let env: Record<string, string>;
  let service: Started;
  let contactId: string;

  beforeAll(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'cin7ghl-start-'));
    await seedPgliteDir(path.join(root, 'sandbox'));
    ghl = await startGhlSandbox({ seed: 21 });
    cin7 = await startCin7Sandbox({ seed: 21, customers: 3 });
    [contactId] = ghl.seedContacts([
      { firstName: 'Alan', lastName: 'Turing', email: 'alan@example.com' },
    ]) as [string];
    env = {
      CIN7_GHL_DATA_DIR: root,
      CIN7_GHL_LOG_LEVEL: 'info',
      GHL_BASE_URL: ghl.baseUrl,
      GHL_LOCATION_ID: ghl.locationId,
      GHL_AUTHORIZE_URL: ghl.authorizeUrl,
      GHL_CLIENT_ID: ghl.clientId,
      GHL_CLIENT_SECRET: ghl.clientSecret,
      CIN7_BASE_URL: cin7.baseUrl,
    };
    service = await start(env);
  }, 90_000);

  afterAll(async () => {
    service?.child.kill('SIGKILL');
    await ghl?.close();
    await cin7?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  /** The request lines the service logged for a path (proof the CLI went through the API). */
  function served(p: string): Array<{ status: number; caller?: string }> {
    return service
      .stderr()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg?: string; path?: string; status: number; caller?: string })
      .filter((l) => l.msg === 'request' && l.path === p);
  }

  it('prints the URL and the generated admin password once; a second start is refused clearly', async () => {
    expect(service.ready.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(service.ready.role).toBe('all');
    expect(service.ready.adminPassword).toMatch(/^[A-Za-z0-9]{5}(-[A-Za-z0-9]{5}){3}$/);
    // The password is never in the service's log.
    expect(service.stderr()).not.toContain(service.ready.adminPassword!);
    const second = await runCli(['start', '--port', '0'], { env });
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`A service already runs for this environment at ${service.ready.url}`);
  });

  it('tokens create / list / revoke go through the API, and the new token works on it', async () => {
    const created = await runCli(['tokens', 'create', 'zapier', '--json'], { env });
    expect(created.code, created.stderr).toBe(0);
    const token = JSON.parse(created.stdout) as { token: string; id: string };
    expect(token.token).toMatch(/^c7g_/);
    expect(
      served('/api/tokens').some(
        (l) => l.status === 201 && l.caller === 'token:local admin (CLI on this machine)',
      ),
    ).toBe(true);
    const ok = await fetch(`${service.ready.url}/api/health`, {
      headers: { authorization: `Bearer ${token.token}` },
    });
    expect(ok.status).toBe(200);
    const list = await runCli(['tokens', 'list', '--json'], { env });
    expect(list.code, list.stderr).toBe(0);
    const names = (JSON.parse(list.stdout) as { tokens: Array<{ name: string; kind: string }> }).tokens.map(
      (t) => t.name,
    );
    expect(names).toContain('zapier');
    expect(list.stdout).not.toContain(token.token);
    const revoked = await runCli(['tokens', 'revoke', token.id], { env });
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toContain(`Revoked token ${token.id} (zapier).`);
    expect(
      (
        await fetch(`${service.ready.url}/api/health`, {
          headers: { authorization: `Bearer ${token.token}` },
        })
      ).status,
    ).toBe(401);
  });

  it('connect ghl (OAuth, approved in the sandbox), connect ghl --pit, connect cin7 and ops call run in the service', async () => {
    const consent = await runCli(['connect', 'ghl', '--json'], { env });
    expect(consent.code, consent.stderr).toBe(0);
    // The redirect URI names the service's real port (it listens on a free one).
    expect((JSON.parse(consent.stdout) as { redirectUri: string }).redirectUri).toBe(
      `${service.ready.url}/oauth/ghl/callback`,
    );
    const oauth = await runCli(['connect', 'ghl', '--approve-sandbox', '--json'], { env });
    expect(oauth.code, oauth.stderr).toBe(0);
    expect(JSON.parse(oauth.stdout)).toMatchObject({
      connected: { locationId: ghl.locationId, authMode: 'oauth' },
    });
    expect(served('/api/connections/ghl/complete').map((l) => l.status)).toEqual([200]);
    expect(oauth.stdout + oauth.stderr).not.toContain(ghl.clientSecret);

    const pit = await runCli(['connect', 'ghl', '--pit', '--json'], {
      env: { ...env, GHL_TOKEN: ghl.token },
    });
    expect(pit.code, pit.stderr).toBe(0);
    expect(JSON.parse(pit.stdout)).toMatchObject({
      connected: { locationId: ghl.locationId, authMode: 'pit' },
    });
    expect(served('/api/connections/ghl/pit').map((l) => l.status)).toEqual([200]);

    const c7 = await runCli(['connect', 'cin7', '--json'], {
      env: { ...env, CIN7_ACCOUNT_ID: cin7.accountId, CIN7_APPLICATION_KEY: cin7.applicationKey },
    });
    expect(c7.code, c7.stderr).toBe(0);
    expect(JSON.parse(c7.stdout)).toMatchObject({
      accountId: cin7.accountId,
      connectionId: `cin7:${cin7.accountId}`,
    });
    expect(c7.stdout).not.toContain(cin7.applicationKey);

    // No GHL_TOKEN: the call needs the stored connection, so it goes through the service.
    const call = await runCli(
      ['ops', 'call', 'ghl.contacts.get', '--params', JSON.stringify({ contactId })],
      { env },
    );
    expect(call.code, call.stderr).toBe(0);
    const direct = await runCli(
      ['ops', 'call', 'ghl.contacts.get', '--params', JSON.stringify({ contactId })],
      {
        env: { ...env, GHL_TOKEN: ghl.token, CIN7_GHL_DATA_DIR: path.join(root, 'elsewhere') },
      },
    );
    expect(direct.code, direct.stderr).toBe(0);
    expect(JSON.parse(call.stdout)).toEqual(JSON.parse(direct.stdout));
    expect(served('/api/ops/ghl.contacts.get').map((l) => l.status)).toEqual([200]);
    // A vendor error prints {operation, status, message, traceId} on stderr and exits 1, as locally.
    const missing = await runCli(
      ['ops', 'call', 'ghl.contacts.get', '--params', '{"contactId":"nope-nope"}'],
      { env },
    );
    expect(missing.code).toBe(1);
    expect(Object.keys(JSON.parse(missing.stderr.trim().split('\n').pop()!)).sort()).toEqual([
      'message',
      'operation',
      'status',
      'traceId',
    ]);
    const cin7Call = await runCli(['ops', 'call', 'cin7.customers.list', '--params', '{"Limit":1}'], { env });
    expect(cin7Call.code, cin7Call.stderr).toBe(0);
    expect((JSON.parse(cin7Call.stdout) as { CustomerList: unknown[] }).CustomerList).toHaveLength(1);
  });

  it('events subscribe / list / unsubscribe and secrets rotate-key go through the API', async () => {
    const sub = await runCli(
      [
        'events',
        'subscribe',
        'https://hooks.example.com/x',
        '--events',
        'record.synced,run.failed',
        '--json',
      ],
      { env },
    );
    expect(sub.code, sub.stderr).toBe(0);
    const created = JSON.parse(sub.stdout) as { id: string; secret: string; source: string };
    expect(created.secret).toMatch(/^whsec_/);
    expect(created.source).toBe('cli');
    const list = await runCli(['events', 'list', '--json'], { env });
    expect(
      (JSON.parse(list.stdout) as { subscriptions: Array<{ id: string; events: string[] }> }).subscriptions,
    ).toEqual([expect.objectContaining({ id: created.id, events: ['record.synced', 'run.failed'] })]);
    expect(list.stdout).not.toContain(created.secret);
    const un = await runCli(['events', 'unsubscribe', created.id], { env });
    expect(un.code, un.stderr).toBe(0);
    const rotate = await runCli(['secrets', 'rotate-key', '--json'], { env });
    expect(rotate.code, rotate.stderr).toBe(0);
    // The GHL PIT, the Cin7 key and its webhook secret… all re-encrypted by the running service.
    expect(
      (JSON.parse(rotate.stdout) as { rotated: boolean; secrets: number }).secrets,
    ).toBeGreaterThanOrEqual(2);
    expect(served('/api/secrets/rotate-key').map((l) => l.status)).toEqual([200]);
    // The service still reads its secrets after the rotation.
    const after = await runCli(
      ['ops', 'call', 'ghl.contacts.get', '--params', JSON.stringify({ contactId })],
      { env },
    );
    expect(after.code, after.stderr).toBe(0);
  });

  it('SIGINT stops it with exit 0 and frees the lock; the next start prints no password', async () => {
    service.child.kill('SIGINT');
    expect(await service.exited).toBe(0);
    expect(existsSync(path.join(root, 'sandbox', LOCK_FILE))).toBe(false);
    // Without a service the same commands open the store themselves.
    const local = await runCli(['tokens', 'list', '--json'], { env });
    expect(local.code, local.stderr).toBe(0);
    const again = await start(env);
    try {
      expect(again.ready.adminPassword).toBeNull();
    } finally {
      again.child.kill('SIGTERM');
      expect(await again.exited, again.stderr().slice(-3000)).toBe(0);
    }
  });
});
