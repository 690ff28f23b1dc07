/**
 * Every transform, table-driven with hand-written expectations: Cin7 → GHL (`forward`), a GHL value
 * read back (`fromGhl`, which must give the same normal form), and GHL → Cin7 (`reverse`).
 */
import { describe, expect, it } from 'vitest';
import { forward, fromGhl, reverse } from '../../../src/sync/mapping/transforms.js';
import type { FieldValue, TransformName } from '../../../src/sync/mapping/types.js';

const us = { phoneRegion: 'US' };

type Row = [TransformName, unknown, { value: FieldValue } | { invalid: string } | { warning: string }];

const FORWARD: Row[] = [
  ['text', '  Acme   Pty  Ltd ', { value: 'Acme Pty Ltd' }],
  ['text', '', { value: null }],
  ['text', '   ', { value: null }],
  ['text', null, { value: null }],
  ['text', 2000, { value: '2000' }],
  ['firstName', 'Mary Ann Smith', { value: 'Mary' }],
  ['lastName', 'Mary Ann Smith', { value: 'Ann Smith' }],
  ['firstName', '  Cher ', { value: 'Cher' }],
  ['lastName', 'Cher', { value: null }],
  ['lastName', 'Jo   Bloggs', { value: 'Bloggs' }],
  ['email', ' Jane.Doe@Example.COM ', { value: 'jane.doe@example.com' }],
  ['email', 'jane@', { invalid: 'jane@' }],
  ['email', 'jane at example.com', { invalid: 'jane at example.com' }],
  ['email', 'jane@@example.com', { invalid: 'jane@@example.com' }],
  ['email', '', { value: null }],
  ['phone', '(212) 555-0100', { value: '+12125550100' }],
  ['phone', '+1 415 555 0123', { value: '+14155550123' }],
  ['phone', '212.555.0100', { value: '+12125550100' }],
  ['phone', 'n/a', { invalid: 'n/a' }],
  ['phone', '12345', { invalid: '12345' }],
  ['phone', '+1 555', { invalid: '+1 555' }],
  ['phone', null, { value: null }],
  ['country', 'United States', { value: 'US' }],
  ['country', 'United States of America', { value: 'US' }],
  ['country', 'USA', { value: 'US' }],
  ['country', 'U.S.A.', { value: 'US' }],
  ['country', 'us', { value: 'US' }],
  ['country', 'United Kingdom', { value: 'GB' }],
  ['country', 'UK', { value: 'GB' }],
  ['country', 'Great Britain', { value: 'GB' }],
  ['country', 'England', { value: 'GB' }],
  ['country', 'Australia', { value: 'AU' }],
  ['country', 'new zealand', { value: 'NZ' }],
  ['country', 'Canada', { value: 'CA' }],
  ['country', 'Uruguay', { value: 'UY' }],
  ['country', 'Côte d’Ivoire', { value: 'CI' }],
  ['country', 'Ivory Coast', { value: 'CI' }],
  ['country', 'Czech Republic', { value: 'CZ' }],
  ['country', 'Hong Kong', { value: 'HK' }],
  ['country', 'St Lucia', { value: 'LC' }],
  ['country', 'The Netherlands', { value: 'NL' }],
  ['country', 'Atlantis', { warning: 'unknown country "Atlantis" left out' }],
  ['country', '', { value: null }],
  ['consentToDnd', 3, { value: true }],
  ['consentToDnd', 2, { value: false }],
  ['consentToDnd', 1, { value: null }],
  ['consentToDnd', null, { value: null }],
  ['consentToDnd', '3', { value: true }],
  ['number', '1,250.50', { value: 1250.5 }],
  ['number', 42, { value: 42 }],
  ['number', '', { value: null }],
  ['number', 'lots', { warning: '"lots" is not a number, left out' }],
  ['list', 'wholesale, VIP ,,wholesale', { value: ['VIP', 'wholesale'] }],
  ['list', '', { value: null }],
];

describe('forward (Cin7 → GHL)', () => {
  it.each(FORWARD)('%s(%j)', (transform, raw, expected) => {
    const out = forward(transform, raw, us);
    if ('warning' in expected) expect(out).toEqual({ value: null, warning: expected.warning });
    else expect(out).toEqual(expected);
  });

  it('reads phones without a country code in the given region, and keeps a given country code', () => {
    expect(forward('phone', '03 5550 1123', { phoneRegion: 'AU' })).toEqual({ value: '+61355501123' });
    expect(forward('phone', '0491 570 006', { phoneRegion: 'AU' })).toEqual({ value: '+61491570006' });
    expect(forward('phone', '020 7946 0018', { phoneRegion: 'GB' })).toEqual({ value: '+442079460018' });
    expect(forward('phone', '021 555 1234', { phoneRegion: 'NZ' })).toEqual({ value: '+64215551234' });
    expect(forward('phone', '+1 415 555 0100', { phoneRegion: 'AU' })).toEqual({ value: '+14155550100' });
  });
});

/** Values as the GHL sandbox stores them (NOTES: E.164 phones, upper-case 2-letter countries). */
const FROM_GHL: Array<[TransformName, unknown, FieldValue]> = [
  ['text', 'Acme Pty Ltd', 'Acme Pty Ltd'],
  ['text', undefined, null],
  ['text', '', null],
  ['firstName', 'Mary', 'Mary'],
  ['lastName', 'Ann Smith', 'Ann Smith'],
  ['email', 'Jane.Doe@example.com', 'jane.doe@example.com'],
  ['phone', '+12125550100', '+12125550100'],
  ['country', 'US', 'US'],
  ['country', 'gb', 'GB'],
  ['consentToDnd', true, true],
  ['consentToDnd', false, false],
  ['consentToDnd', undefined, null],
  ['number', 1250.5, 1250.5],
  ['number', '42', 42],
  ['list', ['wholesale', 'VIP'], ['VIP', 'wholesale']],
  ['list', 'b,a', ['a', 'b']],
];

describe('fromGhl (a GHL value read back)', () => {
  it.each(FROM_GHL)('%s(%j)', (transform, raw, expected) => {
    expect(fromGhl(transform, raw, us)).toEqual(expected);
  });

  it('gives back exactly what forward gave, for every valid forward row', () => {
    for (const [transform, raw, expected] of FORWARD) {
      if (!('value' in expected) || expected.value === null) continue;
      const written = expected.value;
      expect(fromGhl(transform, written, us), `${transform}(${JSON.stringify(raw)})`).toEqual(written);
    }
  });
});

describe('reverse (GHL → Cin7)', () => {
  const REVERSE: Array<[TransformName, FieldValue, unknown]> = [
    ['country', 'US', 'United States'],
    ['country', 'GB', 'United Kingdom'],
    ['country', 'NZ', 'New Zealand'],
    ['country', 'HK', 'Hong Kong'],
    ['country', null, null],
    ['consentToDnd', true, 3],
    ['consentToDnd', false, 2],
    ['consentToDnd', null, undefined],
    ['list', ['VIP', 'wholesale'], 'VIP,wholesale'],
    ['email', 'jane@example.com', 'jane@example.com'],
    ['phone', '+12125550100', '+12125550100'],
    ['text', 'Acme', 'Acme'],
    ['number', 12.5, 12.5],
  ];
  it.each(REVERSE)('%s(%j)', (transform, value, expected) => {
    expect(reverse(transform, value)).toEqual(expected);
  });
});
