/** Customer writes with Cin7's rules: unique names, required fields, Deprecated, nested contacts/addresses. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cin7Sandbox, startCin7Sandbox } from '../../../sandbox/cin7/index.js';
import { type Json, NO_RATE_LIMIT, api, json, list, newCustomer } from './client.js';

async function create(s: Cin7Sandbox, body: Json): Promise<Json> {
  const a = await api(s, 'POST', '/customer', body);
  expect(a.status, a.text).toBe(200);
  return list(a, 'CustomerList')[0] as Json;
}

async function getById(s: Cin7Sandbox, id: string, includeDeprecated = true): Promise<Json | undefined> {
  return list(
    await api(s, 'GET', `/customer?ID=${id}&IncludeDeprecated=${includeDeprecated}`),
    'CustomerList',
  )[0];
}

function exception(body: unknown): string {
  return String((body as { Exception?: unknown }).Exception);
}

describe('cin7 sandbox customers', () => {
  let s: Cin7Sandbox;
  beforeAll(async () => {
    s = await startCin7Sandbox({ seed: 11, customers: 30, salesPerCustomer: 0, rateLimit: NO_RATE_LIMIT });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('creates a customer and answers the Total/Page/CustomerList envelope with the saved record', async () => {
    const a = await api(s, 'POST', '/customer', newCustomer('Envelope Outfitters'));
    expect(a.status).toBe(200);
    const body = json(a);
    expect(body.Total).toBe(1);
    expect(body.Page).toBe(1);
    const c = list(a, 'CustomerList')[0] as Json;
    expect(c.Name).toBe('Envelope Outfitters');
    expect(c.ID).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(c.LastModifiedOn).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?Z$/);
    const contact = (c.Contacts as Json[])[0] as Json;
    expect(contact.CustomerID).toBe(c.ID);
    expect((c.Addresses as Json[])[0]?.CustomerID).toBe(c.ID);
  });

  it('ignores IDs sent in a POST (Cin7 assigns its own, as its example shows)', async () => {
    const given = '4978c3ff-4382-4045-819b-2971480ddaf1';
    const c = await create(
      s,
      newCustomer('Given Ids Co', {
        ID: given,
        Contacts: [{ ID: '1d62f59b-657d-423f-ad95-9ad9ec4f29a3', Name: 'Sheree Bond', Default: true }],
      }),
    );
    expect(c.ID).not.toBe(given);
    expect((c.Contacts as Json[])[0]?.ID).not.toBe('1d62f59b-657d-423f-ad95-9ad9ec4f29a3');
  });

  it('refuses a duplicate Name, case-insensitively and after trimming, with a 400 in the Error model', async () => {
    await create(s, newCustomer('Unique Name Hardware'));
    for (const name of ['Unique Name Hardware', 'unique name HARDWARE', '  Unique Name Hardware ']) {
      const a = await api(s, 'POST', '/customer', newCustomer(name));
      expect(a.status).toBe(400);
      expect(exception(a.body)).toContain('already exists');
    }
  });

  it('refuses a rename onto another customer name, allows keeping its own', async () => {
    const a = await create(s, newCustomer('Rename Source'));
    await create(s, newCustomer('Rename Target'));
    const clash = await api(s, 'PUT', '/customer', { ...a, Name: 'RENAME TARGET' });
    expect(clash.status).toBe(400);
    expect(exception(clash.body)).toContain('already exists');
    const same = await api(s, 'PUT', '/customer', { ...a, Comments: 'same name is fine' });
    expect(same.status).toBe(200);
  });

  it.each(['Name', 'Status', 'Currency', 'PaymentTerm', 'AccountReceivable', 'RevenueAccount', 'TaxRule'])(
    'POST without %s answers 400 naming it',
    async (field) => {
      const body = newCustomer(`Missing ${field} Ltd`);
      delete body[field];
      const a = await api(s, 'POST', '/customer', body);
      expect(a.status).toBe(400);
      expect(exception(a.body)).toBe(`Required attribute ${field} is not provided.`);
    },
  );

  it('requires contact Name and address Line1, Country and Type', async () => {
    const noName = await api(
      s,
      'POST',
      '/customer',
      newCustomer('Contact Rules', { Contacts: [{ Email: 'x@example.com' }] }),
    );
    expect(noName.status).toBe(400);
    expect(exception(noName.body)).toBe('Contacts[0].Required attribute Name is not provided.');
    for (const field of ['Line1', 'Country', 'Type']) {
      const address: Json = { Line1: '1 A St', Country: 'Canada', Type: 'Billing' };
      delete address[field];
      const a = await api(s, 'POST', '/customer', newCustomer(`Address ${field}`, { Addresses: [address] }));
      expect(a.status).toBe(400);
      expect(exception(a.body)).toBe(`Addresses[0].Required attribute ${field} is not provided.`);
    }
    const badType = await api(
      s,
      'POST',
      '/customer',
      newCustomer('Address Type', { Addresses: [{ Line1: '1 A St', Country: 'Canada', Type: 'Home' }] }),
    );
    expect(badType.status).toBe(400);
  });

  it('checks reference values against the tenant (payment term, tax rule, accounts, price tier)', async () => {
    const cases: [string, string][] = [
      ['PaymentTerm', '45 days'],
      ['TaxRule', 'GST on Income'],
      ['AccountReceivable', '999'],
      ['PriceTier', 'Platinum'],
      ['Currency', 'XYZ'],
    ];
    for (const [field, value] of cases) {
      const a = await api(s, 'POST', '/customer', newCustomer(`Ref ${field}`, { [field]: value }));
      expect(a.status, field).toBe(400);
      expect(exception(a.body)).toContain(`'${value}' not found`);
    }
  });

  it('rejects a malformed body with 500 (Cin7: "could not be parsed") and wrong types with 400', async () => {
    const broken = await api(s, 'POST', '/customer', '{"Name": ');
    expect(broken.status).toBe(500);
    const discount = await api(s, 'POST', '/customer', newCustomer('Discount Type', { Discount: 'ten' }));
    expect(discount.status).toBe(400);
    const tooMuch = await api(s, 'POST', '/customer', newCustomer('Discount Range', { Discount: 150 }));
    expect(tooMuch.status).toBe(400);
    const numericString = await api(
      s,
      'POST',
      '/customer',
      newCustomer('Discount String', { Discount: '12.5' }),
    );
    expect(numericString.status).toBe(200);
    expect((list(numericString, 'CustomerList')[0] as Json).Discount).toBe(12.5);
  });

  it('has no DELETE: a customer is retired with Status Deprecated and hidden unless IncludeDeprecated', async () => {
    const c = await create(s, newCustomer('Retiring Traders'));
    expect((await api(s, 'DELETE', `/customer?ID=${String(c.ID)}`)).status).toBe(405);
    const put = await api(s, 'PUT', '/customer', { ...c, Status: 'Deprecated' });
    expect(put.status).toBe(200);
    expect(await getById(s, String(c.ID), false)).toBeUndefined();
    expect((await getById(s, String(c.ID), true))?.Status).toBe('Deprecated');
    const back = await api(s, 'PUT', '/customer', { ...c, Status: 'Active' });
    expect(back.status).toBe(200);
    expect((await getById(s, String(c.ID), false))?.Status).toBe('Active');
  });

  it('PUT matches contacts and addresses by ID: updates found ones, creates the rest, drops those left out', async () => {
    const c = await create(
      s,
      newCustomer('Nested Matching Co', {
        Contacts: [
          { Name: 'Keep Me', Email: 'keep@example.com', Default: true },
          { Name: 'Drop Me', Email: 'drop@example.com' },
        ],
      }),
    );
    const [keep, drop] = c.Contacts as Json[];
    const put = await api(s, 'PUT', '/customer', {
      ...c,
      Contacts: [
        { ...keep, Phone: '(212) 555-0100' },
        { ID: '00000000-1111-4222-a333-444444444444', Name: 'Brand New' },
      ],
    });
    expect(put.status).toBe(200);
    const after = (list(put, 'CustomerList')[0] as Json).Contacts as Json[];
    expect(after.map((k) => k.Name)).toEqual(['Keep Me', 'Brand New']);
    expect(after[0]?.ID).toBe(keep?.ID);
    expect(after[0]?.Phone).toBe('(212) 555-0100');
    expect(after[1]?.ID).not.toBe('00000000-1111-4222-a333-444444444444');
    expect(after.some((k) => k.ID === drop?.ID)).toBe(false);
  });

  it('PUT without the Contacts property keeps the contacts; omitted top-level fields are cleared', async () => {
    const c = await create(s, newCustomer('Omitted Fields Co', { Comments: 'remember me', Tags: 'vip' }));
    const { Contacts: _c, Addresses: _a, Comments: _m, ...rest } = c;
    const put = await api(s, 'PUT', '/customer', rest);
    expect(put.status).toBe(200);
    const after = list(put, 'CustomerList')[0] as Json;
    expect((after.Contacts as Json[]).length).toBe(1);
    expect(after.Comments).toBeNull();
    expect(after.Tags).toBe('vip');
    const partial = await api(s, 'PUT', '/customer', { ID: c.ID, Comments: 'only this' });
    expect(partial.status).toBe(400);
    expect(exception(partial.body)).toBe('Required attribute Name is not provided.');
  });

  it('PUT with an unknown ID answers 400; without ID answers 400', async () => {
    const unknown = await api(
      s,
      'PUT',
      '/customer',
      newCustomer('Ghost', { ID: '0365e5bb-e5ea-4a45-b98b-fdc4466bdaf1' }),
    );
    expect(unknown.status).toBe(400);
    expect(exception(unknown.body)).toContain('not found');
    const noId = await api(s, 'PUT', '/customer', newCustomer('Ghost 2'));
    expect(noId.status).toBe(400);
    expect(exception(noId.body)).toBe('Required attribute ID is not provided.');
  });
});

describe('cin7 sandbox customers with putOmitted=keep', () => {
  let s: Cin7Sandbox;
  beforeAll(async () => {
    s = await startCin7Sandbox({
      seed: 12,
      customers: 5,
      salesPerCustomer: 0,
      putOmitted: 'keep',
      rateLimit: NO_RATE_LIMIT,
    });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('keeps omitted fields and contacts left out of the array', async () => {
    const c = await create(
      s,
      newCustomer('Keep Mode Co', {
        Comments: 'stays',
        Contacts: [{ Name: 'First', Default: true }, { Name: 'Second' }],
      }),
    );
    const [first] = c.Contacts as Json[];
    const put = await api(s, 'PUT', '/customer', {
      ID: c.ID,
      Tags: 'trade',
      Contacts: [{ ...first, JobTitle: 'Owner' }],
    });
    expect(put.status).toBe(200);
    const after = list(put, 'CustomerList')[0] as Json;
    expect(after.Comments).toBe('stays');
    expect(after.Tags).toBe('trade');
    expect((after.Contacts as Json[]).map((k) => [k.Name, k.JobTitle])).toEqual([
      ['First', 'Owner'],
      ['Second', null],
    ]);
  });
});

describe('cin7 sandbox bumpOnContactEdit', () => {
  for (const bump of [false, true]) {
    it(`a contact-only or address-only edit ${bump ? 'moves' : 'keeps'} LastModifiedOn when the knob is ${bump}`, async () => {
      const s = await startCin7Sandbox({
        seed: 13,
        customers: 3,
        salesPerCustomer: 0,
        bumpOnContactEdit: bump,
        rateLimit: NO_RATE_LIMIT,
      });
      try {
        const seeded = s.customers()[0] as unknown as Json;
        const id = String(seeded.ID);
        const before = String(seeded.LastModifiedOn);
        const contact = (seeded.Contacts as Json[])[0] as Json;
        const address = (seeded.Addresses as Json[])[0] as Json;
        const afterContact = s.control.editContact(id, String(contact.ID), { Phone: '020 7946 0001' });
        expect(afterContact.Contacts[0]?.Phone).toBe('020 7946 0001');
        expect(afterContact.LastModifiedOn !== before).toBe(bump);
        const afterAddress = s.control.editAddress(id, String(address.ID), { City: 'Leeds' });
        expect(afterAddress.Addresses[0]?.City).toBe('Leeds');
        expect(afterAddress.LastModifiedOn !== before).toBe(bump);
        // Through the API, a PUT that changes only a contact behaves the same.
        const current = list(
          await api(s, 'GET', `/customer?ID=${id}&IncludeDeprecated=true`),
          'CustomerList',
        )[0] as Json;
        const contacts = (current.Contacts as Json[]).map((k, i) =>
          i === 0 ? { ...k, JobTitle: 'Changed' } : k,
        );
        const put = await api(s, 'PUT', '/customer', { ...current, Contacts: contacts });
        expect(put.status).toBe(200);
        expect(((list(put, 'CustomerList')[0] as Json).LastModifiedOn as string) !== before).toBe(bump);
        // A top-level edit always moves it.
        expect(s.control.editCustomer(id, { Comments: 'top level' }).LastModifiedOn).not.toBe(before);
      } finally {
        await s.close();
      }
    });
  }
});
