/**
 * Which changes send webhooks, batching, delivery auth, inactive/deleted webhooks, loopback only.
 * Deliveries are sent with `flushWebhooks()` (delays and retries: webhook-dispatcher.timing.test.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Cin7Sandbox, startCin7Sandbox } from '../../../sandbox/cin7/index.js';
import { type Json, NO_RATE_LIMIT, api, list, newCustomer } from './client.js';
import { type Receiver, startReceiver } from './receiver.js';

function hook(type: string, url: string, extra: Json = {}): Json {
  return { Type: type, IsActive: true, ExternalURL: url, ExternalAuthorizationType: 'noauth', ...extra };
}

describe('cin7 sandbox webhook deliveries', () => {
  let s: Cin7Sandbox;
  let rx: Receiver;
  beforeEach(async () => {
    rx = await startReceiver();
    s = await startCin7Sandbox({ seed: 52, customers: 10, salesPerCustomer: 2, rateLimit: NO_RATE_LIMIT });
  });
  afterEach(async () => {
    await s?.close();
    await rx?.close();
  });

  async function subscribe(type: string, extra: Json = {}): Promise<string> {
    const a = await api(s, 'POST', '/webhooks', hook(type, `${rx.url}/${type}`, extra));
    expect(a.status, a.text).toBe(200);
    return String(list(a, 'Webhooks')[0]?.ID);
  }

  it('batches changes made while a delivery waits into one CustomerDetailsList, latest state per customer', async () => {
    await subscribe('Customer/Updated');
    const [a, b] = s.customers() as unknown as Json[];
    s.control.editCustomer(String(a?.ID), { Comments: 'first' });
    s.control.editCustomer(String(b?.ID), { Comments: 'other' });
    s.control.editCustomer(String(a?.ID), { Comments: 'second' });
    expect(await s.control.flushWebhooks()).toBe(1);
    const [d] = await rx.waitFor(1, 5000);
    const body = d?.body as Json;
    const details = body.CustomerDetailsList as Json[];
    expect(body.NumberOfCustomers).toBe(2);
    expect(details.map((e) => [(e.Customer as Json).ID, (e.Customer as Json).Comments])).toEqual([
      [a?.ID, 'second'],
      [b?.ID, 'other'],
    ]);
  });

  it('API writes send Customer/Updated too (creation by default; a knob turns creation off)', async () => {
    await subscribe('Customer/Updated');
    const created = list(
      await api(s, 'POST', '/customer', newCustomer('Webhook Maker')),
      'CustomerList',
    )[0] as Json;
    await api(s, 'PUT', '/customer', { ...created, Status: 'Deprecated' });
    await s.control.flushWebhooks();
    const [d] = await rx.waitFor(1, 5000);
    const body = d?.body as Json;
    const entry = (body.CustomerDetailsList as Json[])[0] as Json;
    expect((entry.Customer as Json).Status).toBe('Deprecated');
    s.control.configure({ customerCreateFiresWebhook: false });
    await api(s, 'POST', '/customer', newCustomer('Silent Maker'));
    expect(await s.control.flushWebhooks()).toBe(0);
  });

  it("delivers with the webhook's auth: Bearer, Basic and custom headers", async () => {
    await subscribe('Customer/Updated', {
      ExternalAuthorizationType: 'bearerauth',
      ExternalBearerToken: 'bearer-secret-1',
    });
    await api(
      s,
      'POST',
      '/webhooks',
      hook('Customer/Updated', `${rx.url}/basic`, {
        ExternalAuthorizationType: 'basicauth',
        ExternalUserName: 'cin7user',
        ExternalPassword: 'p@ss:word',
        ExternalHeaders: [{ Key: 'X-Sync-Secret', Value: 'header-secret-2' }],
      }),
    );
    s.control.editCustomer(String(s.customers()[0]?.ID), { Tags: 'vip' });
    await s.control.flushWebhooks();
    const got = await rx.waitFor(2, 5000);
    const bearer = got.find((r) => r.path.endsWith('Customer/Updated'));
    const basic = got.find((r) => r.path.endsWith('/basic'));
    expect(bearer?.headers.authorization).toBe('Bearer bearer-secret-1');
    expect(basic?.headers.authorization).toBe(
      `Basic ${Buffer.from('cin7user:p@ss:word').toString('base64')}`,
    );
    expect(basic?.headers['x-sync-secret']).toBe('header-secret-2');
  });

  it('sends nothing to inactive or deleted webhooks, or to types nobody subscribed', async () => {
    const id = await subscribe('Customer/Updated', { IsActive: false });
    await subscribe('Sale/Voided');
    s.control.editCustomer(String(s.customers()[1]?.ID), { Comments: 'quiet' });
    expect(await s.control.flushWebhooks()).toBe(0);
    await api(s, 'PUT', '/webhooks', { ...hook('Customer/Updated', `${rx.url}/x`), ID: id, IsActive: true });
    s.control.editCustomer(String(s.customers()[1]?.ID), { Comments: 'loud' });
    await api(s, 'DELETE', `/webhooks?ID=${id}`);
    expect(await s.control.flushWebhooks()).toBe(0);
    expect(rx.received).toHaveLength(0);
    expect(s.control.deliveries().map((d) => d.state)).toEqual(['dropped']);
  });

  it('refuses to deliver outside loopback (the attempt fails like a network error)', async () => {
    await api(s, 'POST', '/webhooks', hook('Customer/Updated', 'https://hooks.example.com/cin7'));
    s.control.editCustomer(String(s.customers()[2]?.ID), { Comments: 'offline' });
    await s.control.flushWebhooks();
    const [d] = s.control.deliveries();
    expect(d?.attempts[0]?.status).toBeNull();
    expect(d?.attempts[0]?.error).toContain('only delivers to loopback');
    expect(d?.state).toBe('pending');
  });
});
