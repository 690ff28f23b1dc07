/**
 * `POST /webhooks/ghl` end to end: signed webhooks from the GHL sandbox reach the route over real
 * HTTP and land in the inbox once; hand-made deliveries signed with the sandbox's keys cover each
 * rejection (tampered body, wrong key, stale timestamp, replayed webhookId, missing signature),
 * each with its reason, and none stores anything.
 */
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../../src/config/load.js';
import { silentLogger } from '../../../src/log/logger.js';
import { createApp } from '../../../src/server/app.js';
import { type Listening, listen } from '../../../src/server/listen.js';
import { ghlWebhookRoutes } from '../../../src/server/routes/ghl-webhooks.js';
import { type GhlSandbox, startGhlSandbox } from '../../../sandbox/ghl/index.js';
import { signBody } from '../../../sandbox/ghl/webhooks.js';
import { requirePostgres } from '../../helpers/requirements.js';
import { type Backend, type TestStore, openTestStore } from '../../helpers/store.js';

const pg = requirePostgres('GHL webhook route on PostgreSQL');
const backends: Backend[] = pg.available ? ['pglite', 'postgres'] : ['pglite'];

describe.each(backends)('POST /webhooks/ghl (%s)', (backend) => {
  let sb: GhlSandbox;
  let t: TestStore;
  let server: Listening;
  let stored: string[];

  beforeAll(async () => {
    sb = await startGhlSandbox({ seed: 8 });
    t = await openTestStore({ backend });
    const config: Config = {
      ...t.config,
      ghl: {
        ...t.config.ghl,
        webhook: {
          toleranceSeconds: 4200,
          ed25519PublicKey: sb.webhookPublicKeys.ed25519,
          rsaPublicKey: sb.webhookPublicKeys.rsa,
        },
      },
    };
    stored = [];
    const app = createApp({ logger: silentLogger(), readinessChecks: [] });
    app.route(
      '/',
      ghlWebhookRoutes({
        config,
        store: t.store,
        logger: silentLogger(),
        onStored: async (_trx, id) => {
          stored.push(id);
        },
      }),
    );
    server = await listen(app, { port: 0 });
    sb.control.set({ webhookUrl: `${server.url}/webhooks/ghl` });
  });
  afterAll(async () => {
    await sb?.close();
    await server?.close();
    await t?.cleanup();
  });

  const rows = () => t.store.db.selectFrom('inbox').selectAll().where('source', '=', 'ghl').execute();
  const post = (raw: Buffer, headers: Record<string, string>) =>
    fetch(`${server.url}/webhooks/ghl`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: new Uint8Array(raw),
    });
  const payload = (extra: Record<string, unknown> = {}) =>
    Buffer.from(
      JSON.stringify({
        type: 'NoteCreate',
        locationId: sb.locationId,
        id: 'n1',
        body: 'hello',
        contactId: 'c1',
        dateAdded: new Date().toISOString(),
        timestamp: new Date().toISOString(),
        webhookId: randomUUID(),
        ...extra,
      }),
    );

  /** A rejected delivery: its status and reason, and the inbox unchanged. */
  async function refused(raw: Buffer, headers: Record<string, string>, status: number, reason: RegExp) {
    const before = (await rows()).length;
    const calls = stored.length;
    const res = await post(raw, headers);
    const body = (await res.json()) as { code: string; message: string };
    expect(res.status).toBe(status);
    expect(body.code).toBe('webhook_rejected');
    expect(body.message).toMatch(reason);
    expect((await rows()).length).toBe(before);
    expect(stored.length).toBe(calls);
  }

  it('signed webhooks sent by the sandbox are verified, stored once each, keyed by webhookId', async () => {
    const contact = sb.control.createContact({
      firstName: 'Web',
      lastName: 'Hook',
      email: 'web.hook@example.com',
    });
    sb.control.addNote(contact.id!, { body: 'a note' });
    await sb.control.waitForWebhooks();
    const deliveries = sb.control.deliveries().filter((d) => d.url !== null);
    expect(deliveries.length).toBeGreaterThanOrEqual(2);
    expect(deliveries.every((d) => d.state === 'delivered')).toBe(true);
    const inbox = await rows();
    expect(inbox.map((r) => r.dedupe_key).sort()).toEqual(deliveries.map((d) => d.webhookId).sort());
    // The raw bytes exactly as sent (signatures are over them).
    const first = inbox.find((r) => r.dedupe_key === deliveries[0]!.webhookId)!;
    expect(Buffer.from(first.body).toString('utf8')).toBe(deliveries[0]!.body);
    expect(stored.length).toBe(inbox.length);
  });

  it('accepts a valid Ed25519 signature alone and a valid RSA signature alone', async () => {
    const a = payload();
    expect((await post(a, { 'x-ghl-signature': signBody(a)['x-ghl-signature'] })).status).toBe(200);
    const b = payload();
    expect((await post(b, { 'x-wh-signature': signBody(b)['x-wh-signature'] })).status).toBe(200);
    const keys = (await rows()).map((r) => r.dedupe_key);
    expect(keys).toContain(JSON.parse(a.toString()).webhookId);
    expect(keys).toContain(JSON.parse(b.toString()).webhookId);
  });

  it('refuses a tampered body, with its reason, storing nothing', async () => {
    const raw = payload();
    const sig = signBody(raw);
    await refused(Buffer.from(raw.toString().replace('hello', 'HELLO')), sig, 401, /tampered/);
  });

  it('refuses a body signed with the wrong key, storing nothing', async () => {
    const raw = payload();
    const ed = generateKeyPairSync('ed25519');
    await refused(
      raw,
      { 'x-ghl-signature': sign(null, raw, ed.privateKey).toString('base64') },
      401,
      /does not verify with the configured Ed25519 public key.*another key/,
    );
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await refused(
      raw,
      { 'x-wh-signature': sign('sha256', raw, rsa.privateKey).toString('base64') },
      401,
      /does not verify with the configured RSA public key.*another key/,
    );
  });

  it('refuses a stale timestamp, storing nothing', async () => {
    const raw = payload({ timestamp: new Date(Date.now() - 3 * 3600_000).toISOString() });
    await refused(
      raw,
      signBody(raw),
      401,
      /^Stale timestamp: .* 10800 s old, outside the tolerance of 4200 s/,
    );
  });

  it('refuses a replayed webhookId, storing nothing more', async () => {
    const raw = payload();
    const sig = signBody(raw);
    expect((await post(raw, sig)).status).toBe(200);
    await refused(raw, sig, 409, /already received; this delivery is a replay/);
    // The same event re-signed and re-sent with a new timestamp is still the same webhookId.
    const again = Buffer.from(
      raw.toString().replace(/"timestamp":"[^"]+"/, `"timestamp":"${new Date().toISOString()}"`),
    );
    await refused(again, signBody(again), 409, /replay/);
  });

  it('refuses a delivery without any signature, storing nothing', async () => {
    await refused(payload(), {}, 401, /^Missing signature/);
  });
});
