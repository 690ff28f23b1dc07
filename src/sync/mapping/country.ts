/**
 * Cin7 writes country names ("United States", "USA", "Uruguay"); GHL takes ISO 3166-1 alpha-2
 * codes. The table is built from Node's ICU (`Intl.DisplayNames`, English) over the regions
 * libphonenumber knows, plus the aliases people type. Reverse names are the ICU names, except where
 * ICU's name is not what a Cin7 user writes (e.g. "Hong Kong SAR China").
 */
import { getCountries } from 'libphonenumber-js';

/** Names and abbreviations people write for a country, beyond its English ICU name. */
const ALIASES: Record<string, string> = {
  usa: 'US',
  'u s': 'US',
  'u s a': 'US',
  'united states of america': 'US',
  america: 'US',
  'the united states': 'US',
  uk: 'GB',
  'u k': 'GB',
  'great britain': 'GB',
  britain: 'GB',
  england: 'GB',
  scotland: 'GB',
  wales: 'GB',
  'northern ireland': 'GB',
  'united kingdom of great britain and northern ireland': 'GB',
  gbr: 'GB',
  aus: 'AU',
  nzl: 'NZ',
  'aotearoa new zealand': 'NZ',
  aotearoa: 'NZ',
  can: 'CA',
  irl: 'IE',
  'republic of ireland': 'IE',
  deu: 'DE',
  'federal republic of germany': 'DE',
  fra: 'FR',
  holland: 'NL',
  'the netherlands': 'NL',
  uae: 'AE',
  'u a e': 'AE',
  'hong kong': 'HK',
  macau: 'MO',
  macao: 'MO',
  'ivory coast': 'CI',
  'cote divoire': 'CI',
  burma: 'MM',
  myanmar: 'MM',
  swaziland: 'SZ',
  macedonia: 'MK',
  turkey: 'TR',
  turkiye: 'TR',
  'czech republic': 'CZ',
  'east timor': 'TL',
  'cape verde': 'CV',
  'cabo verde': 'CV',
  vatican: 'VA',
  'holy see': 'VA',
  palestine: 'PS',
  'state of palestine': 'PS',
  'republic of the congo': 'CG',
  'congo brazzaville': 'CG',
  'democratic republic of the congo': 'CD',
  'dr congo': 'CD',
  drc: 'CD',
  'congo kinshasa': 'CD',
  'south korea': 'KR',
  'korea republic of': 'KR',
  'republic of korea': 'KR',
  'north korea': 'KP',
  'viet nam': 'VN',
  'russian federation': 'RU',
  'iran islamic republic of': 'IR',
  bosnia: 'BA',
  prc: 'CN',
  "people's republic of china": 'CN',
  'peoples republic of china': 'CN',
  'republic of china': 'TW',
};

/** Cin7-side names where ICU's English name is not what users write. */
const NAME_OVERRIDES: Record<string, string> = {
  HK: 'Hong Kong',
  MO: 'Macao',
  PS: 'Palestine',
  CG: 'Republic of the Congo',
  CD: 'Democratic Republic of the Congo',
  MM: 'Myanmar',
};

/** A name reduced for lookup: lower case, no accents or punctuation, "&" as "and", "St" as "Saint". */
export function countryKey(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[’'`]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .replace(/^st /, 'saint ')
    .replace(/ st /g, ' saint ')
    .replace(/^the /, '');
}

let tables: { byKey: Map<string, string>; names: Map<string, string> } | null = null;

function build(): { byKey: Map<string, string>; names: Map<string, string> } {
  const display = new Intl.DisplayNames(['en'], { type: 'region' });
  const byKey = new Map<string, string>();
  const names = new Map<string, string>();
  for (const code of getCountries()) {
    const name = display.of(code);
    if (!name || name === code) continue;
    names.set(code, NAME_OVERRIDES[code] ?? name);
    byKey.set(countryKey(name), code);
    // "Myanmar (Burma)", "Congo - Kinshasa": also the part before the bracket or dash.
    const short = name.replace(/\s*\(.*\)\s*$/, '').replace(/\s+-\s+.*$/, '');
    if (short !== name && !byKey.has(countryKey(short))) byKey.set(countryKey(short), code);
  }
  for (const [code, name] of Object.entries(NAME_OVERRIDES)) byKey.set(countryKey(name), code);
  for (const [alias, code] of Object.entries(ALIASES)) byKey.set(countryKey(alias), code);
  return { byKey, names };
}

function lookup(): { byKey: Map<string, string>; names: Map<string, string> } {
  tables ??= build();
  return tables;
}

/**
 * The ISO-2 code of a country name or code; null when it is empty or unknown.
 *
 * @example
 * countryToIso('United States');            // 'US'
 * countryToIso('United States of America'); // 'US'
 * countryToIso('uk');                       // 'GB'
 * countryToIso('nz');                       // 'NZ'
 * countryToIso('Atlantis');                 // null
 */
export function countryToIso(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const text = value.trim();
  if (text === '') return null;
  const { byKey, names } = lookup();
  const key = countryKey(text);
  const alias = byKey.get(key);
  if (alias) return alias;
  if (/^[A-Za-z]{2}$/.test(text) && names.has(text.toUpperCase())) return text.toUpperCase();
  return null;
}

/**
 * The English name Cin7 is given for an ISO-2 code; null when the code is unknown.
 *
 * @example
 * isoToCountryName('GB'); // 'United Kingdom'
 * isoToCountryName('HK'); // 'Hong Kong'
 */
export function isoToCountryName(code: string | null | undefined): string | null {
  if (!code) return null;
  return lookup().names.get(code.trim().toUpperCase()) ?? null;
}

/** True for an ISO-2 code of a country or territory. */
export function isCountryCode(code: string): boolean {
  return lookup().names.has(code.trim().toUpperCase());
}
