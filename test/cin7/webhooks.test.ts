/**
 * Our Cin7 webhooks: registration and repair (`syncWebhooks`), the verifier, and the periodic check
 * re-activating a webhook Cin7 switched off (six failed deliveries, as the sandbox does) within one
 * check interval, with an alert event.
 */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cin7ConnectionId, saveCin7Connection } from '../../src/cin7/connection.js';
import {
  CIN7_JOB_KINDS,
  cin7CustomerFeedJob,
  cin7SaleFeedJob,
  cin7WebhookCheckJob,
  everyMinutesCron,
  scheduleCin7Polling,
  startCin7WebhookChecks,
} from '../../src/cin7/feed-jobs.js';
import {
  PRODUCT_WEBHOOK_TYPES,
  checkCin7Webhooks,
  cin7WebhookUrl,
  cin7WebhookVerifier,
  ensureWebhookSecret,
  secretsEqual,
  syncWebhooks,
} from '../../src/cin7/webhooks.js';
import { WebhookRejectedError } from '../../src/errors/index.js';
import { JobQueue } from '../../src/jobs/queue.js';
import { silentLogger } from '../../src/log/logger.js';
import { listEvents } from '../../src/store/events.js';
import { type TestStore, openTestStore } from '../helpers/store.js';
import { type SandboxClient, sandboxClient } from './helpers.js';

const logger = silentLogger();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('verifier', () => {
  const verify = cin7WebhookVerifier(() => 'the-right-secret-value');
  const headers = (h: Record<string, string>) => new Headers(h);
  const raw = new Uint8Array();

  it.each([
    ['the bearer token', { authorization: 'Bearer the-right-secret-value' }],
    ['the bearer token, any case of "Bearer"', { authorization: 'bearer the-right-secret-value' }],
    ['the secret header', { 'x-cin7-ghl-secret': 'the-right-secret-value' }],
    [
      'a wrong bearer and the right header',
      { authorization: 'Bearer x', 'x-cin7-ghl-secret': 'the-right-secret-value' },
    ],
  ])('accepts %s', async (_what, h) => {
    await expect(verify(raw, headers(h))).resolves.toEqual({ dedupeKey: null });
  });

  it.each([
    ['nothing', {}],
    ['a wrong bearer token', { authorization: 'Bearer the-right-secret-valuE' }],
    ['a prefix of the secret', { authorization: 'Bearer the-right-secret' }],
    ['the secret with more after it', { authorization: 'Bearer the-right-secret-value2' }],
    ['basic auth', { authorization: `Basic ${Buffer.from('u:the-right-secret-value').toString('base64')}` }],
    ['an empty header', { 'x-cin7-ghl-secret': '' }],
  ])('refuses %s with 401', async (_what, h) => {
    const err = await verify(raw, headers(h)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WebhookRejectedError);
    expect((err as WebhookRejectedError).status).toBe(401);
    expect((err as Error).message).not.toContain('the-right-secret-value');
  });

  it('refuses everything while no secret is set up', async () => {
    const none = cin7WebhookVerifier(() => null);
    await expect(none(raw, headers({ authorization: 'Bearer anything' }))).rejects.toBeInstanceOf(
      WebhookRejectedError,
    );
  });

  it('secretsEqual compares whole values', () => {
    expect(secretsEqual('abc', 'abc')).toBe(true);
    expect(secretsEqual('abc', 'abd')).toBe(false);
    expect(secretsEqual('', 'abc')).toBe(false);
  });

  it('everyMinutesCron', () => {
    expect(everyMinutesCron(15)).toBe('*/15 * * * *');
    expect(everyMinutesCron(1)).toBe('* * * * *');
    expect(everyMinutesCron(120)).toBe('0 */2 * * *');
    expect(everyMinutesCron(1440)).toBe('0 0 * * *');
  });
});

describe('syncWebhooks against the sandbox', () => {
  let t: SandboxClient;
  const publicUrl = 'http://127.0.0.1:9/base/';
  beforeAll(async () => {
    t = await sandboxClient({ customers: 5, salesPerCustomer: 0 });
  });
  afterAll(async () => t?.close());

  it('registers one bearer-auth webhook per product type at our URL, then changes nothing', async () => {
    const first = await syncWebhooks(t.client, { publicUrl, secret: 'sync-secret-1' });
    expect(first.created.sort()).toEqual([...PRODUCT_WEBHOOK_TYPES].sort());
    const hooks = await t.client.listWebhooks();
    expect(hooks).toHaveLength(PRODUCT_WEBHOOK_TYPES.length);
    const customer = hooks.find((h) => h.Type === 'Customer/Updated');
    expect(customer?.ExternalURL).toBe('http://127.0.0.1:9/base/webhooks/cin7/customers');
    expect(customer?.ExternalAuthorizationType).toBe('bearerauth');
    expect(customer?.ExternalBearerToken).toBe('sync-secret-1');
    expect(hooks.find((h) => h.Type === 'Sale/Voided')?.ExternalURL).toBe(cin7WebhookUrl(publicUrl, 'sales'));

    const before = t.requests.length;
    const second = await syncWebhooks(t.client, { publicUrl, secret: 'sync-secret-1', known: first.ids });
    expect(second.unchanged.sort()).toEqual([...PRODUCT_WEBHOOK_TYPES].sort());
    expect(t.requests.length - before).toBe(1); // one GET /webhooks
  });

  it('re-activates, recreates, repairs and removes duplicates, leaving other webhooks alone', async () => {
    const ids = (await syncWebhooks(t.client, { publicUrl, secret: 'sync-secret-1' })).ids;
    const hooks = await t.client.listWebhooks();
    const byType = (type: string) => hooks.find((h) => h.Type === type && h.ID === ids[type]);
    const base = (type: string) => ({
      Type: type,
      ExternalURL: byType(type)?.ExternalURL as string,
      ExternalAuthorizationType: 'bearerauth' as const,
      ExternalBearerToken: 'sync-secret-1',
    });
    await t.client.updateWebhook({
      ...base('Customer/Updated'),
      ID: ids['Customer/Updated'] as string,
      IsActive: false,
    });
    await t.client.deleteWebhook(ids['Sale/Voided'] as string);
    await t.client.updateWebhook({
      ...base('Sale/Created'),
      ID: ids['Sale/Created'] as string,
      IsActive: true,
      ExternalBearerToken: 'someone-elses',
    });
    await t.client.createWebhook({ ...base('Sale/Undo'), IsActive: true });
    const foreign = await t.client.createWebhook({
      Type: 'Customer/Updated',
      IsActive: true,
      ExternalURL: 'http://127.0.0.1:9/another-app',
      ExternalAuthorizationType: 'noauth',
    });

    const r = await syncWebhooks(t.client, { publicUrl, secret: 'sync-secret-1', known: ids });
    expect(r.reactivated).toEqual(['Customer/Updated']);
    expect(r.recreated).toEqual(['Sale/Voided']);
    expect(r.repaired).toEqual(['Sale/Created']);
    expect(r.removed).toEqual(['Sale/Undo']);
    const after = await t.client.listWebhooks();
    const ours = after.filter((h) => h.ExternalURL?.startsWith('http://127.0.0.1:9/base/'));
    expect(ours).toHaveLength(PRODUCT_WEBHOOK_TYPES.length);
    expect(ours.every((h) => h.IsActive && h.ExternalBearerToken === 'sync-secret-1')).toBe(true);
    expect(after.find((h) => h.ID === foreign.ID)?.IsActive).toBe(true);
  });
});

describe('the periodic check (queue, store, sandbox deactivating a failing webhook)', () => {
  let t: SandboxClient;
  let s: TestStore;
  let queue: JobQueue;
  let failing: Server;
  let answer = 500;
  let publicUrl: string;
  const connectionId = cin7ConnectionId('11111111-2222-4333-8444-555555555555');
  const INTERVAL_MS = 3_000;

  beforeAll(async () => {
    // A receiver that fails on purpose: Cin7 switches the webhook off after six failed attempts.
    failing = createServer((_req, res) => {
      res.statusCode = answer;
      res.end();
    });
    await new Promise<void>((r) => failing.listen(0, '127.0.0.1', () => r()));
    publicUrl = `http://127.0.0.1:${(failing.address() as AddressInfo).port}`;
    // timeScale 6000: first attempt 10 ms after the event, retries 50–250 ms apart.
    [t, s] = await Promise.all([
      sandboxClient({ customers: 5, salesPerCustomer: 0, timeScale: 6000 }),
      openTestStore({ backend: 'pglite' }),
    ]);
    await saveCin7Connection(s.store.db, '11111111-2222-4333-8444-555555555555', { company: 'Test' });
    queue = await JobQueue.start(s.store, { logger, kinds: [...CIN7_JOB_KINDS] });
  }, 60_000);
  afterAll(async () => {
    await queue?.stop({ graceful: false, timeoutMs: 5_000 });
    await t?.close();
    await s?.cleanup();
    await new Promise((r) => failing?.close(r));
  });

  it('checkCin7Webhooks: first registration records no alert; a switched-off webhook is switched on with one', async () => {
    const first = await checkCin7Webhooks({
      store: s.store,
      client: t.client,
      connectionId,
      publicUrl,
      logger,
    });
    expect(first.created).toHaveLength(PRODUCT_WEBHOOK_TYPES.length);
    expect(
      await listEvents(s.store.db, { kinds: ['cin7.webhook.reactivated', 'cin7.webhook.recreated'] }),
    ).toEqual([]);
    const secret = await ensureWebhookSecret(s.store, connectionId);
    expect((await t.client.listWebhooks())[0]?.ExternalBearerToken).toBe(secret);
  });

  it('a webhook Cin7 deactivated is re-activated within one check interval, and an alert event is recorded', async () => {
    await startCin7WebhookChecks({
      store: s.store,
      queue,
      logger,
      client: () => t.client,
      connectionId,
      publicUrl,
      intervalMs: INTERVAL_MS,
      timeZone: 'UTC',
    });
    // Let the check run once while everything is healthy.
    await sleep(1_000);
    // A customer change; every delivery attempt gets 500 until Cin7 gives up on the webhook.
    const customer = t.sandbox.customers()[0];
    t.sandbox.control.editCustomer(customer?.ID as string, { Comments: 'trigger a delivery' });
    const hookId = (await t.client.listWebhooks()).find((h) => h.Type === 'Customer/Updated')?.ID as string;
    let switchedOffAt = 0;
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      const hook = t.sandbox.control.deliveries().find((d) => d.webhookId === hookId && d.state === 'failed');
      if (hook) {
        switchedOffAt = Date.now();
        break;
      }
      await sleep(20);
    }
    expect(switchedOffAt).toBeGreaterThan(0);
    const attempts = t.sandbox.control.deliveries().find((d) => d.webhookId === hookId)?.attempts ?? [];
    expect(attempts).toHaveLength(6);
    answer = 200;

    let reactivatedAt = 0;
    while (Date.now() < switchedOffAt + INTERVAL_MS + 5_000) {
      const hook = (await t.client.listWebhooks()).find((h) => h.ID === hookId);
      if (hook?.IsActive) {
        reactivatedAt = Date.now();
        break;
      }
      await sleep(50);
    }
    const latency = reactivatedAt - switchedOffAt;
    console.log(`webhook switched off → back on after ${latency} ms (check interval ${INTERVAL_MS} ms)`);
    expect(reactivatedAt).toBeGreaterThan(0);
    // One interval between checks, plus the queue's pickup (polling 0.5 s) and the check's own calls.
    expect(latency).toBeLessThanOrEqual(INTERVAL_MS + 1_000);
    const events = await listEvents(s.store.db, { kinds: ['cin7.webhook.reactivated'] });
    expect(events).toHaveLength(1);
    expect(events[0]?.severity).toBe('warning');
    expect(events[0]?.subject).toBe(connectionId);
    expect(events[0]?.message).toContain('Customer/Updated');
    // The backstop schedule on the same interval (rounded up to cron's whole minute).
    expect((await queue.schedules(cin7WebhookCheckJob)).map((x) => x.cron)).toEqual(['* * * * *']);
  });

  it('polling backs the webhooks up: both feeds on the configured schedule', async () => {
    await scheduleCin7Polling(queue, connectionId, { everyMinutes: 5, timeZone: 'UTC' });
    expect((await queue.schedules(cin7CustomerFeedJob)).map((x) => x.cron)).toEqual(['*/5 * * * *']);
    expect((await queue.schedules(cin7SaleFeedJob)).map((x) => x.cron)).toEqual(['*/5 * * * *']);
  });
});
