/**
 * Phones in E.164, as GHL stores them. Validation is "possible number" (right length for the
 * country), the check GHL applies: fictional ranges such as 555-01xx pass, "n/a" and "12345" do not.
 */
import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js';

/** True for an ISO-2 region libphonenumber can use as a default region. */
export function isPhoneRegion(region: string): boolean {
  return /^[A-Z]{2}$/.test(region) && isSupportedCountry(region);
}

/**
 * A phone number in E.164, read with `region` when it has no country code. Null when empty;
 * `{invalid}` when it cannot be a phone number.
 *
 * @example
 * toE164('(212) 555-0100', 'US'); // { value: '+12125550100' }
 * toE164('03 5550 1123', 'AU');   // { value: '+61355501123' }
 * toE164('+1 415 555 0100', 'AU'); // { value: '+14155550100' } (its own country code wins)
 * toE164('n/a', 'US');            // { invalid: 'n/a' }
 */
export function toE164(value: unknown, region: string): { value: string | null } | { invalid: string } {
  if (value === null || value === undefined) return { value: null };
  const text = String(value).trim();
  if (text === '') return { value: null };
  const defaultRegion = isPhoneRegion(region) ? (region as CountryCode) : undefined;
  try {
    const parsed = parsePhoneNumberFromString(text, defaultRegion);
    if (!parsed?.isPossible()) return { invalid: text };
    return { value: parsed.number };
  } catch {
    return { invalid: text };
  }
}
