import { afterEach, describe, expect, it } from 'vitest';
import { type GhlSandbox, OPERATIONS, startGhlSandbox } from '../../../sandbox/ghl/index.js';
import { api, raw, startReceiver } from './_support.js';

let sandboxes: GhlSandbox[] = [];
afterEach(async () => {
  await Promise.all(sandboxes.map((s) => s.close()));
  sandboxes = [];
});
async function start(options: Parameters<typeof startGhlSandbox>[0] = {}): Promise<GhlSandbox> {
  const s = await startGhlSandbox(options);
  sandboxes.push(s);
  return s;
}

describe('startGhlSandbox', () => {
  it('gives the ready info on loopback: base URL without trailing slash, PIT, OAuth client, keys, ids', async () => {
    const sb = await start({ seed: 51 });
    const info = sb.readyInfo();
    expect(info.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(info.authorizeUrl).toBe(`${info.baseUrl}/v2/oauth/chooselocation`);
    expect(info.token).toMatch(/^pit-/);
    expect(info.locationId).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(info.webhookPublicKeys.ed25519).toContain('BEGIN PUBLIC KEY');
    expect(info.webhookPublicKeys.rsa).toContain('BEGIN PUBLIC KEY');
    expect(Object.keys(info).sort()).toEqual([
      'authorizeUrl',
      'baseUrl',
      'campaignId',
      'clientId',
      'clientSecret',
      'locationId',
      'token',
      'webhookPublicKeys',
      'workflowId',
    ]);
    const { baseUrl, token, locationId } = sb;
    expect({ baseUrl, token, locationId }).toEqual({
      baseUrl: info.baseUrl,
      token: info.token,
      locationId: info.locationId,
    });
    // The seeded campaign and workflow exist.
    const c = sb.control.createContact({ firstName: 'Camp' });
    expect((await api(sb)('POST', `/contacts/${c.id}/campaigns/${sb.campaignId}`, {})).status).toBe(201);
    expect((await api(sb)('POST', `/contacts/${c.id}/workflow/${sb.workflowId}`, {})).status).toBe(200);
    expect((await api(sb)('POST', `/contacts/${c.id}/campaigns/NoSuchCampaign`, {})).body).toMatchObject({
      message: 'Campaign not found',
    });
  });

  it('refuses a non-loopback host and a non-loopback webhook URL', async () => {
    await expect(startGhlSandbox({ host: '0.0.0.0' })).rejects.toThrow(/loopback/);
    await expect(startGhlSandbox({ webhookUrl: 'http://10.0.0.1/hook' })).rejects.toThrow(/loopback/);
  });

  it('declares 39 API operations (32 contacts, 5 businesses, custom fields, task search) with a scope each', () => {
    expect(OPERATIONS).toHaveLength(39);
    expect(OPERATIONS.filter((o) => o.path.startsWith('/contacts'))).toHaveLength(32);
    expect(new Set(OPERATIONS.map((o) => o.name)).size).toBe(39);
    for (const o of OPERATIONS)
      expect(o.scope).toMatch(/^(contacts|businesses|locations\/\w+)\.(readonly|write)$/);
  });

  it('close() frees the port', async () => {
    const sb = await startGhlSandbox({ seed: 52 });
    const url = sb.baseUrl;
    await sb.close();
    await expect(fetch(`${url}/_sandbox/info`)).rejects.toThrow();
  });
});

describe('seeding', () => {
  it('is deterministic: the same seed gives the same location, ids and contacts; another seed differs', async () => {
    const list = async (sb: GhlSandbox) => {
      const answer = await api(sb)('POST', '/contacts/search', { locationId: sb.locationId, pageLimit: 500 });
      return answer.body as { contacts: Record<string, unknown>[]; total: number };
    };
    const a = await start({ seed: 77, contacts: 300 });
    const b = await start({ seed: 77, contacts: 300 });
    const c = await start({ seed: 78, contacts: 300 });
    expect(b.locationId).toBe(a.locationId);
    expect(b.campaignId).toBe(a.campaignId);
    expect(b.clientId).toBe(a.clientId);
    const [la, lb, lc] = [await list(a), await list(b), await list(c)];
    expect(la.total).toBe(300);
    expect(lb.contacts).toEqual(la.contacts);
    expect(c.locationId).not.toBe(a.locationId);
    expect(lc.contacts.map((x) => x.id)).not.toEqual(la.contacts.map((x) => x.id));
    // More contacts do not change the location's ids, and the first contacts stay the same.
    const d = await start({ seed: 77, contacts: 301 });
    expect(d.locationId).toBe(a.locationId);
    const ids = new Set(la.contacts.map((x) => x.id));
    expect((await list(d)).contacts.filter((x) => ids.has(x.id as string))).toHaveLength(300);
    // Secrets are not seeded.
    expect(b.token).not.toBe(a.token);
    expect(b.clientSecret).not.toBe(a.clientSecret);
  });

  it('seedContacts creates matching contacts at once (search and duplicate lookup), without webhooks', async () => {
    const receiver = await startReceiver();
    try {
      const sb = await start({ seed: 53, webhookUrl: receiver.url, searchLagMs: 60_000 });
      const ids = sb.seedContacts([
        { firstName: 'Cin', lastName: 'Seven', email: 'cin.seven@example.com', companyName: 'Cin Co' },
        { firstName: 'Pho', lastName: 'Ne', phone: '(415) 555-0177' },
      ]);
      expect(ids).toHaveLength(2);
      const call = api(sb);
      const dup = await call(
        'GET',
        `/contacts/search/duplicate?locationId=${sb.locationId}&number=%2B14155550177`,
      );
      expect((dup.body as { contact: { id: string } }).contact.id).toBe(ids[1]);
      const byEmail = await call('POST', '/contacts/search', {
        locationId: sb.locationId,
        pageLimit: 5,
        filters: [{ field: 'email', operator: 'eq', value: 'cin.seven@example.com' }],
      });
      expect((byEmail.body as { contacts: { id: string; companyName: string }[] }).contacts).toMatchObject([
        { id: ids[0], companyName: 'Cin Co' },
      ]);
      expect(sb.control.deliveries()).toEqual([]);
      // A create of the same person is refused as a duplicate.
      const again = await call('POST', '/contacts/', {
        locationId: sb.locationId,
        email: 'cin.seven@example.com',
      });
      expect(again.body).toMatchObject({ meta: { contactId: ids[0] } });
    } finally {
      await receiver.close();
    }
  });
});

describe('fault injection', () => {
  it('a fault after the write applies the change and loses the answer (the source of duplicates)', async () => {
    const receiver = await startReceiver();
    try {
      const sb = await start({
        seed: 54,
        webhookUrl: receiver.url,
        faults: { afterWriteRate: 1, operations: ['ghl.contacts.create'] },
      });
      const call = api(sb);
      await expect(
        call('POST', '/contacts/', {
          locationId: sb.locationId,
          firstName: 'Lost',
          email: 'lost@example.com',
        }),
      ).rejects.toThrow();
      const [created] = sb.control.findContacts({ email: 'lost@example.com' });
      expect(created?.firstName).toBe('Lost');
      await sb.control.waitForWebhooks();
      expect(receiver.received.map((r) => JSON.parse(r.raw.toString()).type)).toEqual(['ContactCreate']);
      // The client's retry meets the duplicate rule, which names the contact it already made.
      sb.control.set({ faults: {} });
      const retry = await call('POST', '/contacts/', {
        locationId: sb.locationId,
        firstName: 'Lost',
        email: 'lost@example.com',
      });
      expect(retry.status).toBe(400);
      expect(retry.body).toMatchObject({ meta: { contactId: created?.id, matchingField: 'email' } });
      // Reads are never "after write" faults.
      sb.control.set({ faults: { afterWriteRate: 1 } });
      expect((await call('GET', `/contacts/${created?.id}`)).status).toBe(200);
      expect(
        (await call('POST', '/contacts/search', { locationId: sb.locationId, pageLimit: 1 })).status,
      ).toBe(200);
    } finally {
      await receiver.close();
    }
  });

  it('injects statuses (with the rate headers), resets, malformed bodies and latency; never on /_sandbox', async () => {
    const sb = await start({ seed: 55, faults: { statusRates: { '503': 1 } } });
    const call = api(sb);
    const injected = await call('GET', `/contacts/?locationId=${sb.locationId}`);
    expect(injected.status).toBe(503);
    expect(injected.headers.get('x-ratelimit-remaining')).toBe('99');
    expect((await raw(`${sb.baseUrl}/_sandbox/info`)).status).toBe(200);

    sb.control.set({ faults: { resetRate: 1 } });
    await expect(call('GET', `/contacts/?locationId=${sb.locationId}`)).rejects.toThrow();

    sb.control.set({ faults: { malformedRate: 1 } });
    const malformed = await call('GET', `/contacts/?locationId=${sb.locationId}`);
    expect(malformed.status).toBe(200);
    expect(malformed.body).toBeUndefined();
    expect(() => JSON.parse(malformed.text)).toThrow();

    sb.control.set({ faults: { latencyMs: 150 } });
    const t = Date.now();
    expect((await call('GET', `/contacts/?locationId=${sb.locationId}`)).status).toBe(200);
    expect(Date.now() - t).toBeGreaterThanOrEqual(140);
  });

  it('draws faults from the seed: the same seed replays the same sequence', async () => {
    const run = async () => {
      const sb = await start({ seed: 56, faults: { statusRates: { '500': 0.3, '429': 0.2 } } });
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++)
        statuses.push((await api(sb)('GET', `/contacts/?locationId=${sb.locationId}`)).status);
      return statuses;
    };
    const first = await run();
    expect(first).toEqual(await run());
    expect(new Set(first)).toEqual(new Set([200, 429, 500]));
  });
});
