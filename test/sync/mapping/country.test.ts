/**
 * Country names ↔ ISO-2 codes, both ways, written by hand (the transform table in transforms.test.ts
 * covers the common names; this covers codes, aliases and what is not a country).
 */
import { describe, expect, it } from 'vitest';
import { countryToIso, isoToCountryName } from '../../../src/sync/mapping/index.js';

describe('countryToIso', () => {
  it.each([
    ['Australia', 'AU'],
    ['  australia ', 'AU'],
    ['AU', 'AU'],
    ['nz', 'NZ'],
    ['U.K.', 'GB'],
    ['Scotland', 'GB'],
    ['Deutschland', null],
    ['Germany', 'DE'],
    ['UAE', 'AE'],
    ['Viet Nam', 'VN'],
    ['South Korea', 'KR'],
    ['Turkey', 'TR'],
    ['Türkiye', 'TR'],
    ['Myanmar', 'MM'],
    ['Congo - Kinshasa', 'CD'],
    ['Saint Lucia', 'LC'],
    ['Trinidad & Tobago', 'TT'],
    ['XX', null],
    ['ZZ', null],
    ['EU', null],
    ['', null],
    [null, null],
  ] as const)('%j → %s', (name, code) => {
    expect(countryToIso(name)).toBe(code);
  });
});

describe('isoToCountryName', () => {
  it.each([
    ['US', 'United States'],
    ['gb', 'United Kingdom'],
    ['AU', 'Australia'],
    ['NZ', 'New Zealand'],
    ['CA', 'Canada'],
    ['MO', 'Macao'],
    ['CD', 'Democratic Republic of the Congo'],
    ['XX', null],
    ['', null],
  ] as const)('%s → %s', (code, name) => {
    expect(isoToCountryName(code)).toBe(name);
  });

  it('every name it gives reads back as the same code', () => {
    for (const code of [
      'US',
      'GB',
      'AU',
      'NZ',
      'CA',
      'HK',
      'MO',
      'PS',
      'CG',
      'CD',
      'MM',
      'CI',
      'TR',
      'CZ',
      'UY',
      'ZA',
      'IN',
    ]) {
      expect(countryToIso(isoToCountryName(code)), code).toBe(code);
    }
  });
});
