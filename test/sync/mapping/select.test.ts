/**
 * Which Cin7 contacts become GHL contacts (both modes), the skip reports, company detection and
 * the address choice.
 */
import { describe, expect, it } from 'vitest';
import { chooseAddress, isCompany, mapCustomer, parseMapping } from '../../../src/sync/mapping/index.js';
import { customer, gid } from './fixtures.js';

const byDefault = parseMapping({});
const everyContact = parseMapping({ contacts: { select: 'all' } });

const acme = customer({
  n: 1,
  Name: 'Acme Pty Ltd',
  Contacts: [
    { ID: gid('p', 101), Name: 'No Details' },
    { ID: gid('p', 102), Name: 'Jo Bloggs', Email: 'jo@acme.example' },
    { ID: gid('p', 103), Name: 'Sam Phone', Phone: '(212) 555-0100', Default: true },
    { ID: gid('p', 104), Name: 'Kim Mobile', MobilePhone: '+1 415 555 0199' },
  ],
});

describe('contact selection', () => {
  it('default mode: the contact marked Default when it has an email or phone', () => {
    const r = mapCustomer(acme, byDefault);
    expect(r.contacts.map((c) => c.cin7ContactId)).toEqual([gid('p', 103)]);
    expect(r.skipped).toEqual([]);
  });

  it('default mode: else the first contact (in Cin7 order) with an email or phone', () => {
    const c = customer({
      n: 2,
      Name: 'Beta LLC',
      Contacts: [
        { ID: gid('p', 201), Name: 'Default Nobody', Default: true },
        { ID: gid('p', 202), Name: 'Ann Mobile', MobilePhone: '(212) 555-0111' },
        { ID: gid('p', 203), Name: 'Bo Email', Email: 'bo@beta.example' },
      ],
    });
    const r = mapCustomer(c, byDefault);
    expect(r.contacts.map((x) => x.cin7ContactId)).toEqual([gid('p', 202)]);
    expect(r.skipped).toEqual([]);
  });

  it('default mode: no contact with an email or phone → the customer is reported, nothing mapped', () => {
    const c = customer({
      n: 3,
      Name: 'Gamma Co',
      Contacts: [
        { ID: gid('p', 301), Name: 'First Nobody' },
        { ID: gid('p', 302), Name: 'Default Nobody', Default: true },
      ],
    });
    const r = mapCustomer(c, byDefault);
    expect(r.contacts).toEqual([]);
    expect(r.skipped).toEqual([
      {
        cin7CustomerId: gid('c', 3),
        cin7ContactId: gid('p', 302),
        contactName: 'Default Nobody',
        reason: 'no email or phone on any contact of the customer',
        code: 'no_identity',
      },
    ]);
  });

  it('all mode: every contact with an email or phone; each one with neither is reported by name', () => {
    const r = mapCustomer(acme, everyContact);
    expect(r.contacts.map((c) => c.cin7ContactId)).toEqual([gid('p', 102), gid('p', 103), gid('p', 104)]);
    expect(r.skipped).toEqual([
      {
        cin7CustomerId: gid('c', 1),
        cin7ContactId: gid('p', 101),
        contactName: 'No Details',
        reason: 'no email or phone',
        code: 'no_identity',
      },
    ]);
  });

  it('a customer without contacts is reported', () => {
    const r = mapCustomer(customer({ n: 4, Name: 'Empty Ltd' }), everyContact);
    expect(r.contacts).toEqual([]);
    expect(r.skipped).toEqual([
      {
        cin7CustomerId: gid('c', 4),
        cin7ContactId: '',
        contactName: '',
        reason: 'the customer has no contacts',
        code: 'no_contacts',
      },
    ]);
  });

  it('invalid email or phone: the contact is reported with the bad value, named', () => {
    const c = customer({
      n: 5,
      Name: 'Delta Ltd',
      Contacts: [
        { ID: gid('p', 501), Name: 'Bad Email', Email: 'jane@', Phone: '(212) 555-0123' },
        { ID: gid('p', 502), Name: 'Bad Phone', Email: 'ok@delta.example', Phone: 'n/a' },
        { ID: gid('p', 503), Name: 'Phone Fallback', Phone: 'call reception', MobilePhone: '(212) 555-0145' },
      ],
    });
    const r = mapCustomer(c, everyContact);
    expect(r.contacts.map((x) => [x.cin7ContactId, x.identity])).toEqual([
      [gid('p', 503), { email: null, phone: '+12125550145' }],
    ]);
    expect(r.skipped).toEqual([
      {
        cin7CustomerId: gid('c', 5),
        cin7ContactId: gid('p', 501),
        contactName: 'Bad Email',
        reason: 'invalid email "jane@" (fix it in Cin7)',
        code: 'invalid_email',
      },
      {
        cin7CustomerId: gid('c', 5),
        cin7ContactId: gid('p', 502),
        contactName: 'Bad Phone',
        reason: 'invalid phone "n/a" (fix it in Cin7)',
        code: 'invalid_phone',
      },
    ]);
  });

  it('onInvalid: dropField maps the contact without the bad value, with a warning', () => {
    const c = customer({
      n: 6,
      Name: 'Echo Ltd',
      Contacts: [
        { ID: gid('p', 601), Name: 'Bad Phone', Email: 'ok@echo.example', Phone: '12345', Default: true },
      ],
    });
    const r = mapCustomer(c, parseMapping({ contacts: { onInvalid: 'dropField' } }));
    expect(r.skipped).toEqual([]);
    expect(r.contacts[0]?.fields.phone).toBeNull();
    expect(r.contacts[0]?.identity).toEqual({ email: 'ok@echo.example', phone: null });
    expect(r.contacts[0]?.warnings).toEqual(['invalid phone "12345" left out of phone']);
  });

  it('dropField never leaves a contact with no valid email or phone: it is reported instead', () => {
    const c = customer({
      n: 8,
      Name: 'Foxtrot Ltd',
      Contacts: [{ ID: gid('p', 801), Name: 'Only Bad', Email: 'jane at example.com', Default: true }],
    });
    const r = mapCustomer(c, parseMapping({ contacts: { onInvalid: 'dropField' } }));
    expect(r.contacts).toEqual([]);
    expect(r.skipped).toEqual([
      {
        cin7CustomerId: gid('c', 8),
        cin7ContactId: gid('p', 801),
        contactName: 'Only Bad',
        reason: 'no valid email or phone: invalid email "jane at example.com" (fix it in Cin7)',
        code: 'invalid_email',
      },
    ]);
  });

  it('a deprecated customer is skipped unless includeDeprecated', () => {
    const c = customer({
      n: 7,
      Name: 'Old Co',
      Status: 'Deprecated',
      Contacts: [{ ID: gid('p', 701), Name: 'Old Timer', Email: 'old@old.example', Default: true }],
    });
    expect(mapCustomer(c, byDefault).skipped).toEqual([
      {
        cin7CustomerId: gid('c', 7),
        cin7ContactId: gid('p', 701),
        contactName: 'Old Timer',
        reason: 'the customer is deprecated in Cin7',
        code: 'deprecated',
      },
    ]);
    const kept = mapCustomer(c, parseMapping({ contacts: { includeDeprecated: true } }));
    expect(kept.contacts.map((x) => x.cin7ContactId)).toEqual([gid('p', 701)]);
  });
});

describe('company detection', () => {
  const person = customer({
    n: 10,
    Name: 'Jo Bloggs',
    Contacts: [{ Name: 'Jo Bloggs' }, { Name: 'Sam Bloggs' }],
  });
  const legal = customer({
    n: 11,
    Name: 'Jo Bloggs',
    IsLegalEntity: true,
    Contacts: [{ Name: 'Jo Bloggs' }],
  });
  const named = customer({
    n: 12,
    Name: 'Bloggs Trading',
    IsLegalEntity: false,
    Contacts: [{ Name: 'Jo Bloggs' }],
  });
  const rows: Array<[string, typeof person, boolean, boolean, boolean]> = [
    // name, customer, either, isLegalEntity, nameDiffers
    ['a person (a contact carries the customer name)', person, false, false, false],
    ['a legal entity named like a person', legal, true, true, false],
    ['a trading name nobody is called', named, true, false, true],
  ];
  it.each(rows)('%s', (_, c, either, legalOnly, differs) => {
    expect(isCompany(c, 'either')).toBe(either);
    expect(isCompany(c, 'isLegalEntity')).toBe(legalOnly);
    expect(isCompany(c, 'nameDiffers')).toBe(differs);
  });

  it('a company gets companyName and, with business association on, a business', () => {
    const c = customer({
      n: 13,
      Name: 'Bloggs Trading',
      Contacts: [{ Name: 'Jo Bloggs', Email: 'jo@bt.example' }],
    });
    const r = mapCustomer(c, parseMapping({ business: { enabled: true } }));
    expect(r.isCompany).toBe(true);
    expect(r.business).toEqual({ name: 'Bloggs Trading' });
    expect(r.contacts[0]?.fields.companyName).toBe('Bloggs Trading');
    const p = mapCustomer(
      customer({ n: 14, Name: 'Jo Bloggs', Contacts: [{ Name: 'Jo Bloggs', Email: 'jo@p.example' }] }),
      parseMapping({ business: { enabled: true } }),
    );
    expect(p.business).toBeNull();
    expect(p.contacts[0]?.fields.companyName).toBeNull();
  });
});

describe('address choice', () => {
  const c = customer({
    n: 20,
    Name: 'Addr Co',
    Addresses: [
      { ID: gid('a', 901), Line1: '1 Ship St', Country: 'Australia', Type: 'Shipping' },
      { ID: gid('a', 902), Line1: '2 Bill St', Country: 'Australia', Type: 'Billing', DefaultForType: false },
      { ID: gid('a', 903), Line1: '3 Bill St', Country: 'Australia', Type: 'Billing', DefaultForType: true },
    ],
  });
  it.each([
    ['billing', gid('a', 903)],
    ['shipping', gid('a', 901)],
    ['business', gid('a', 901)],
    ['first', gid('a', 901)],
  ] as const)('%s → %s', (choice, id) => {
    expect(chooseAddress(c, choice)?.ID).toBe(id);
  });
  it('none when the customer has no address', () => {
    expect(chooseAddress(customer({ n: 21, Name: 'No Addr' }), 'billing')).toBeNull();
  });
});
