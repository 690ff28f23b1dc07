/**
 * The mapping file's GHL → Cin7 sections: `profile` (defaults, fields, limits) and
 * `createCustomers` (off by default; the accounts Cin7 has no default for are required when on).
 * Each mistake is refused with its key, the bad value and the fix.
 */
import { describe, expect, it } from 'vitest';
import { ConfigErrors } from '../../../src/errors/index.js';
import { parseMapping } from '../../../src/sync/mapping/index.js';

function issuesOf(raw: unknown, options: { customFields?: boolean } = {}) {
  try {
    parseMapping(raw, { source: 'mapping.yaml', ...options });
  } catch (e) {
    if (e instanceof ConfigErrors)
      return e.issues.map((i) => ({ key: i.key, message: i.message, hint: i.hint }));
    throw e;
  }
  return [];
}

describe('profile', () => {
  it("defaults: the summary into Comments (2,000 characters), keeping users' text, open tasks", () => {
    const m = parseMapping({});
    expect(m.profile).toEqual({
      enabled: true,
      summary: {
        field: 'Comments',
        maxLength: 2000,
        keepExisting: true,
        notes: true,
        tasks: 'open',
        itemLength: 200,
      },
      values: { ghlContactId: null, ghlLink: null, business: null, lifecycleStage: null },
      linkTemplate: 'https://app.gohighlevel.com/v2/location/{locationId}/contacts/detail/{contactId}',
    });
    expect(m.createCustomers).toEqual({ enabled: false, defaults: {} });
  });

  it('an AdditionalAttribute holds 256 characters; single values get fields of their own', () => {
    const m = parseMapping({
      profile: {
        summary: { field: 'customer.AdditionalAttribute9', tasks: 'all' },
        lifecycleStage: 'AdditionalAttribute1',
        ghlContactId: 'additionalattribute2',
      },
    });
    expect(m.profile.summary).toMatchObject({ field: 'AdditionalAttribute9', maxLength: 256, tasks: 'all' });
    expect(m.profile.values).toEqual({
      ghlContactId: 'AdditionalAttribute2',
      ghlLink: null,
      business: null,
      lifecycleStage: 'AdditionalAttribute1',
    });
    expect(parseMapping({ profile: false }).profile.enabled).toBe(false);
    expect(parseMapping({ profile: { summary: false } }).profile.summary.field).toBeNull();
  });

  it.each([
    {
      name: 'an unknown field',
      raw: { profile: { summary: { field: 'Notes' } } },
      key: 'profile.summary.field',
      message: /"Notes": not a Cin7 customer field/,
      hint: /Comments or AdditionalAttribute1/,
    },
    {
      name: 'a length over what the field holds',
      raw: { profile: { summary: { field: 'AdditionalAttribute3', maxLength: 1000 } } },
      key: 'profile.summary.maxLength',
      message: /1000: must be a whole number from 100 to 256/,
      hint: /leave it out to use 256/,
    },
    {
      name: 'two values in one field',
      raw: { profile: { business: 'AdditionalAttribute1', lifecycleStage: 'AdditionalAttribute1' } },
      key: 'profile.lifecycleStage',
      message: /profile\.business already writes AdditionalAttribute1/,
      hint: /its own Cin7 field/,
    },
    {
      name: 'a field a mapping entry reads (the summary would go back to GHL)',
      raw: { fields: { 'customField:notes': { from: 'customer.Comments' } } },
      options: { customFields: true },
      key: 'profile.summary.field',
      message: /fields\.customField:notes reads customer\.Comments/,
      hint: /choose another Cin7 field/,
    },
    {
      name: 'a link without {contactId}',
      raw: { profile: { linkTemplate: 'https://crm.example.com/contacts' } },
      key: 'profile.linkTemplate',
      message: /must be an http\(s\) URL containing \{contactId\}/,
      hint: /write e\.g\./,
    },
    {
      name: 'an unknown key',
      raw: { profile: { sumary: {} } },
      key: 'profile.sumary',
      message: /unknown key/,
      hint: /enabled, summary/,
    },
    {
      name: 'creating customers without the accounts',
      raw: { createCustomers: { enabled: true, defaults: { Currency: 'USD' } } },
      key: 'createCustomers.defaults.AccountReceivable',
      message: /is required to create Cin7 customers/,
      hint: /cin7\.ref\.accounts/,
    },
    {
      name: 'an unknown default',
      raw: { createCustomers: { defaults: { Colour: 'red' } } },
      key: 'createCustomers.defaults.Colour',
      message: /unknown key/,
      hint: /Currency, PaymentTerm/,
    },
  ])('refuses $name', ({ raw, options, key, message, hint }) => {
    const issues = issuesOf(raw, options);
    const issue = issues.find((i) => i.key === key);
    expect(issue, JSON.stringify(issues)).toBeDefined();
    expect(issue?.message).toMatch(message);
    expect(issue?.hint).toMatch(hint);
  });

  it('createCustomers: the given defaults are kept as text', () => {
    const m = parseMapping({
      createCustomers: {
        enabled: true,
        defaults: { AccountReceivable: 610, RevenueAccount: '200', PriceTier: 'Retail' },
      },
    });
    expect(m.createCustomers).toEqual({
      enabled: true,
      defaults: { AccountReceivable: '610', RevenueAccount: '200', PriceTier: 'Retail' },
    });
  });
});
