/**
 * The GHL bodies built from a mapped contact: exact content (written by hand), the PUT never
 * carrying companyName, and every body valid against the official request schema made strict (no
 * undeclared property: the GHL sandbox, like GHL, refuses those with a 422).
 */
import { describe, expect, it } from 'vitest';
import {
  changedFields,
  createBody,
  type MappedContact,
  mapCustomer,
  parseMapping,
  planWrites,
  updateBody,
  upsertBody,
} from '../../../src/sync/mapping/index.js';
import { makeValidator, requestSchema, specOperations, strictify } from '../../helpers/ghl-spec.js';
import { requireSpecs } from '../../helpers/requirements.js';
import { customer, gid } from './fixtures.js';

const mapping = parseMapping(
  {
    tags: { enabled: true },
    fields: {
      'customField:account_manager': { from: 'customer.AdditionalAttribute3', id: 'cf-manager' },
      'customField:interests': { from: 'customer.AdditionalAttribute4', transform: 'list' },
    },
  },
  { customFields: true },
);

const acme = customer({
  n: 1,
  Name: 'Acme Pty Ltd',
  IsLegalEntity: true,
  Tags: 'vip',
  AdditionalAttribute3: 'Dana Whitfield',
  AdditionalAttribute4: 'wine, cheese',
  Contacts: [
    {
      ID: gid('p', 1),
      Name: 'Mary Smith',
      Email: 'Mary@Acme.Example',
      Phone: '(212) 555-0100',
      Default: true,
      MarketingConsent: 3,
    },
  ],
  Addresses: [
    { Line1: '1 Main Street', City: 'Springfield', State: 'IL', Postcode: '62701', Country: 'USA' },
  ],
});
const c = mapCustomer(acme, mapping).contacts[0] as MappedContact;

describe('createBody', () => {
  it('every non-empty field, create-only dnd, company, custom fields and the full tag list', () => {
    expect(createBody(c, 'loc1', ['lifecycle:new', 'VIP ', ...c.cin7Tags])).toEqual({
      locationId: 'loc1',
      firstName: 'Mary',
      lastName: 'Smith',
      email: 'mary@acme.example',
      phone: '+12125550100',
      address1: '1 Main Street',
      city: 'Springfield',
      state: 'IL',
      postalCode: '62701',
      country: 'US',
      companyName: 'Acme Pty Ltd',
      dnd: true,
      customFields: [
        { id: 'cf-manager', field_value: 'Dana Whitfield' },
        { key: 'interests', field_value: ['cheese', 'wine'] },
      ],
      tags: ['lifecycle:new', 'vip', 'cin7:vip'],
    });
  });

  it('leaves empty fields and an empty tag list out', () => {
    const bare = customer({
      n: 2,
      Name: 'Jo',
      Contacts: [{ Name: 'Jo', Email: 'jo@x.example', MarketingConsent: 1 }],
    });
    const m = mapCustomer(bare, parseMapping({})).contacts[0]!;
    expect(createBody(m, 'loc1', [])).toEqual({ locationId: 'loc1', firstName: 'Jo', email: 'jo@x.example' });
  });
});

describe('updateBody, upsertBody, changedFields', () => {
  it('changedFields: fields whose hash differs from the stored ones, in mapping order', () => {
    expect(changedFields(c, {})).toEqual(Object.keys(c.fields));
    const stored = { ...c.hashes, city: 'stale', companyName: 'stale' };
    expect(changedFields(c, stored)).toEqual(['city', 'companyName']);
    expect(changedFields(c, c.hashes)).toEqual([]);
  });

  it('the PUT body carries the changed fields, clears emptied ones, and never companyName', () => {
    const moved = customer({
      n: 1,
      Name: 'Acme Pty Ltd',
      IsLegalEntity: true,
      AdditionalAttribute3: '',
      Contacts: [{ ID: gid('p', 1), Name: 'Mary Smith', Email: 'mary@acme.example', Default: true }],
      Addresses: [{ Line1: '9 New Road', City: 'Chicago', Country: '' }],
    });
    const m = mapCustomer(moved, mapping).contacts[0]!;
    const changed = changedFields(m, c.hashes);
    expect(changed).toEqual([
      'phone',
      'address1',
      'city',
      'state',
      'postalCode',
      'country',
      'customField:account_manager',
      'customField:interests',
    ]);
    expect(updateBody(m, changed)).toEqual({
      phone: null,
      address1: '9 New Road',
      city: 'Chicago',
      state: null,
      postalCode: '',
      customFields: [
        { id: 'cf-manager', field_value: '' },
        { key: 'interests', field_value: '' },
      ],
    });
    expect(updateBody(c, Object.keys(c.fields))).not.toHaveProperty('companyName');
    expect(updateBody(c, ['companyName'])).toEqual({});
  });

  it('for any set of changes, the PUT body has no companyName, tags, dnd or locationId', () => {
    const names = Object.keys(c.fields);
    for (let mask = 0; mask < 1 << names.length; mask += 37) {
      const changed = names.filter((_, i) => mask & (1 << i));
      const body = updateBody(c, [...changed, 'dnd', 'tags']);
      for (const banned of ['companyName', 'tags', 'dnd', 'locationId'])
        expect(body).not.toHaveProperty(banned);
    }
  });

  it('upsert carries the current email and phone plus the asked fields', () => {
    expect(upsertBody(c, 'loc1', ['companyName'])).toEqual({
      locationId: 'loc1',
      email: 'mary@acme.example',
      phone: '+12125550100',
      companyName: 'Acme Pty Ltd',
    });
  });

  it('planWrites splits a PUT from the upsert of the company name', () => {
    expect(planWrites(c, ['city', 'companyName'])).toEqual({
      update: { city: 'Springfield' },
      upsertFields: ['companyName'],
    });
    expect(planWrites(c, ['companyName'])).toEqual({ update: null, upsertFields: ['companyName'] });
  });
});

const specs = requireSpecs(
  'mapping bodies against the GHL request schemas (test/sync/mapping/bodies.test.ts)',
);

describe.skipIf(!specs.available)('bodies validate against the official request schemas', () => {
  const op = (method: string, p: string) => {
    const found = specOperations('apps/contacts.json').find((o) => o.method === method && o.path === p);
    if (!found) throw new Error(`no ${method} ${p} in the spec`);
    return makeValidator(strictify(requestSchema(found)!.schema));
  };
  const create = op('post', '/contacts/');
  const update = op('put', '/contacts/{contactId}');
  const upsert = op('post', '/contacts/upsert');
  // The spec requires custom field ids (`{key}` alone is what GHL also accepts, NOTES §2).
  const withIds = parseMapping(
    {
      tags: { enabled: true },
      fields: {
        'customField:account_manager': { from: 'customer.AdditionalAttribute3', id: 'cf-manager' },
        'customField:interests': {
          from: 'customer.AdditionalAttribute4',
          transform: 'list',
          id: 'cf-interests',
        },
      },
    },
    { customFields: true },
  );
  const resolved = mapCustomer(acme, withIds).contacts[0]!;

  it('CreateContactDto', () => {
    expect(create(createBody(resolved, 'loc1', ['a', 'b'])).errors).toEqual([]);
  });
  it('UpdateContactDto, for every field changed and for emptied fields', () => {
    expect(update(updateBody(resolved, Object.keys(resolved.fields))).errors).toEqual([]);
    const empty = mapCustomer(
      customer({ n: 9, Name: 'E', Contacts: [{ ID: gid('p', 9), Name: 'E', Email: 'e@e.example' }] }),
      withIds,
    ).contacts[0]!;
    expect(update(updateBody(empty, Object.keys(empty.fields))).errors).toEqual([]);
  });
  it('UpsertContactDto', () => {
    expect(upsert(upsertBody(resolved, 'loc1', ['companyName', 'city'])).errors).toEqual([]);
  });
  it('a PUT body with companyName would not validate (why updateBody leaves it out)', () => {
    expect(update({ companyName: 'X' }).errors.join()).toMatch(/companyName/);
  });
});
