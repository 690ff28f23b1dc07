/** Webhook subscriptions: Cin7's validation of POST/PUT/DELETE /webhooks. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cin7Sandbox, startCin7Sandbox } from '../../../sandbox/cin7/index.js';
import { type Json, NO_RATE_LIMIT, api, list } from './client.js';

function hook(type: string, url: string, extra: Json = {}): Json {
  return { Type: type, IsActive: true, ExternalURL: url, ExternalAuthorizationType: 'noauth', ...extra };
}

describe('cin7 sandbox webhook subscriptions', () => {
  let s: Cin7Sandbox;
  beforeAll(async () => {
    s = await startCin7Sandbox({ seed: 51, customers: 3, salesPerCustomer: 0, rateLimit: NO_RATE_LIMIT });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('validates required fields, type, auth credentials and URL with 400s', async () => {
    const url = 'http://127.0.0.1:9/h';
    const bad: [Json, string][] = [
      [{ IsActive: true, ExternalURL: url, ExternalAuthorizationType: 'noauth' }, 'Required attribute Type'],
      [hook('Customer/Created', url), "'Customer/Created' is not a valid webhook type"],
      [{ Type: 'Customer/Updated', ExternalURL: url, ExternalAuthorizationType: 'noauth' }, 'IsActive'],
      [{ Type: 'Customer/Updated', IsActive: true, ExternalAuthorizationType: 'noauth' }, 'ExternalURL'],
      [hook('Customer/Updated', 'not a url'), 'not a valid absolute URL'],
      [{ ...hook('Customer/Updated', url), ExternalAuthorizationType: 'oauth' }, 'ExternalAuthorizationType'],
      [
        hook('Customer/Updated', url, { ExternalAuthorizationType: 'bearerauth' }),
        'ExternalBearerToken is required',
      ],
      [
        hook('Customer/Updated', url, { ExternalAuthorizationType: 'basicauth', ExternalUserName: 'u' }),
        'ExternalPassword',
      ],
    ];
    for (const [body, message] of bad) {
      const a = await api(s, 'POST', '/webhooks', body);
      expect(a.status, message).toBe(400);
      expect(String((a.body as Json).Exception)).toContain(message);
    }
  });

  it('allows five webhooks of one type, not six; PUT and DELETE need a known ID', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const a = await api(s, 'POST', '/webhooks', hook('Sale/Voided', `http://127.0.0.1:9/h${i}`));
      expect(a.status).toBe(200);
      ids.push(String(list(a, 'Webhooks')[0]?.ID));
    }
    const sixth = await api(s, 'POST', '/webhooks', hook('Sale/Voided', 'http://127.0.0.1:9/h6'));
    expect(sixth.status).toBe(400);
    expect(String((sixth.body as Json).Exception)).toContain('limit of 5');
    const unknown = '0bd90aa9-72f9-4f9c-bb0d-9f7cc406b07a';
    expect(
      (await api(s, 'PUT', '/webhooks', { ...hook('Sale/Voided', 'http://127.0.0.1:9/x'), ID: unknown }))
        .status,
    ).toBe(400);
    expect((await api(s, 'DELETE', `/webhooks?ID=${unknown}`)).status).toBe(400);
    for (const id of ids) expect((await api(s, 'DELETE', `/webhooks?ID=${id}`)).status).toBe(200);
    expect(list(await api(s, 'GET', '/webhooks'), 'Webhooks')).toHaveLength(0);
  });

  it('returns secrets in plain text on GET, with the read-only Name', async () => {
    const a = await api(
      s,
      'POST',
      '/webhooks',
      hook('Sale/OrderAuthorised', 'http://127.0.0.1:9/o', {
        ExternalAuthorizationType: 'bearerauth',
        ExternalBearerToken: 'tok-123456',
      }),
    );
    const got = list(await api(s, 'GET', '/webhooks'), 'Webhooks').find(
      (h) => h.ID === list(a, 'Webhooks')[0]?.ID,
    ) as Json;
    expect(got.ExternalBearerToken).toBe('tok-123456');
    expect(got.Name).toBe('Sale order has been authorised');
  });
});
