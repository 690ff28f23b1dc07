/**
 * Scale-out on PostgreSQL: a `--role web` process and a `--role worker` process together do what
 * `all` does. A signed GHL webhook (sent by the GHL sandbox as GHL would) reaches the web process,
 * which verifies and stores it and enqueues its job; the worker runs it. Jobs enqueued through the
 * web's API and outbound events are also the worker's work; the web runs none.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GhlSandbox, startGhlSandbox } from '../../sandbox/ghl/index.js';
import { readAdminToken } from '../../src/service/admin-token.js';
import { type TestDatabase, createTestDatabase } from '../helpers/pg.js';
import { requirePostgres } from '../helpers/requirements.js';
import { randomMasterKey } from '../helpers/store.js';
import { type Child, startChild } from '../store/fixtures/child.js';
import { type Receiver, eventually, receiver } from './helpers.js';

const pgReq = requirePostgres('service roles web + worker (PostgreSQL)');
const fixture = path.resolve(import.meta.dirname, 'fixtures/service-child.ts');

describe.skipIf(!pgReq.available)('--role web + --role worker on PostgreSQL', () => {
  let db: TestDatabase;
  let ghl: GhlSandbox;
  let hook: Receiver;
  let root: string;
  let web: Child;
  let worker: Child;
  let webUrl: string;
  let workerPid: number;
  let webPid: number;
  let token: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    ghl = await startGhlSandbox({ seed: 3 });
    hook = await receiver(200);
    root = mkdtempSync(path.join(os.tmpdir(), 'cin7ghl-roles-'));
    const configFile = path.join(root, 'cin7-ghl.sandbox.yaml');
    const keys = ghl.webhookPublicKeys;
    writeFileSync(
      configFile,
      `ghl:\n  webhook:\n    ed25519PublicKey: ${JSON.stringify(keys.ed25519)}\n    rsaPublicKey: ${JSON.stringify(keys.rsa)}\n`,
    );
    const env = {
      DATABASE_URL: db.url,
      CIN7_GHL_MASTER_KEY: randomMasterKey(),
      CIN7_GHL_DATA_DIR: root,
      CIN7_GHL_CONFIG: configFile,
      GHL_BASE_URL: ghl.baseUrl,
      GHL_LOCATION_ID: ghl.locationId,
    };
    worker = startChild(fixture, [], { ...env, CHILD_ROLE: 'worker' });
    web = startChild(fixture, [], { ...env, CHILD_ROLE: 'web' });
    const [w, h] = await Promise.all([
      worker.waitFor(/"ready":true/, 90_000),
      web.waitFor(/"ready":true/, 90_000),
    ]);
    workerPid = (JSON.parse(w) as { pid: number }).pid;
    const ready = JSON.parse(h) as { url: string; pid: number };
    webUrl = ready.url;
    webPid = ready.pid;
    token = readAdminToken(path.join(root, 'sandbox'))!;
    expect(token).toBeTruthy();
  }, 120_000);

  afterAll(async () => {
    for (const c of [web, worker]) c?.kill('SIGKILL');
    await ghl?.close();
    await hook?.close();
    if (root) rmSync(root, { recursive: true, force: true });
    await db?.drop();
  });

  const api = (p: string, init: RequestInit = {}) =>
    fetch(`${webUrl}${p}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
    });

  it('a signed GHL webhook in on web is stored, and its job is done by the worker', async () => {
    ghl.control.set({ webhookUrl: `${webUrl}/webhooks/ghl` });
    ghl.control.createContact({ firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.com' });
    await ghl.control.waitForWebhooks();
    const delivery = ghl.control.deliveries().find((d) => d.type === 'ContactCreate')!;
    expect(delivery.attempts.map((a) => a.status)).toEqual([200]);
    const line = await worker.waitFor(/"inbox":/, 30_000);
    const { inbox, pid } = JSON.parse(line) as { inbox: string; pid: number };
    expect(pid).toBe(workerPid);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ status: string; source: string; dedupe_key: string }>(
        'select status, source, dedupe_key from inbox where id = $1',
        [inbox],
      );
      expect(rows).toEqual([{ status: 'done', source: 'ghl', dedupe_key: delivery.webhookId }]);
    } finally {
      await client.end();
    }
    expect(web.lines.some((l) => l.includes('"inbox"') || l.includes('"started"'))).toBe(false);
  });

  it('jobs enqueued through the web API run on the worker; outbound events are delivered by it', async () => {
    const sent = await api('/api/test/enqueue', {
      method: 'POST',
      body: JSON.stringify({ jobs: [1, 2, 3].map((n) => ({ n, ms: 50 })) }),
    });
    expect(sent.status).toBe(200);
    const done = await eventually(async () => {
      const d = ((await (await api('/api/test/done')).json()) as { done: Record<string, { pid?: number }> })
        .done;
      return ['test.done:1', 'test.done:2', 'test.done:3'].every((k) => d[k]) ? d : null;
    });
    expect([1, 2, 3].map((n) => done[`test.done:${n}`]?.pid)).toEqual([workerPid, workerPid, workerPid]);

    const sub = await api('/api/subscriptions', {
      method: 'POST',
      body: JSON.stringify({ url: hook.url, events: ['connection.needs_reauth'] }),
    });
    expect(sub.status).toBe(201);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query(
        `insert into events (kind, severity, subject, message, details)
         values ('auth.lost', 'critical', 'ghl:loc-x', 'refresh refused', '{"api":"ghl","reason":"invalid_grant"}')`,
      );
    } finally {
      await client.end();
    }
    const [got] = await hook.waitFor(1, 20_000);
    expect(JSON.parse(got!.body)).toMatchObject({
      type: 'connection.needs_reauth',
      data: { connectionId: 'ghl:loc-x' },
    });
    expect(web.lines.some((l) => l.includes('"started"'))).toBe(false);
    expect(webPid).not.toBe(workerPid);
  });

  it('both stop on SIGTERM with exit code 0', async () => {
    web.kill('SIGTERM');
    worker.kill('SIGTERM');
    expect(await web.exited).toBe(0);
    expect(await worker.exited).toBe(0);
  });
});
