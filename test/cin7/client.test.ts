/** The Cin7 client against the Cin7 sandbox: every operation, paging, read-modify-write, errors. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthError, BadResponseError, ValidationError } from '../../src/http/errors.js';
import { type SandboxClient, newCustomer, sandboxClient } from './helpers.js';

describe('Cin7Client against the sandbox', () => {
  let t: SandboxClient;
  beforeAll(async () => {
    t = await sandboxClient({ customers: 60, salesPerCustomer: 2, seed: 7 });
  });
  afterAll(async () => t?.close());

  it('me: the account and its defaults', async () => {
    const me = await t.client.me();
    expect(me.Company).toBe('Sandbox Trading Co');
    expect(me.Currency).toBe('USD');
    expect(me.TimeZone).toBe('America/New_York');
    expect(me.DefaultSaleTaxRuleName).toBe('Tax Exempt');
  });

  it('customers(): every active customer once; with IncludeDeprecated every customer', async () => {
    const all = t.sandbox.customers();
    const active = all.filter((c) => c.Status === 'Active');
    expect(all.length).toBe(60);
    expect(active.length).toBeLessThan(60); // the seed deprecates about 5%

    const seen: string[] = [];
    for await (const c of t.client.customers({}, { limit: 25 })) seen.push(c.ID);
    expect(seen.sort()).toEqual(active.map((c) => c.ID).sort());

    const everyone: string[] = [];
    for await (const c of t.client.customers({ IncludeDeprecated: true }, { limit: 25 })) everyone.push(c.ID);
    expect(everyone.sort()).toEqual(all.map((c) => c.ID).sort());
  });

  it('detects a smaller page size the server honours and keeps paging at it', async () => {
    t.sandbox.control.configure({ maxPageSize: 7 });
    try {
      const before = t.counter.snapshot();
      const pages: { page: number; limit: number; rows: number }[] = [];
      const ids = new Set<string>();
      for await (const p of t.client.customerPages({ IncludeDeprecated: true })) {
        pages.push({ page: p.page, limit: p.limit, rows: p.rows.length });
        for (const c of p.rows) ids.add(c.ID);
      }
      expect(ids.size).toBe(60);
      // 60 rows at 7 a page: 8 full pages and one of 4; the first asked for 1000 and got 7.
      expect(pages.map((p) => p.rows)).toEqual([7, 7, 7, 7, 7, 7, 7, 7, 4]);
      expect(pages.every((p) => p.limit === 7)).toBe(true);
      expect(t.client.pageSizeFor('cin7.customers.list')).toBe(7);
      const used = t.counter.snapshot().calls.filter((c) => c.operation === 'cin7.customers.list');
      const before7 = before.calls.filter((c) => c.operation === 'cin7.customers.list');
      const sum = (xs: { count: number }[]) => xs.reduce((n, x) => n + x.count, 0);
      expect(sum(used) - sum(before7)).toBe(9);
      const limits = t.requests.filter((r) => r.url.pathname.endsWith('/customer')).slice(-9);
      expect(limits.map((r) => r.url.searchParams.get('Limit'))).toEqual(['1000', ...Array(8).fill('7')]);
    } finally {
      t.sandbox.control.configure({ maxPageSize: 1000 });
    }
  });

  it('filters by Name prefix and by ContactFilter (exact email)', async () => {
    const someone = t.sandbox
      .customers()
      .find((c) => c.Status === 'Active' && c.Contacts.some((k) => k.Email?.includes('@example')));
    if (!someone) throw new Error('seed has no active customer with an email');
    const email = someone.Contacts.find((k) => k.Email?.includes('@example'))?.Email as string;
    const byEmail: string[] = [];
    for await (const c of t.client.customers({ ContactFilter: email.toUpperCase() })) byEmail.push(c.ID);
    expect(byEmail).toContain(someone.ID);
    const byName: string[] = [];
    for await (const c of t.client.customers({ Name: someone.Name.slice(0, 6) })) byName.push(c.Name);
    expect(byName.every((n) => n.toLowerCase().startsWith(someone.Name.slice(0, 6).toLowerCase()))).toBe(
      true,
    );
  });

  it('getCustomer: by ID, deprecated ones too; null when unknown; GUIDs lower case', async () => {
    const deprecated = t.sandbox.customers().find((c) => c.Status === 'Deprecated');
    if (!deprecated) throw new Error('seed has no deprecated customer');
    const got = await t.client.getCustomer(deprecated.ID.toUpperCase());
    expect(got?.ID).toBe(deprecated.ID);
    expect(got?.Status).toBe('Deprecated');
    expect(got?.Contacts.map((k) => k.ID)).toEqual(deprecated.Contacts.map((k) => k.ID));
    expect(await t.client.getCustomer('00000000-0000-4000-8000-000000000000')).toBeNull();
  });

  it('createCustomer; a duplicate Name is a ValidationError carrying Cin7 message', async () => {
    const created = await t.client.createCustomer(newCustomer('Client Test One'));
    expect(created.Name).toBe('Client Test One');
    expect(created.Contacts).toHaveLength(2);
    expect(created.LastModifiedOn).toMatch(/Z$/);
    const dup = await t.client.createCustomer(newCustomer('client test one ')).catch((e: unknown) => e);
    expect(dup).toBeInstanceOf(ValidationError);
    expect((dup as ValidationError).status).toBe(400);
    expect((dup as ValidationError).message).toContain('already exists');
  });

  it('updateCustomer: a partial change keeps every other field, contact and address id (full PUT)', async () => {
    const created = await t.client.createCustomer(
      newCustomer('Merge Keeper', { Comments: 'old', Tags: 'a,b' }),
    );
    const [main, second] = created.Contacts;
    const before = t.sandbox.control.customer(created.ID);
    const saved = await t.client.updateCustomer(created.ID, {
      Comments: 'new note',
      Contacts: [{ ID: second?.ID.toUpperCase(), Phone: '+1 555 0199' }, { Name: 'Merge Keeper Third' }],
    });
    const after = t.sandbox.control.customer(created.ID);
    expect(after?.Comments).toBe('new note');
    expect(after?.Tags).toBe('a,b');
    expect(after?.PriceTier).toBe(before?.PriceTier);
    expect(after?.Addresses.map((a) => a.ID)).toEqual(before?.Addresses.map((a) => a.ID));
    expect(after?.Contacts).toHaveLength(3);
    expect(after?.Contacts[0]).toEqual(before?.Contacts[0]);
    expect(after?.Contacts[0]?.ID).toBe(main?.ID);
    expect(after?.Contacts[1]?.ID).toBe(second?.ID);
    expect(after?.Contacts[1]?.Phone).toBe('+1 555 0199');
    expect(after?.Contacts[1]?.Name).toBe('Merge Keeper Second');
    expect(after?.Contacts[2]?.Name).toBe('Merge Keeper Third');
    expect(saved.Contacts).toHaveLength(3);
  });

  it('deprecateCustomer sets Status Deprecated and keeps the record', async () => {
    const created = await t.client.createCustomer(newCustomer('Soon Retired'));
    const saved = await t.client.deprecateCustomer(created.ID);
    expect(saved.Status).toBe('Deprecated');
    const after = t.sandbox.control.customer(created.ID);
    expect(after?.Status).toBe('Deprecated');
    expect(after?.Contacts.map((k) => k.ID)).toEqual(created.Contacts.map((k) => k.ID));
  });

  it('sales: saleList pages with filters, and one sale with its sections', async () => {
    const rows = [];
    for await (const s of t.client.sales({}, { limit: 40 })) rows.push(s);
    expect(rows.length).toBe(120);
    expect(new Set(rows.map((r) => r.SaleID)).size).toBe(120);
    expect(rows.every((r) => r.Updated?.endsWith('Z'))).toBe(true);
    expect(rows.every((r) => r.OrderDate === null || /^\d{4}-\d{2}-\d{2}$/.test(r.OrderDate))).toBe(true);

    const voided = [];
    for await (const s of t.client.sales({ Status: 'VOIDED' })) voided.push(s);
    expect(voided.every((s) => s.Status === 'VOIDED')).toBe(true);
    expect(voided.length).toBe(rows.filter((r) => r.Status === 'VOIDED').length);

    const newest = rows
      .map((r) => r.Updated as string)
      .sort()
      .at(-1) as string;
    const after = [];
    for await (const s of t.client.sales({ UpdatedSince: newest.slice(0, 19) })) after.push(s);
    expect(after.every((s) => (s.Updated as string) >= newest.slice(0, 19))).toBe(true);

    const first = rows[0];
    if (!first) throw new Error('no sales');
    const sale = await t.client.getSale(first.SaleID);
    expect(sale.ID).toBe(first.SaleID);
    expect(sale.CustomerID).toBe(first.CustomerID);
  });

  it('webhooks: create, list, update, delete', async () => {
    const created = await t.client.createWebhook({
      Type: 'Customer/Updated',
      IsActive: true,
      ExternalURL: 'http://127.0.0.1:9/webhooks/cin7/customers',
      ExternalAuthorizationType: 'bearerauth',
      ExternalBearerToken: 'client-test-token',
    });
    expect(created.Type).toBe('Customer/Updated');
    expect((await t.client.listWebhooks()).map((w) => w.ID)).toContain(created.ID);
    const updated = await t.client.updateWebhook({
      ID: created.ID,
      Type: 'Customer/Updated',
      IsActive: false,
      ExternalURL: 'http://127.0.0.1:9/webhooks/cin7/customers',
      ExternalAuthorizationType: 'bearerauth',
      ExternalBearerToken: 'client-test-token',
    });
    expect(updated.IsActive).toBe(false);
    await t.client.deleteWebhook(created.ID);
    expect((await t.client.listWebhooks()).map((w) => w.ID)).not.toContain(created.ID);
  });

  it('reference data: every list a customer names', async () => {
    expect((await t.client.paymentTerms()).map((x) => x.Name)).toContain('30 days');
    expect((await t.client.taxRules()).map((x) => x.Name)).toContain('Tax Exempt');
    expect((await t.client.accounts()).map((x) => x.Code)).toEqual(expect.arrayContaining(['610', '200']));
    expect((await t.client.priceTiers()).map((x) => x.Name)).toContain('Tier 1');
    expect((await t.client.carriers()).map((x) => x.Description)).toContain('DEFAULT Carrier');
    expect((await t.client.locations()).map((x) => x.Name)).toContain('Main Warehouse');
    expect((await t.client.attributeSets()).map((x) => x.Name)).toContain('Customer Profile');
    expect((await t.client.paymentTerms({ IsActive: false })).map((x) => x.Name)).toEqual([
      'Cash on delivery',
    ]);
  });

  it('every call carries both auth headers; wrong credentials are an AuthError', async () => {
    const recent = t.requests.slice(-5);
    for (const r of recent) {
      expect(r.headers['api-auth-accountid']).toBe(t.sandbox.accountId);
      expect(r.headers['api-auth-applicationkey']).toBe(t.sandbox.applicationKey);
    }
    const { Cin7Client } = await import('../../src/cin7/client.js');
    const wrong = new Cin7Client({
      http: t.http,
      baseUrl: t.sandbox.baseUrl,
      accountId: t.sandbox.accountId,
      applicationKey: '11111111-2222-4333-8444-555555555555',
    });
    const err = await wrong.me().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as AuthError).status).toBe(403);
    expect((err as AuthError).message).not.toContain('11111111-2222-4333-8444-555555555555');
  });

  it('an HTML "Page not found" answered with 200 is an error, not data', async () => {
    const { Cin7Client } = await import('../../src/cin7/client.js');
    const misrouted = new Cin7Client({
      http: t.http,
      baseUrl: `${t.sandbox.rootUrl}/ExternalApi/v1`,
      accountId: t.sandbox.accountId,
      applicationKey: t.sandbox.applicationKey,
    });
    t.sandbox.control.configure({ wrongPath: 'html200' });
    try {
      const err = await misrouted.me().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BadResponseError);
    } finally {
      t.sandbox.control.configure({ wrongPath: 404 });
    }
  });
});
