import { parsePhoneNumberFromString } from 'libphonenumber-js/min';

/**
 * Request validation shaped like GHL's (NestJS + class-validator with `forbidNonWhitelisted`):
 * every problem becomes one string of the 422 `message` array, in class-validator's wording, and a
 * property the DTO does not declare is refused ("property x should not exist").
 */
export type Rule =
  | {
      kind: 'string';
      required?: boolean;
      nullable?: boolean;
      notEmpty?: boolean;
      email?: boolean;
      phone?: boolean;
      isoDate?: boolean;
      enum?: readonly string[];
      maxLength?: number;
      pattern?: { re: RegExp; message: string };
    }
  | { kind: 'boolean'; required?: boolean }
  | { kind: 'number'; required?: boolean; min?: number; max?: number; integer?: boolean }
  | { kind: 'stringArray'; required?: boolean; itemMaxLength?: number; maxItems?: number }
  | { kind: 'array'; required?: boolean; check?: (value: unknown[], name: string) => string[] }
  | {
      kind: 'object';
      required?: boolean;
      nullable?: boolean;
      check?: (value: Record<string, unknown>, name: string) => string[];
    }
  | {
      kind: 'any';
      required?: boolean;
      nullable?: boolean;
      check?: (value: unknown, name: string) => string[];
    };

export type Dto = Record<string, Rule>;

export type Json = Record<string, unknown>;

/** Validates `body` against `dto`; returns the class-validator style messages (empty when valid). */
export function validateDto(body: Json, dto: Dto, prefix = ''): string[] {
  const errors: string[] = [];
  for (const key of Object.keys(body)) {
    if (!(key in dto)) errors.push(`property ${prefix}${key} should not exist`);
  }
  for (const [key, rule] of Object.entries(dto)) {
    errors.push(...checkRule(body[key], rule, `${prefix}${key}`, key in body));
  }
  return errors;
}

function checkRule(value: unknown, rule: Rule, name: string, present: boolean): string[] {
  if (!present || value === undefined) {
    if (!rule.required) return [];
    return missing(rule, name);
  }
  if (value === null) {
    if ('nullable' in rule && rule.nullable) return [];
    if (!rule.required) return [];
    return missing(rule, name);
  }
  switch (rule.kind) {
    case 'string':
      return checkString(value, rule, name);
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${name} must be a boolean value`];
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value))
        return [`${name} must be a number conforming to the specified constraints`];
      const out: string[] = [];
      if (rule.integer && !Number.isInteger(value)) out.push(`${name} must be an integer number`);
      if (rule.min !== undefined && value < rule.min) out.push(`${name} must not be less than ${rule.min}`);
      if (rule.max !== undefined && value > rule.max)
        out.push(`${name} must not be greater than ${rule.max}`);
      return out;
    }
    case 'stringArray': {
      if (!Array.isArray(value)) return [`${name} must be an array`];
      const out: string[] = [];
      if (value.some((v) => typeof v !== 'string')) out.push(`each value in ${name} must be a string`);
      if (
        rule.itemMaxLength !== undefined &&
        value.some((v) => typeof v === 'string' && v.length > rule.itemMaxLength!)
      )
        out.push(`each value in ${name} must be shorter than or equal to ${rule.itemMaxLength} characters`);
      if (rule.maxItems !== undefined && value.length > rule.maxItems)
        out.push(`${name} must contain no more than ${rule.maxItems} elements`);
      return out;
    }
    case 'array':
      if (!Array.isArray(value)) return [`${name} must be an array`];
      return rule.check ? rule.check(value, name) : [];
    case 'object':
      if (typeof value !== 'object' || Array.isArray(value)) return [`${name} must be an object`];
      return rule.check ? rule.check(value as Record<string, unknown>, name) : [];
    case 'any':
      return rule.check ? rule.check(value, name) : [];
  }
}

function missing(rule: Rule, name: string): string[] {
  switch (rule.kind) {
    case 'string':
      return [`${name} should not be empty`, `${name} must be a string`];
    case 'boolean':
      return [`${name} should not be empty`, `${name} must be a boolean value`];
    case 'number':
      return [
        `${name} should not be empty`,
        `${name} must be a number conforming to the specified constraints`,
      ];
    case 'stringArray':
    case 'array':
      return [`${name} should not be empty`, `${name} must be an array`];
    case 'object':
      return [`${name} should not be empty`, `${name} must be an object`];
    case 'any':
      return [`${name} should not be empty`];
  }
}

function checkString(value: unknown, rule: Extract<Rule, { kind: 'string' }>, name: string): string[] {
  if (typeof value !== 'string') return [`${name} must be a string`];
  const out: string[] = [];
  if ((rule.notEmpty || rule.required) && value.trim() === '') out.push(`${name} should not be empty`);
  if (value === '') return out;
  if (rule.maxLength !== undefined && value.length > rule.maxLength)
    out.push(`${name} must be shorter than or equal to ${rule.maxLength} characters`);
  if (rule.email && !isEmail(value)) out.push(`${name} must be an email`);
  if (rule.phone && normalizePhone(value) === null) out.push(`${name} must be a valid phone number`);
  if (rule.isoDate && !isIsoDate(value)) out.push(`${name} must be a valid ISO 8601 date string`);
  if (rule.enum && !rule.enum.includes(value))
    out.push(`${name} must be one of the following values: ${rule.enum.join(', ')}`);
  if (rule.pattern && !rule.pattern.re.test(value)) out.push(`${name} ${rule.pattern.message}`);
  return out;
}

// The shape class-validator's isEmail accepts in practice: local@domain.tld, no spaces.
const EMAIL_RE =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,}$/;

export function isEmail(value: string): boolean {
  return value.length <= 254 && EMAIL_RE.test(value) && !value.includes('..');
}

const ISO_RE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

export function isIsoDate(value: string): boolean {
  return ISO_RE.test(value) && !Number.isNaN(Date.parse(value));
}

/**
 * A phone as GHL stores it (E.164), or null when it cannot be a phone number. Numbers without a
 * country code are read as numbers of the location's country (US).
 *
 * @example
 * normalizePhone('+1 888-888-8888'); // '+18888888888'
 */
export function normalizePhone(value: string, defaultCountry: 'US' = 'US'): string | null {
  const parsed = parsePhoneNumberFromString(value, defaultCountry);
  if (!parsed?.isPossible()) return null;
  return parsed.number;
}

const DOB_FORMATS: { re: RegExp; order: 'ymd' | 'mdy' }[] = [
  { re: /^(\d{4})[-/._](\d{2})[-/._](\d{2})$/, order: 'ymd' },
  { re: /^(\d{2})[-/._](\d{2})[-/._](\d{4})$/, order: 'mdy' },
];

/**
 * A date of birth in one of the formats the spec lists (YYYY/MM/DD, MM/DD/YYYY, YYYY-MM-DD,
 * MM-DD-YYYY, YYYY.MM.DD, MM.DD.YYYY, YYYY_MM_DD, MM_DD_YYYY) or ISO, as an ISO date-time at
 * midnight UTC; null when it is none of them.
 */
export function parseDateOfBirth(value: string): string | null {
  for (const f of DOB_FORMATS) {
    const m = f.re.exec(value);
    if (!m) continue;
    const [y, mo, d] =
      f.order === 'ymd'
        ? [Number(m[1]), Number(m[2]), Number(m[3])]
        : [Number(m[3]), Number(m[1]), Number(m[2])];
    const t = Date.UTC(y, mo - 1, d);
    const back = new Date(t);
    if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
    return back.toISOString();
  }
  if (isIsoDate(value)) {
    const t = new Date(value);
    return new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate())).toISOString();
  }
  return null;
}
