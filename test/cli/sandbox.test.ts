import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SandboxProcess, runCli, startSandboxProcess } from '../helpers/cli.js';

describe('cin7-ghl sandbox', () => {
  let sb: SandboxProcess;
  beforeAll(async () => {
    sb = await startSandboxProcess(['--customers', '30', '--ghl-contacts', '20', '--seed', '7']);
  });
  afterAll(async () => {
    if (sb) await sb.stop();
  });

  it('prints one JSON ready line with both halves, URLs without trailing slashes', () => {
    const { ghl, cin7 } = sb.ready;
    expect(Object.keys(ghl).sort()).toEqual(
      [
        'authorizeUrl',
        'baseUrl',
        'campaignId',
        'clientId',
        'clientSecret',
        'locationId',
        'token',
        'webhookPublicKeys',
        'workflowId',
      ].sort(),
    );
    expect(ghl.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(cin7.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/ExternalApi\/v2$/);
    expect(ghl.webhookPublicKeys.ed25519).toContain('BEGIN PUBLIC KEY');
    expect(ghl.webhookPublicKeys.rsa).toContain('BEGIN PUBLIC KEY');
  });

  it('serves GHL with the printed token and Cin7 with the printed credentials', async () => {
    const { ghl, cin7 } = sb.ready;
    const search = await fetch(`${ghl.baseUrl}/contacts/search`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${ghl.token}`,
        Version: '2021-07-28',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ locationId: ghl.locationId, pageLimit: 100 }),
    });
    expect(search.status).toBe(200);
    expect(((await search.json()) as { total: number }).total).toBe(20);
    const customers = await fetch(`${cin7.baseUrl}/customer?Page=1&Limit=100`, {
      headers: { 'api-auth-accountid': cin7.accountId, 'api-auth-applicationkey': cin7.applicationKey },
    });
    expect(customers.status).toBe(200);
    expect(((await customers.json()) as { Total: number }).Total).toBe(30);
  });

  it('makes some pre-existing GHL contacts that match Cin7 people by email', async () => {
    const { ghl, cin7 } = sb.ready;
    const list = (await (
      await fetch(`${cin7.baseUrl}/customer?Page=1&Limit=100`, {
        headers: { 'api-auth-accountid': cin7.accountId, 'api-auth-applicationkey': cin7.applicationKey },
      })
    ).json()) as { CustomerList: Array<{ Contacts: Array<{ Email: string | null }> }> };
    const cin7Emails = new Set(
      list.CustomerList.flatMap((c) => c.Contacts.map((k) => k.Email?.toLowerCase())).filter(Boolean),
    );
    const ghlContacts = (await (
      await fetch(`${ghl.baseUrl}/contacts/search`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${ghl.token}`,
          Version: '2021-07-28',
          'content-type': 'application/json',
        },
        body: JSON.stringify({ locationId: ghl.locationId, pageLimit: 100 }),
      })
    ).json()) as { contacts: Array<{ email?: string | null }> };
    const matching = ghlContacts.contacts.filter((c) => c.email && cin7Emails.has(c.email.toLowerCase()));
    expect(matching.length).toBeGreaterThanOrEqual(2);
    expect(matching.length).toBeLessThan(20);
  });

  it('refuses a bad flag with a clear message and exit 1', async () => {
    const r = await runCli(['sandbox', '--customers', 'many']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--customers: "many" is not a whole number');
  });

  it('stops on SIGINT with exit 0', async () => {
    const other = await startSandboxProcess(['--customers', '5']);
    const started = Date.now();
    expect(await other.stop()).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
