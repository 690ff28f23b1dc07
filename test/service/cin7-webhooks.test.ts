/**
 * The Cin7 webhook endpoints as the service mounts them (the connection looked up per delivery):
 * no connection → 401; the right secret → stored and a feed pass asked for (one singleton job per
 * burst); a wrong or missing secret → 401 and nothing stored. The dashboard auth never gets in the
 * way (the Cin7 secret travels in `Authorization: Bearer`, like an API token would).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cin7CustomerFeedJob } from '../../src/cin7/feed-jobs.js';
import { ensureWebhookSecret } from '../../src/cin7/webhooks.js';
import { type TestService, startTestService } from './helpers.js';

describe('Cin7 webhooks through the service', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({
      env: {
        CIN7_ACCOUNT_ID: 'acc-1',
        CIN7_APPLICATION_KEY: 'app-key-123456',
        CIN7_BASE_URL: 'http://127.0.0.1:9/ExternalApi/v2',
      },
    });
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  const post = (kind: string, headers: Record<string, string>) =>
    fetch(`${t.url}/webhooks/cin7/${kind}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify([{ CustomerID: '5a1e2c3d-0000-4000-8000-000000000001' }]),
    });

  it('refuses deliveries before a webhook secret exists, then accepts the right one and asks for one pass', async () => {
    const before = await post('customers', { authorization: 'Bearer anything' });
    expect(before.status).toBe(401);
    const secret = await ensureWebhookSecret(t.service.ctx.store, 'cin7:acc-1');
    const inboxBefore = await t.service.ctx.store.db.selectFrom('inbox').select('id').execute();
    expect(inboxBefore).toHaveLength(0);

    expect((await post('customers', { authorization: 'Bearer wrong-secret' })).status).toBe(401);
    expect((await post('customers', {})).status).toBe(401);
    for (let i = 0; i < 3; i++) {
      const ok = await post('customers', { authorization: `Bearer ${secret}` });
      expect(ok.status).toBe(200);
    }
    expect((await post('sales', { 'x-cin7-ghl-secret': secret })).status).toBe(200);
    const inbox = await t.service.ctx.store.db
      .selectFrom('inbox')
      .select(['source', 'status'])
      .orderBy('id')
      .execute();
    expect(inbox.map((r) => r.source)).toEqual([
      'cin7.customers',
      'cin7.customers',
      'cin7.customers',
      'cin7.sales',
    ]);
    // Three hints, one waiting customer pass (no feed worker runs here: the sync is not connected).
    const counts = await t.service.ctx.queue.counts(cin7CustomerFeedJob);
    expect(counts.created + counts.retry).toBe(1);
  });
});
