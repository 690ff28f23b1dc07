/**
 * The mapping file's GHL → Cin7 sections: `profile` (what of GHL is written to the Cin7 customer:
 * the notes-and-tasks summary, the GHL contact id and link, the business name, the lifecycle stage)
 * and `createCustomers` (Cin7 customers made from new GHL contacts; off by default). Validated like
 * the rest of the file: every problem names its key, the bad value and the fix.
 */
import type { Validator } from './validator.js';
import { isObject } from './validator.js';
import type { CreateCustomersMapping, FieldSpec, ProfileMapping, ProfileValueName } from './types.js';

/** Cin7 customer fields the profile may be written to, with the length Cin7 accepts. */
export const PROFILE_FIELD_LIMITS: Readonly<Record<string, number>> = {
  Comments: 2000,
  ...Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`AdditionalAttribute${i + 1}`, 256])),
};

/** Where a link to the GHL contact points; `{locationId}` and `{contactId}` are filled in. */
export const DEFAULT_LINK_TEMPLATE =
  'https://app.gohighlevel.com/v2/location/{locationId}/contacts/detail/{contactId}';

/** Required Cin7 fields a new customer gets from `createCustomers.defaults` (or `/me`), and optional ones. */
export const CREATE_DEFAULT_KEYS = [
  'Currency',
  'PaymentTerm',
  'AccountReceivable',
  'RevenueAccount',
  'TaxRule',
  'PriceTier',
  'Location',
  'Carrier',
  'SalesRepresentative',
] as const;

const PROFILE_VALUES: readonly ProfileValueName[] = ['ghlContactId', 'ghlLink', 'business', 'lifecycleStage'];
const MIN_SUMMARY = 100;

/** The documented defaults: the summary into `Comments` (keeping what users wrote above it). */
export function defaultProfile(): ProfileMapping {
  return {
    enabled: true,
    summary: {
      field: 'Comments',
      maxLength: PROFILE_FIELD_LIMITS.Comments as number,
      keepExisting: true,
      notes: true,
      tasks: 'open',
      itemLength: 200,
    },
    values: { ghlContactId: null, ghlLink: null, business: null, lifecycleStage: null },
    linkTemplate: DEFAULT_LINK_TEMPLATE,
  };
}

/** A Cin7 field name as written (`Comments`, `customer.AdditionalAttribute3`), or null when unknown. */
function profileField(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const bare = value.trim().replace(/^customer\./i, '');
  return Object.keys(PROFILE_FIELD_LIMITS).find((f) => f.toLowerCase() === bare.toLowerCase()) ?? null;
}

const FIELD_FIX = `use Comments or AdditionalAttribute1 … AdditionalAttribute10 (or false to leave it out)`;

/**
 * Reads `profile:`; `fields` is the validated field list (a profile field must not also be a
 * mapping source, or the product would send its own summary back to GHL).
 *
 * @example
 * const profile = readProfile(root.profile, v, fields); // { enabled, summary, values, linkTemplate }
 */
export function readProfile(raw: unknown, v: Validator, fields: readonly FieldSpec[]): ProfileMapping {
  const out = defaultProfile();
  if (raw === undefined || raw === null) return checkTargets(out, v, fields);
  if (raw === false) return { ...out, enabled: false };
  if (!isObject(raw)) {
    v.fail(
      'profile',
      raw,
      'must be a mapping of keys to values (or false)',
      'write e.g. `profile: { summary: { field: Comments } }`',
    );
    return out;
  }
  v.keys(raw, 'profile', ['enabled', 'summary', 'linkTemplate', ...PROFILE_VALUES]);
  out.enabled = v.bool(raw, 'profile.enabled', true);

  const s = raw.summary;
  if (s === false) out.summary.field = null;
  else if (s !== undefined && s !== null) {
    if (!isObject(s)) {
      v.fail(
        'profile.summary',
        s,
        'must be a mapping of keys to values (or false)',
        'write e.g. `summary: { field: Comments }`',
      );
    } else {
      v.keys(s, 'profile.summary', ['field', 'maxLength', 'keepExisting', 'notes', 'tasks', 'itemLength']);
      if (s.field === false || s.field === null) out.summary.field = null;
      else if (s.field !== undefined) {
        const f = profileField(s.field);
        if (f) out.summary.field = f;
        else
          v.fail(
            'profile.summary.field',
            s.field,
            'not a Cin7 customer field the summary can go to',
            FIELD_FIX,
          );
      }
      const limit = out.summary.field ? (PROFILE_FIELD_LIMITS[out.summary.field] as number) : 2000;
      out.summary.maxLength = limit;
      if (s.maxLength !== undefined) {
        const n = s.maxLength;
        if (typeof n === 'number' && Number.isInteger(n) && n >= MIN_SUMMARY && n <= limit)
          out.summary.maxLength = n;
        else
          v.fail(
            'profile.summary.maxLength',
            n,
            `must be a whole number from ${MIN_SUMMARY} to ${limit} (what ${out.summary.field ?? 'the field'} holds)`,
            `leave it out to use ${limit}`,
          );
      }
      out.summary.keepExisting = v.bool(s, 'profile.summary.keepExisting', true);
      out.summary.notes = v.bool(s, 'profile.summary.notes', true);
      out.summary.tasks = v.oneOf(s, 'profile.summary.tasks', ['open', 'all', 'none'] as const, 'open');
      if (s.itemLength !== undefined) {
        const n = s.itemLength;
        if (typeof n === 'number' && Number.isInteger(n) && n >= 20 && n <= 2000) out.summary.itemLength = n;
        else
          v.fail(
            'profile.summary.itemLength',
            n,
            'must be a whole number from 20 to 2000',
            'leave it out for 200',
          );
      }
    }
  }

  for (const name of PROFILE_VALUES) {
    const value = raw[name];
    if (value === undefined || value === null || value === false) continue;
    const f = profileField(value);
    if (f) out.values[name] = f;
    else v.fail(`profile.${name}`, value, 'not a Cin7 customer field this value can go to', FIELD_FIX);
  }

  if (raw.linkTemplate !== undefined) {
    const t = raw.linkTemplate;
    if (typeof t === 'string' && /^https?:\/\/\S+$/.test(t.trim()) && t.includes('{contactId}'))
      out.linkTemplate = t.trim();
    else
      v.fail(
        'profile.linkTemplate',
        t,
        'must be an http(s) URL containing {contactId}',
        `write e.g. "${DEFAULT_LINK_TEMPLATE}"`,
      );
  }
  return checkTargets(out, v, fields);
}

/** Each target once, and none that a mapped field reads (its summary would flow back to GHL). */
function checkTargets(p: ProfileMapping, v: Validator, fields: readonly FieldSpec[]): ProfileMapping {
  const targets: Array<[string, string]> = [];
  if (p.summary.field) targets.push(['profile.summary.field', p.summary.field]);
  for (const name of PROFILE_VALUES) {
    const f = p.values[name];
    if (f) targets.push([`profile.${name}`, f]);
  }
  const seen = new Map<string, string>();
  for (const [key, field] of targets) {
    const other = seen.get(field);
    if (other) {
      v.fail(key, field, `${other} already writes ${field}`, 'give each profile value its own Cin7 field');
      continue;
    }
    seen.set(field, key);
    const reader = fields.find((f) => f.from.some((s) => s.scope === 'customer' && s.field === field));
    if (reader && p.enabled) {
      v.fail(
        key,
        field,
        `fields.${reader.name} reads customer.${field}, so the profile written there would be sent back to GHL`,
        'choose another Cin7 field for the profile, or map that GHL field from another source',
      );
    }
  }
  return p;
}

/**
 * Reads `createCustomers:` (off by default). When on, `AccountReceivable` and `RevenueAccount` must
 * be given (Cin7 has no default for them); Currency and TaxRule default to `/me`, PaymentTerm to the
 * tenant's default term.
 *
 * @example
 * readCreateCustomers({ enabled: true, defaults: { AccountReceivable: '610', RevenueAccount: '200' } }, v);
 */
export function readCreateCustomers(raw: unknown, v: Validator): CreateCustomersMapping {
  const out: CreateCustomersMapping = { enabled: false, defaults: {} };
  if (raw === undefined || raw === null) return out;
  if (!isObject(raw)) {
    v.fail(
      'createCustomers',
      raw,
      'must be a mapping of keys to values',
      'write e.g. `createCustomers: { enabled: true, defaults: { … } }`',
    );
    return out;
  }
  v.keys(raw, 'createCustomers', ['enabled', 'defaults']);
  out.enabled = v.bool(raw, 'createCustomers.enabled', false);
  const d = raw.defaults;
  if (d !== undefined && d !== null) {
    if (!isObject(d)) {
      v.fail(
        'createCustomers.defaults',
        d,
        'must be a mapping of Cin7 field names to values',
        'write e.g. `defaults: { AccountReceivable: "610" }`',
      );
    } else {
      v.keys(d, 'createCustomers.defaults', CREATE_DEFAULT_KEYS);
      for (const key of CREATE_DEFAULT_KEYS) {
        const value = d[key];
        if (value === undefined || value === null) continue;
        if ((typeof value === 'string' && value.trim() !== '') || typeof value === 'number')
          out.defaults[key] = String(value).trim();
        else
          v.fail(
            `createCustomers.defaults.${key}`,
            value,
            'must be a non-empty text',
            `write the ${key} exactly as Cin7 names it (see \`cin7-ghl ops call cin7.ref.*\`)`,
          );
      }
    }
  }
  if (out.enabled) {
    for (const key of ['AccountReceivable', 'RevenueAccount'] as const) {
      if (!out.defaults[key])
        v.fail(
          `createCustomers.defaults.${key}`,
          undefined,
          'is required to create Cin7 customers (Cin7 has no default for it)',
          `give the account code, e.g. ${key === 'AccountReceivable' ? '"610"' : '"200"'} (see \`cin7-ghl ops call cin7.ref.accounts\`)`,
        );
    }
  }
  return out;
}
