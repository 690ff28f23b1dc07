/**
 * The reverse direction: hashes equal across directions against the GHL sandbox (a body the
 * sandbox accepted, read back from it — by id and through search — hashes as the mapped contact
 * does, also after an update and a company-name upsert), GHL values read in the same normal form,
 * and the Cin7 patch GHL-owned values produce.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaticTokenProvider } from '../../../src/ghl/auth.js';
import { GhlClient } from '../../../src/ghl/client.js';
import { ghlHttpRules } from '../../../src/ghl/http-rules.js';
import { HttpClient } from '../../../src/http/client.js';
import {
  changedFields,
  cin7Patch,
  cin7TagsFromGhl,
  createBody,
  isCin7OwnedTag,
  type MappedContact,
  type MappingConfig,
  MappingError,
  mapCustomer,
  parseMapping,
  planWrites,
  readGhlContact,
  upsertBody,
  withCustomFieldIds,
} from '../../../src/sync/mapping/index.js';
import { ConfigErrors } from '../../../src/errors/index.js';
import { type GhlSandbox, startGhlSandbox } from '../../../sandbox/ghl/index.js';
import { customer, gid } from './fixtures.js';

function people() {
  return [
    customer({
      n: 1,
      Name: 'Acme Pty Ltd',
      IsLegalEntity: true,
      AdditionalAttribute1: 'C-0001',
      AdditionalAttribute2: '1,250.50',
      Contacts: [
        {
          ID: gid('p', 1),
          Name: '  Mary   Ann Smith ',
          Email: ' Mary.Smith@Acme.Example ',
          Phone: '03 5550 1123',
          Website: 'https://acme.example',
          Default: true,
          MarketingConsent: 3,
        },
      ],
      Addresses: [
        {
          Line1: '12 Collins Street',
          City: 'Melbourne',
          State: 'VIC',
          Postcode: '3000',
          Country: 'Australia',
        },
      ],
    }),
    customer({
      n: 2,
      Name: 'Jo Bloggs',
      Contacts: [
        {
          ID: gid('p', 2),
          Name: 'Jo Bloggs',
          MobilePhone: '07700 900123',
          Default: true,
          MarketingConsent: 2,
        },
      ],
      Addresses: [
        { Line1: '1 High Street', City: 'London', Postcode: 'EC1A 1BB', Country: 'United Kingdom' },
      ],
    }),
    customer({
      n: 3,
      Name: 'Cher',
      Contacts: [{ ID: gid('p', 3), Name: 'Cher', Email: 'CHER@example.com', Default: true }],
      Addresses: [
        { Line1: '9 Sunset Blvd', City: 'Los Angeles', State: 'CA', Postcode: '90028', Country: 'USA' },
      ],
    }),
  ];
}

describe('hashes equal across directions, against the GHL sandbox', () => {
  let sb: GhlSandbox;
  let ghl: GhlClient;
  let mapping: MappingConfig;

  beforeAll(async () => {
    sb = await startGhlSandbox({ seed: 5 });
    const http = new HttpClient({
      rules: [ghlHttpRules({ rateLimit: { requests: 100, windowMs: 10_000 }, timeoutMs: 10_000 })],
    });
    ghl = new GhlClient({
      http,
      baseUrl: sb.baseUrl,
      auth: new StaticTokenProvider(sb.token, sb.locationId),
    });
    const raw = parseMapping(
      {
        tags: { enabled: true },
        fields: {
          'customField:customer_code': { from: 'customer.AdditionalAttribute1' },
          'customField:lifetime_spend': { from: 'customer.AdditionalAttribute2', transform: 'number' },
        },
      },
      { customFields: true },
    );
    mapping = withCustomFieldIds(raw, await ghl.listCustomFields());
  });
  afterAll(async () => {
    await sb?.close();
  });

  const written = new Map<string, { id: string; c: MappedContact }>();

  it('create → GET and search: every written field hashes the same; dnd too when consent is known', async () => {
    for (const cust of people()) {
      const c = mapCustomer(cust, mapping).contacts[0]!;
      const created = await ghl.createContact(createBody(c, sb.locationId, c.cin7Tags));
      const back = readGhlContact(await ghl.getContact(created.id!), mapping);
      for (const f of Object.keys(c.fields)) expect(back.hashes[f], `${cust.Name}: ${f}`).toBe(c.hashes[f]);
      expect(back.fields).toMatchObject(c.fields);
      if (c.createOnly.dnd !== null) expect(back.hashes.dnd).toBe(c.hashes.dnd);
      const hit = (
        await ghl.searchContacts({
          pageLimit: 1,
          filters: [{ field: 'id', operator: 'eq', value: created.id }],
        })
      ).contacts[0]!;
      const fromSearch = readGhlContact(hit, mapping);
      // A search hit has no website (its documented shape): that one field is absent, not empty.
      expect(Object.keys(c.fields).filter((f) => !(f in fromSearch.hashes))).toEqual(['website']);
      for (const f of Object.keys(fromSearch.hashes).filter((k) => k in c.fields))
        expect(fromSearch.hashes[f], `search ${cust.Name}: ${f}`).toBe(c.hashes[f]);
      written.set(cust.ID, { id: created.id!, c });
    }
    // Spot-check what the sandbox stored, so the comparison above is not vacuous.
    const acme = readGhlContact(await ghl.getContact(written.get(gid('c', 1))!.id), mapping);
    expect(acme.fields).toMatchObject({
      firstName: 'Mary',
      lastName: 'Ann Smith',
      email: 'mary.smith@acme.example',
      phone: '+61355501123',
      country: 'AU',
      companyName: 'Acme Pty Ltd',
      'customField:customer_code': 'C-0001',
      'customField:lifetime_spend': 1250.5,
    });
    expect(acme.dnd).toBe(true);
  });

  it('after Cin7 edits: PUT + upsert of the changed fields → hashes equal again', async () => {
    const edited = customer({
      n: 1,
      Name: 'Acme Holdings Pty Ltd',
      IsLegalEntity: true,
      AdditionalAttribute1: '',
      AdditionalAttribute2: '99',
      Contacts: [
        {
          ID: gid('p', 1),
          Name: 'Mary Jones',
          Email: 'mary.smith@acme.example',
          Phone: '',
          MobilePhone: '0491 570 006',
          Default: true,
          MarketingConsent: 1,
        },
      ],
      Addresses: [
        { Line1: '12 Collins Street', City: 'Sydney', State: 'NSW', Postcode: '', Country: 'Australia' },
      ],
    });
    const before = written.get(gid('c', 1))!;
    const c = mapCustomer(edited, mapping).contacts[0]!;
    const changed = changedFields(c, before.c.hashes);
    expect(changed).toEqual([
      'lastName',
      'phone',
      'city',
      'state',
      'postalCode',
      'companyName',
      'website',
      'customField:customer_code',
      'customField:lifetime_spend',
    ]);
    const plan = planWrites(c, changed);
    await ghl.updateContact(before.id, plan.update!);
    const up = await ghl.upsertContact(upsertBody(c, sb.locationId, plan.upsertFields));
    expect(up.contact?.id).toBe(before.id);
    const back = readGhlContact(await ghl.getContact(before.id), mapping);
    for (const f of Object.keys(c.fields)) expect(back.hashes[f], f).toBe(c.hashes[f]);
    expect(back.fields.companyName).toBe('Acme Holdings Pty Ltd');
    expect(back.fields['customField:customer_code']).toBeNull();
    expect(back.fields.postalCode).toBeNull();
    // dnd stays GHL's: consent becoming unknown in Cin7 writes nothing.
    expect(back.dnd).toBe(true);
  });

  it('a mapping whose custom field key the location lacks is refused, naming the key', () => {
    const m = parseMapping(
      { fields: { 'customField:nope': { from: 'customer.AdditionalAttribute9' } } },
      { customFields: true },
    );
    try {
      withCustomFieldIds(m, [{ id: 'x', fieldKey: 'contact.customer_code' }]);
      throw new Error('expected ConfigErrors');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigErrors);
      expect((e as ConfigErrors).issues[0]?.key).toBe('fields.customField:nope');
      expect((e as ConfigErrors).issues[0]?.hint).toMatch(/customer_code/);
    }
  });
});

describe('readGhlContact', () => {
  const mapping = parseMapping({ tags: { enabled: true } });

  it('reads a webhook-shaped contact into the normal form, with dnd and tags', () => {
    const v = readGhlContact(
      {
        type: 'ContactUpdate',
        firstName: ' Mary ',
        lastName: 'Ann  Smith',
        email: 'MARY@ACME.EXAMPLE',
        phone: '+61 3 5550 1123',
        country: 'au',
        companyName: '',
        dnd: false,
        tags: ['VIP', 'cin7:Trade'],
      },
      mapping,
    );
    expect(v.fields).toEqual({
      firstName: 'Mary',
      lastName: 'Ann Smith',
      email: 'mary@acme.example',
      phone: '+61355501123',
      address1: null,
      city: null,
      state: null,
      postalCode: null,
      country: 'AU',
      companyName: null,
      website: null,
      dnd: false,
    });
    expect(v.dnd).toBe(false);
    expect(v.tags).toEqual(['vip', 'cin7:trade']);
  });

  it('custom fields need their ids to be read', () => {
    const m = parseMapping(
      { fields: { 'customField:code': { from: 'customer.AdditionalAttribute1' } } },
      { customFields: true },
    );
    expect(() => readGhlContact({ customFields: [{ id: 'abc', value: 'x' }] }, m)).toThrow(MappingError);
    expect(readGhlContact({}, m).fields['customField:code']).toBeNull();
  });
});

describe('cin7Patch (GHL → Cin7)', () => {
  const cust = people()[0]!;
  const ghlValues = (contact: Record<string, unknown>, mapping: MappingConfig) =>
    readGhlContact(contact, mapping);

  it('default mapping: only dnd flows back, as MarketingConsent 3 (opt out) or 2', () => {
    const m = parseMapping({});
    const out = cin7Patch(ghlValues({ firstName: 'X', dnd: true }, m), cust, gid('p', 1), m);
    expect(out).toEqual({
      patch: { Contacts: [{ ID: gid('p', 1), MarketingConsent: 3 }] },
      written: ['dnd'],
      warnings: [],
    });
    const optIn = cin7Patch(ghlValues({ dnd: false }, m), cust, gid('p', 1), m);
    expect(optIn.patch).toEqual({ Contacts: [{ ID: gid('p', 1), MarketingConsent: 2 }] });
  });

  it('two-way fields: names joined, country named, address by id, custom attribute, tags', () => {
    const m = parseMapping(
      {
        tags: { enabled: true, direction: 'both' },
        fields: {
          firstName: { direction: 'both' },
          lastName: { direction: 'both' },
          phone: { direction: 'both' },
          country: { direction: 'both' },
          city: { direction: 'both' },
          'customField:code': { from: 'customer.AdditionalAttribute1', direction: 'ghl_to_cin7', id: 'cf' },
        },
      },
      { customFields: true },
    );
    const values = ghlValues(
      {
        firstName: 'Maria',
        lastName: 'de la Cruz',
        phone: '+442079460018',
        country: 'GB',
        city: 'London',
        dnd: true,
        tags: ['cin7:vip', 'newsletter', 'cin7:trade'],
        customFields: [{ id: 'cf', value: 'C-9' }],
      },
      m,
    );
    const out = cin7Patch(values, cust, gid('p', 1), m);
    const address = cust.Addresses[0]!;
    expect(out.patch).toEqual({
      AdditionalAttribute1: 'C-9',
      Tags: 'vip,trade',
      Contacts: [{ ID: gid('p', 1), Name: 'Maria de la Cruz', Phone: '+442079460018', MarketingConsent: 3 }],
      Addresses: [{ ID: address.ID, City: 'London', Country: 'United Kingdom' }],
    });
    expect(out.written).toEqual([
      'firstName',
      'lastName',
      'phone',
      'city',
      'country',
      'dnd',
      'customField:code',
      'tags',
    ]);
    const only = cin7Patch(values, cust, gid('p', 1), m, ['city']);
    expect(only.patch).toEqual({ Addresses: [{ ID: address.ID, City: 'London' }] });
  });

  it('Cin7-owned tags are recognised by their prefix', () => {
    const m = parseMapping({ tags: { enabled: true, prefix: 'cin7:' } });
    expect(isCin7OwnedTag('CIN7:VIP', m)).toBe(true);
    expect(isCin7OwnedTag('vip', m)).toBe(false);
    expect(cin7TagsFromGhl(['cin7:vip', 'other', 'cin7:vip'], m)).toBe('vip');
    expect(cin7TagsFromGhl(['cin7:vip'], parseMapping({}))).toBeNull();
  });
});
