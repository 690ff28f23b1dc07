/**
 * mapCustomer end to end on hand-made customers: every field of the mapped contact written out by
 * hand, hashes recomputed independently (sha256 of the JSON of the value, 16 hex digits).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashValue, mapCustomer, parseMapping } from '../../../src/sync/mapping/index.js';
import { customer, gid } from './fixtures.js';

/** The hash rule of docs/mapping.md, written independently of the code under test. */
function sha(value: unknown): string {
  const v = value === '' || (Array.isArray(value) && value.length === 0) ? null : value;
  return createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, 16);
}

const acme = customer({
  n: 1,
  Name: 'Acme Pty Ltd',
  IsLegalEntity: true,
  Tags: 'VIP, Trade ,,vip',
  AdditionalAttribute3: 'Dana Whitfield',
  Contacts: [
    {
      ID: gid('p', 1),
      Name: ' Mary  Ann   Smith ',
      Email: ' Mary.Smith@Acme.Example ',
      Phone: '03 5550 1123',
      MobilePhone: '0491 570 006',
      Website: 'https://acme.example',
      Default: true,
      MarketingConsent: 3,
    },
  ],
  Addresses: [
    {
      ID: gid('a', 1),
      Line1: ' 12  Collins Street ',
      City: 'Melbourne',
      State: 'VIC',
      Postcode: '3000',
      Country: 'Australia',
      Type: 'Billing',
      DefaultForType: true,
    },
  ],
});

describe('mapCustomer', () => {
  it('maps every default field, in normal form, with hashes of every field', () => {
    const r = mapCustomer(acme, parseMapping({}));
    expect(r.skipped).toEqual([]);
    expect(r.isCompany).toBe(true);
    expect(r.business).toBeNull();
    expect(r.contacts).toHaveLength(1);
    const c = r.contacts[0]!;
    expect(c.cin7CustomerId).toBe(gid('c', 1));
    expect(c.cin7ContactId).toBe(gid('p', 1));
    expect(c.fields).toEqual({
      firstName: 'Mary',
      lastName: 'Ann Smith',
      email: 'mary.smith@acme.example',
      phone: '+61355501123',
      address1: '12 Collins Street',
      city: 'Melbourne',
      state: 'VIC',
      postalCode: '3000',
      country: 'AU',
      companyName: 'Acme Pty Ltd',
      website: 'https://acme.example',
    });
    expect(c.createOnly).toEqual({ dnd: true });
    expect(c.cin7Only).toEqual({ dnd: true });
    expect(c.cin7Tags).toEqual([]);
    expect(c.identity).toEqual({ email: 'mary.smith@acme.example', phone: '+61355501123' });
    expect(c.warnings).toEqual([]);
    const expectedHashes = Object.fromEntries(
      Object.entries({ ...c.fields, dnd: true }).map(([k, v]) => [k, sha(v)]),
    );
    expect(c.hashes).toEqual(expectedHashes);
  });

  it('hashValue follows the documented rule (empty ≡ null, lists as JSON)', () => {
    const values = ['jane@example.com', '', null, 42, true, ['a', 'b'], []];
    for (const v of values) expect(hashValue(v as never)).toBe(sha(v));
    expect(hashValue('')).toBe(hashValue(null));
    expect(hashValue([])).toBe(hashValue(null));
  });

  it('Cin7 Tags become prefixed, lower-cased GHL tags when the tag mapping is on', () => {
    const c = mapCustomer(acme, parseMapping({ tags: { enabled: true, prefix: 'cin7:' } })).contacts[0]!;
    expect(c.cin7Tags).toEqual(['cin7:vip', 'cin7:trade']);
  });

  it('custom fields from AdditionalAttributeN, and the id once resolved', () => {
    const m = parseMapping(
      { fields: { 'customField:account_manager': { from: 'customer.AdditionalAttribute3', id: 'cf1' } } },
      { customFields: true },
    );
    const c = mapCustomer(acme, m).contacts[0]!;
    expect(c.fields['customField:account_manager']).toBe('Dana Whitfield');
    expect(c.customFieldIds).toEqual({ account_manager: 'cf1' });
  });

  it('reads phones in the address country, or the default region when asked', () => {
    const noAddressRegion = parseMapping({ defaults: { phoneRegionFromAddress: false, phoneRegion: 'US' } });
    const c = customer({
      n: 2,
      Name: 'Kiwi Ltd',
      Contacts: [{ Name: 'Tui Bird', Phone: '021 555 1234', Default: true }],
      Addresses: [{ Line1: '1 Queen St', Country: 'New Zealand' }],
    });
    expect(mapCustomer(c, parseMapping({})).contacts[0]?.fields.phone).toBe('+64215551234');
    // Read as a US number, the NZ mobile becomes a (wrong) US number: why the address country is used.
    expect(mapCustomer(c, noAddressRegion).contacts[0]?.fields.phone).toBe('+10215551234');
  });

  it('an unknown country name is left out with a warning', () => {
    const c = customer({
      n: 3,
      Name: 'Far Away',
      Contacts: [{ Name: 'Far Away', Email: 'far@away.example', Default: true }],
      Addresses: [{ Line1: '1 Nowhere', Country: 'Atlantis' }],
    });
    const m = mapCustomer(c, parseMapping({})).contacts[0]!;
    expect(m.fields.country).toBeNull();
    expect(m.warnings).toEqual(['country: unknown country "Atlantis" left out']);
  });

  it('consent: opt-in gives dnd false on create, unknown gives nothing', () => {
    const make = (n: number, consent: number) =>
      customer({
        n,
        Name: `P ${n}`,
        Contacts: [{ Name: `P ${n}`, Email: `p${n}@x.example`, MarketingConsent: consent }],
      });
    expect(mapCustomer(make(4, 2), parseMapping({})).contacts[0]?.createOnly).toEqual({ dnd: false });
    expect(mapCustomer(make(5, 1), parseMapping({})).contacts[0]?.createOnly).toEqual({ dnd: null });
  });
});
