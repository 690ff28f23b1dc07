/** The seeded tenant: deterministic, and with the variety the sync must cope with. */
import { describe, expect, it } from 'vitest';
import { startCin7Sandbox } from '../../../sandbox/cin7/index.js';
import { seedTenant } from '../../../sandbox/cin7/seed.js';
import { type Json, NO_RATE_LIMIT, api, list } from './client.js';

const EPOCH = Date.UTC(2026, 5, 1);
const COUNTRY_NAMES = ['United States', 'Australia', 'New Zealand', 'United Kingdom', 'Canada'];
const PLAUSIBLE_EMAIL = /^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i;

describe('cin7 sandbox seed', () => {
  it('gives the same data for the same seed and different data for another', () => {
    const a = seedTenant({ seed: 5, customers: 300, salesPerCustomer: 2, epochMs: EPOCH });
    const b = seedTenant({ seed: 5, customers: 300, salesPerCustomer: 2, epochMs: EPOCH });
    const c = seedTenant({ seed: 6, customers: 300, salesPerCustomer: 2, epochMs: EPOCH });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(c.customers[0]?.data.ID).not.toBe(a.customers[0]?.data.ID);
    expect(c.customers.map((x) => x.data.Name)).not.toEqual(a.customers.map((x) => x.data.Name));
  });

  it('two sandboxes with one seed serve the same customers and credentials', async () => {
    const one = await startCin7Sandbox({ seed: 9, customers: 40, salesPerCustomer: 1, seedEpochMs: EPOCH });
    const two = await startCin7Sandbox({ seed: 9, customers: 40, salesPerCustomer: 1, seedEpochMs: EPOCH });
    try {
      expect(two.customers()).toEqual(one.customers());
      expect(two.accountId).toBe(one.accountId);
      expect(two.applicationKey).toBe(one.applicationKey);
    } finally {
      await one.close();
      await two.close();
    }
  });

  it('has 1-3 contacts with exactly one Default, mostly reachable, some with neither or invalid details', () => {
    const { customers } = seedTenant({ seed: 3, customers: 2000, salesPerCustomer: 0, epochMs: EPOCH });
    const contacts = customers.flatMap((c) => c.data.Contacts);
    for (const c of customers) {
      expect(c.data.Contacts.length).toBeGreaterThanOrEqual(1);
      expect(c.data.Contacts.length).toBeLessThanOrEqual(3);
      expect(c.data.Contacts.filter((k) => k.Default)).toHaveLength(1);
    }
    const counts = new Set(customers.map((c) => c.data.Contacts.length));
    expect([...counts].sort()).toEqual([1, 2, 3]);
    const both = contacts.filter((k) => k.Email && (k.Phone || k.MobilePhone)).length / contacts.length;
    expect(both).toBeGreaterThan(0.6);
    expect(contacts.some((k) => !k.Email && !k.Phone && !k.MobilePhone)).toBe(true);
    expect(contacts.some((k) => k.Email && !PLAUSIBLE_EMAIL.test(k.Email))).toBe(true);
    expect(contacts.some((k) => k.Phone && !/\d{3}.*\d{3}/.test(k.Phone))).toBe(true);
    expect(new Set(contacts.map((k) => k.MarketingConsent))).toEqual(new Set([1, 2, 3]));
  });

  it('uses country names, a mix of tiers, tags and attributes, unique names, and some deprecated', () => {
    const { customers } = seedTenant({ seed: 4, customers: 2000, salesPerCustomer: 0, epochMs: EPOCH });
    const data = customers.map((c) => c.data);
    const countries = new Set(data.flatMap((c) => c.Addresses.map((a) => a.Country)));
    expect([...countries].sort()).toEqual([...COUNTRY_NAMES].sort());
    expect(new Set(data.map((c) => c.PriceTier))).toEqual(new Set(['Tier 1', 'Wholesale', 'Retail']));
    expect(data.some((c) => c.Tags?.includes(','))).toBe(true);
    expect(data.some((c) => c.AttributeSet === 'Customer Profile' && c.AdditionalAttribute1)).toBe(true);
    expect(new Set(data.map((c) => c.Name.toLowerCase())).size).toBe(data.length);
    const deprecated = data.filter((c) => c.Status === 'Deprecated').length / data.length;
    expect(deprecated).toBeGreaterThan(0.02);
    expect(deprecated).toBeLessThan(0.1);
    expect(new Set(data.map((c) => c.Currency)).has('USD')).toBe(true);
    for (const c of customers) expect(c.modifiedMs).toBeLessThan(EPOCH);
  });

  it('uses only reference data the tenant serves, including the values tests rely on', async () => {
    const s = await startCin7Sandbox({
      seed: 10,
      customers: 300,
      salesPerCustomer: 1,
      rateLimit: NO_RATE_LIMIT,
    });
    try {
      const names = async (path: string, key: string, field: string) =>
        new Set(list(await api(s, 'GET', path), key).map((x) => String(x[field])));
      const terms = await names('/ref/paymentterm', 'PaymentTermList', 'Name');
      const taxes = await names('/ref/tax', 'TaxRuleList', 'Name');
      const accounts = await names('/ref/account', 'AccountsList', 'Code');
      const tiers = await names('/ref/priceTier', 'PriceTiers', 'Name');
      const carriers = await names('/ref/carrier', 'CarrierList', 'Description');
      const locations = await names('/ref/location', 'LocationList', 'Name');
      const sets = await names('/ref/attributeset', 'AttributeSetList', 'Name');
      expect(terms).toContain('30 days');
      expect(taxes).toContain('Tax Exempt');
      expect(accounts).toContain('610');
      expect(accounts).toContain('200');
      expect(tiers).toContain('Tier 1');
      const me = (await api(s, 'GET', '/me')).body as Json;
      expect(me.Currency).toBe('USD');
      expect(me.DefaultSaleTaxRuleName).toBe('Tax Exempt');
      for (const c of s.customers()) {
        expect(terms).toContain(c.PaymentTerm);
        expect(taxes).toContain(c.TaxRule);
        expect(accounts).toContain(c.AccountReceivable);
        expect(accounts).toContain(c.RevenueAccount);
        if (c.PriceTier) expect(tiers).toContain(c.PriceTier);
        if (c.Carrier) expect(carriers).toContain(c.Carrier);
        if (c.Location) expect(locations).toContain(c.Location);
        if (c.AttributeSet) expect(sets).toContain(c.AttributeSet);
      }
      const receivable = list(await api(s, 'GET', '/ref/account?Code=610'), 'AccountsList')[0] as Json;
      expect(receivable.SystemAccount).toBe('DEBTORS');
      const revenue = list(await api(s, 'GET', '/ref/account?Code=200'), 'AccountsList')[0] as Json;
      expect(revenue.Class).toBe('REVENUE');
    } finally {
      await s.close();
    }
  });
});
