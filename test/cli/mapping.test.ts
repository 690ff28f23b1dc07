/**
 * `cin7-ghl mapping preview` against a spawned `cin7-ghl sandbox`: customers made through the
 * sandboxes' control APIs with known data, so every payload below is written out by hand. The
 * sandboxes' own counters show the command made only reads.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SandboxProcess, runCli, startSandboxProcess } from '../helpers/cli.js';

let sb: SandboxProcess;
let cwd: string;
let env: Record<string, string>;
let cin7Root: string;
let previewId: string;
let updateId: string;
let ghlContactId: string;

async function control(url: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${url}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function getJson(url: string): Promise<Record<string, unknown>> {
  return (await (await fetch(url, { signal: AbortSignal.timeout(10_000) })).json()) as Record<
    string,
    unknown
  >;
}

const CUSTOMER_DEFAULTS = {
  Status: 'Active',
  PaymentTerm: '30 days',
  AccountReceivable: '610',
  RevenueAccount: '200',
  TaxRule: 'Tax Exempt',
};

/** Requests by route the sandboxes answered, as a snapshot to diff. */
async function counts(): Promise<{
  ghl: Record<string, number>;
  cin7: Record<string, number>;
  contacts: number;
}> {
  const stats = (await getJson(`${sb.ready.ghl.baseUrl}/_sandbox/stats`)) as {
    byRoute: Record<string, number>;
    contacts: number;
  };
  const calls = (await getJson(`${cin7Root}/_sandbox/calls`)) as { byRoute: Record<string, number> };
  return { ghl: { ...stats.byRoute }, cin7: { ...calls.byRoute }, contacts: stats.contacts };
}

function diff(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) if (v !== (before[k] ?? 0)) out[k] = v - (before[k] ?? 0);
  return out;
}

beforeAll(async () => {
  sb = await startSandboxProcess(['--customers', '10', '--ghl-contacts', '5', '--seed', '11']);
  cin7Root = sb.ready.cin7.baseUrl.replace(/\/ExternalApi\/v2$/, '');
  cwd = mkdtempSync(path.join(tmpdir(), 'g1-cli-mapping-'));
  writeFileSync(path.join(cwd, 'mapping.yaml'), 'contacts:\n  select: all\ntags:\n  enabled: true\n');
  writeFileSync(
    path.join(cwd, 'rules.yaml'),
    'rules:\n  - { name: wholesale, tag: wholesale, when: { priceTier: { eq: Wholesale } } }\n  - { tag: "lifecycle:{stage}" }\n',
  );
  writeFileSync(
    path.join(cwd, 'cin7-ghl.sandbox.yaml'),
    'log:\n  level: warn\nsync:\n  mappingFile: mapping.yaml\n  tagRulesFile: rules.yaml\n',
  );
  env = {
    CIN7_BASE_URL: sb.ready.cin7.baseUrl,
    CIN7_ACCOUNT_ID: sb.ready.cin7.accountId,
    CIN7_APPLICATION_KEY: sb.ready.cin7.applicationKey,
    GHL_BASE_URL: sb.ready.ghl.baseUrl,
    GHL_LOCATION_ID: sb.ready.ghl.locationId,
    GHL_TOKEN: sb.ready.ghl.token,
  };
  const preview = await control(`${cin7Root}/_sandbox/customers`, {
    ...CUSTOMER_DEFAULTS,
    Name: 'Preview Test Pty Ltd',
    Currency: 'AUD',
    PriceTier: 'Wholesale',
    IsLegalEntity: true,
    Tags: 'VIP, Trade',
    Contacts: [
      {
        Name: 'Mary Ann Smith',
        Email: 'Mary.Preview@Example.com',
        Phone: '03 5550 1999',
        Default: true,
        MarketingConsent: 3,
      },
      { Name: 'No Details' },
    ],
    Addresses: [
      {
        Line1: '12 Collins Street',
        City: 'Melbourne',
        State: 'VIC',
        Postcode: '3000',
        Country: 'Australia',
        Type: 'Billing',
      },
    ],
  });
  previewId = String(preview.ID);
  const update = await control(`${cin7Root}/_sandbox/customers`, {
    ...CUSTOMER_DEFAULTS,
    Name: 'Update Test Ltd',
    Currency: 'USD',
    Contacts: [{ Name: 'Jo Bloggs', Email: 'jo.update@example.com', Default: true }],
    Addresses: [
      {
        Line1: '1 George Street',
        City: 'Sydney',
        State: 'NSW',
        Postcode: '2000',
        Country: 'Australia',
        Type: 'Billing',
      },
    ],
  });
  updateId = String(update.ID);
  const ghl = await control(`${sb.ready.ghl.baseUrl}/_sandbox/contacts`, {
    firstName: 'Jo',
    lastName: 'Old',
    email: 'jo.update@example.com',
    city: 'Old Town',
    companyName: 'Old Name',
    tags: ['newsletter', 'lifecycle:new'],
  });
  ghlContactId = String((ghl.contact as { id: string }).id);
});

afterAll(async () => {
  if (sb) await sb.stop();
  if (cwd) rmSync(cwd, { recursive: true, force: true });
});

describe('cin7-ghl mapping preview', () => {
  it('a customer with no GHL match: the create body, the skipped contact, the calls; nothing written', async () => {
    const before = await counts();
    const r = await runCli(['mapping', 'preview', previewId, '--json'], { env, cwd });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.customer).toEqual({
      id: previewId,
      name: 'Preview Test Pty Ltd',
      status: 'Active',
      isCompany: true,
    });
    expect(out.ghlChecked).toBe(true);
    expect(out.rules.tags).toEqual(['wholesale', 'lifecycle:lead']);
    expect(out.contacts).toHaveLength(1);
    const c = out.contacts[0];
    expect(c.contactName).toBe('Mary Ann Smith');
    expect(c.existing).toBeNull();
    expect(c.create).toEqual({
      method: 'POST',
      path: '/contacts/upsert',
      body: {
        locationId: sb.ready.ghl.locationId,
        firstName: 'Mary',
        lastName: 'Ann Smith',
        email: 'mary.preview@example.com',
        phone: '+61355501999',
        address1: '12 Collins Street',
        city: 'Melbourne',
        state: 'VIC',
        postalCode: '3000',
        country: 'AU',
        companyName: 'Preview Test Pty Ltd',
        dnd: true,
        tags: ['wholesale', 'lifecycle:lead', 'cin7:vip', 'cin7:trade'],
      },
    });
    expect(out.skipped).toEqual([
      expect.objectContaining({
        cin7CustomerId: previewId,
        contactName: 'No Details',
        reason: 'no email or phone',
      }),
    ]);
    // Cin7: the customer, one sale search page. GHL: the duplicate lookup by email, then by phone.
    expect(out.calls).toEqual({ cin7: 2, ghl: 2 });
    expect(out.writes).toBe(0);
    const after = await counts();
    expect(diff(after.cin7, before.cin7)).toEqual({ 'cin7.customers.list': 1, 'cin7.sales.list': 1 });
    expect(diff(after.ghl, before.ghl)).toEqual({ 'ghl.contacts.duplicate': 2 });
    expect(after.contacts).toBe(before.contacts);
  });

  it('a customer matching a GHL contact: the PUT, the company upsert and the tag delta, by hand', async () => {
    const before = await counts();
    const r = await runCli(['mapping', 'preview', updateId, '--json'], { env, cwd });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    const e = out.contacts[0].existing;
    expect(e).toEqual({
      contactId: ghlContactId,
      matchedBy: 'email',
      changedFields: ['lastName', 'address1', 'city', 'state', 'postalCode', 'country', 'companyName'],
      update: {
        method: 'PUT',
        path: `/contacts/${ghlContactId}`,
        body: {
          lastName: 'Bloggs',
          address1: '1 George Street',
          city: 'Sydney',
          state: 'NSW',
          postalCode: '2000',
          country: 'AU',
        },
      },
      upsert: {
        method: 'POST',
        path: '/contacts/upsert',
        body: {
          locationId: sb.ready.ghl.locationId,
          email: 'jo.update@example.com',
          companyName: 'Update Test Ltd',
        },
      },
      // lifecycle:new is owned by the template and no longer true; newsletter is nobody's.
      tags: { add: ['lifecycle:lead'], remove: ['lifecycle:new'] },
    });
    expect(out.calls).toEqual({ cin7: 2, ghl: 2 });
    const after = await counts();
    expect(diff(after.ghl, before.ghl)).toEqual({ 'ghl.contacts.duplicate': 1, 'ghl.contacts.get': 1 });
    expect(diff(after.cin7, before.cin7)).toEqual({ 'cin7.customers.list': 1, 'cin7.sales.list': 1 });
    const contact = (await getJson(`${sb.ready.ghl.baseUrl}/_sandbox/contacts/${ghlContactId}`)) as Record<
      string,
      unknown
    >;
    expect(JSON.stringify(contact)).toContain('Old Town');
  });

  it('prints the same as text', async () => {
    const r = await runCli(['mapping', 'preview', updateId], { env, cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Customer Update Test Ltd');
    expect(r.stdout).toContain(`GHL contact ${ghlContactId} matches by email.`);
    expect(r.stdout).toContain(
      'Would change: lastName, address1, city, state, postalCode, country, companyName',
    );
    expect(r.stdout).toContain(`PUT /contacts/${ghlContactId}`);
    expect(r.stdout).toContain('POST /contacts/upsert');
    expect(r.stdout).toMatch(/Calls: cin7 2, ghl 2\. Nothing was written\./);
  });

  it('without GHL_* it shows the create body and says GHL was not compared', async () => {
    const cin7Only = {
      CIN7_BASE_URL: env.CIN7_BASE_URL!,
      CIN7_ACCOUNT_ID: env.CIN7_ACCOUNT_ID!,
      CIN7_APPLICATION_KEY: env.CIN7_APPLICATION_KEY!,
    };
    const r = await runCli(['mapping', 'preview', updateId], { env: cin7Only, cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Not compared with GHL');
    expect(r.stdout).toContain('"locationId": "<ghl.locationId>"');
    expect(r.stdout).toContain('Calls: cin7 2, ghl 0.');
  });

  it('an unknown customer id fails with a clear message', async () => {
    const r = await runCli(['mapping', 'preview', '0c000000-0000-4000-8000-00000000dead'], { env, cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no Cin7 customer with ID 0c000000-0000-4000-8000-00000000dead');
  });

  it('a malformed mapping file fails naming the key and the fix', async () => {
    const bad = mkdtempSync(path.join(cwd, 'bad-'));
    writeFileSync(path.join(bad, 'mapping.yaml'), 'fields:\n  phone: { from: contact.Mobile }\n');
    writeFileSync(path.join(bad, 'cin7-ghl.sandbox.yaml'), 'sync:\n  mappingFile: mapping.yaml\n');
    const r = await runCli(['mapping', 'preview', updateId], { env, cwd: bad });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('fields.phone.from: "contact.Mobile": not a Cin7 value this product reads');
    expect(r.stderr).toContain('contact.MobilePhone');
  });
});
