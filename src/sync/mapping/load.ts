/**
 * Reads and validates the mapping file (`sync.mappingFile`, relative to the config file). Every
 * problem is collected and thrown together as `ConfigErrors`, each naming its key (the path inside
 * the mapping file), the bad value and the fix.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import type { Config } from '../../config/load.js';
import { ConfigError, ConfigErrors } from '../../errors/index.js';
import { DEFAULT_FIELDS, DEFAULT_PHONE_REGION, DEFAULT_TAG_PREFIX, type RawFieldEntry } from './defaults.js';
import { readCreateCustomers, readProfile } from './ghl-to-cin7.js';
import { normalizeTag } from './normalize.js';
import { isPhoneRegion } from './phone.js';
import { isWritableSource, parseSource, sourcePaths } from './sources.js';
import { Validator, isObject } from './validator.js';
import { CUSTOM_FIELD_TRANSFORMS, GHL_FIELDS } from './transforms.js';
import type {
  AddressChoice,
  CompanyDetection,
  ContactSelection,
  Direction,
  FieldSpec,
  MappingConfig,
  Owner,
  SourceRef,
  TransformName,
} from './types.js';

/** Switches from the main config that the mapping depends on. */
export interface MappingOptions {
  /** The file the raw value came from (for messages); null for built-in defaults. */
  source?: string | null;
  /** `sync.businesses`: the default of `business.enabled`. */
  businesses?: boolean;
  /** `sync.customFields`: custom field entries need it on. */
  customFields?: boolean;
}

/**
 * The mapping of `config`: `sync.mappingFile` (relative to the config file's directory) when set,
 * else the documented defaults.
 *
 * @example
 * const mapping = loadMapping(config);
 * const { contacts, skipped } = mapCustomer(customer, mapping);
 */
export function loadMapping(config: Config): MappingConfig {
  const options = { businesses: config.sync.businesses, customFields: config.sync.customFields };
  const file = config.sync.mappingFile;
  if (!file) return parseMapping({}, { ...options, source: null });
  const filePath = path.resolve(config.configDir, file);
  if (!existsSync(filePath)) {
    throw new ConfigErrors(config.configFile ?? filePath, [
      new ConfigError(
        'sync.mappingFile',
        `"${file}": file ${filePath} does not exist`,
        'give a path relative to the config file, or remove the key to use the default mapping',
      ),
    ]);
  }
  return parseMapping(readYaml(filePath), { ...options, source: filePath });
}

/**
 * Validates a mapping already parsed from YAML (an object, or null/undefined for all defaults).
 *
 * @example
 * const mapping = parseMapping({ contacts: { select: 'all' } }, { source: 'inline' });
 */
export function parseMapping(raw: unknown, options: MappingOptions = {}): MappingConfig {
  const source = options.source ?? null;
  const where = source ?? '(default mapping)';
  const issues: ConfigError[] = [];
  const root = raw === null || raw === undefined ? {} : raw;
  if (!isObject(root)) {
    throw new ConfigErrors(where, [
      new ConfigError(
        '(top level)',
        'the file is not a mapping of keys to values',
        'start it with keys such as `contacts:` and `fields:`',
      ),
    ]);
  }
  const v = new Validator(issues);
  v.keys(root, '', [
    'version',
    'contacts',
    'defaults',
    'company',
    'business',
    'tags',
    'fields',
    'profile',
    'createCustomers',
  ]);
  if (root.version !== undefined && root.version !== 1) {
    v.fail('version', root.version, 'unsupported version', 'set it to 1 (or leave it out)');
  }

  const contacts = v.object(root, 'contacts');
  v.keys(contacts, 'contacts', ['select', 'includeDeprecated', 'onInvalid']);
  const defaults = v.object(root, 'defaults');
  v.keys(defaults, 'defaults', ['phoneRegion', 'phoneRegionFromAddress', 'address']);
  const company = v.object(root, 'company');
  v.keys(company, 'company', ['detect']);
  const business = v.object(root, 'business');
  v.keys(business, 'business', ['enabled']);
  const tags = v.object(root, 'tags');
  v.keys(tags, 'tags', ['enabled', 'prefix', 'direction']);

  let phoneRegion = DEFAULT_PHONE_REGION;
  if (defaults.phoneRegion !== undefined) {
    const region = typeof defaults.phoneRegion === 'string' ? defaults.phoneRegion.trim().toUpperCase() : '';
    if (isPhoneRegion(region)) phoneRegion = region;
    else
      v.fail(
        'defaults.phoneRegion',
        defaults.phoneRegion,
        'not a region phone numbers can be read in',
        'set an ISO 3166-1 alpha-2 code such as US, AU, GB or NZ',
      );
  }

  let prefix = DEFAULT_TAG_PREFIX;
  if (tags.prefix !== undefined) {
    const p = typeof tags.prefix === 'string' ? normalizeTag(tags.prefix) : null;
    if (p === null || p.includes(','))
      v.fail(
        'tags.prefix',
        tags.prefix,
        'must be a non-empty text without commas, so the tags Cin7 owns are recognisable',
        'set it to e.g. "cin7:"',
      );
    else prefix = p;
  }

  const fields = readFields(root.fields, v, options);
  const config: MappingConfig = {
    source,
    contacts: {
      select: v.oneOf<ContactSelection>(contacts, 'contacts.select', ['default', 'all'], 'default'),
      includeDeprecated: v.bool(contacts, 'contacts.includeDeprecated', false),
      onInvalid: v.oneOf(contacts, 'contacts.onInvalid', ['skip', 'dropField'] as const, 'skip'),
    },
    defaults: {
      phoneRegion,
      phoneRegionFromAddress: v.bool(defaults, 'defaults.phoneRegionFromAddress', true),
      address: v.oneOf<AddressChoice>(
        defaults,
        'defaults.address',
        ['billing', 'shipping', 'business', 'first'],
        'billing',
      ),
    },
    company: {
      detect: v.oneOf<CompanyDetection>(
        company,
        'company.detect',
        ['either', 'isLegalEntity', 'nameDiffers'],
        'either',
      ),
    },
    business: { enabled: v.bool(business, 'business.enabled', options.businesses ?? false) },
    tags: {
      enabled: v.bool(tags, 'tags.enabled', false),
      prefix,
      direction: v.oneOf(tags, 'tags.direction', ['cin7_to_ghl', 'both'] as const, 'cin7_to_ghl'),
    },
    fields,
    profile: readProfile(root.profile, v, fields),
    createCustomers: readCreateCustomers(root.createCustomers, v),
  };
  if (issues.length > 0) throw new ConfigErrors(where, issues);
  return config;
}

function readFields(value: unknown, v: Validator, options: MappingOptions): FieldSpec[] {
  const given: Record<string, unknown> = {};
  if (value !== undefined && value !== null) {
    if (!isObject(value)) {
      v.fail(
        'fields',
        value,
        'must be a mapping of GHL field names to entries',
        'write e.g. `fields: { phone: { from: contact.MobilePhone } }`',
      );
    } else Object.assign(given, value);
  }
  const names = [...Object.keys(DEFAULT_FIELDS), ...Object.keys(given).filter((k) => !(k in DEFAULT_FIELDS))];
  const out: FieldSpec[] = [];
  for (const name of names) {
    const key = `fields.${name}`;
    const entry = name in given ? given[name] : DEFAULT_FIELDS[name];
    if (entry === false || entry === null) continue;
    const isCustom = name.startsWith('customField:');
    if (!isCustom && !(name in GHL_FIELDS)) {
      v.fail(
        key,
        undefined,
        'not a GHL contact field this product writes',
        `use one of ${Object.keys(GHL_FIELDS).join(', ')}, or customField:<key>`,
      );
      continue;
    }
    if (!isObject(entry)) {
      v.fail(
        key,
        entry,
        'must be an entry such as { from: contact.Email }, or false to leave the field out',
        'write `{ from: <source> }` or `false`',
      );
      continue;
    }
    v.keys(entry, key, [
      'from',
      'transform',
      'direction',
      'owner',
      'createOnly',
      ...(isCustom ? ['id'] : []),
    ]);
    const merged: RawFieldEntry = { ...(DEFAULT_FIELDS[name] ?? {}), ...(entry as RawFieldEntry) };
    const spec = readField(name, key, merged, isCustom, v, options);
    if (spec) out.push(spec);
  }
  checkWriteBacks(out, v);
  return out;
}

function readField(
  name: string,
  key: string,
  entry: RawFieldEntry,
  isCustom: boolean,
  v: Validator,
  options: MappingOptions,
): FieldSpec | null {
  let customField: FieldSpec['customField'];
  if (isCustom) {
    const fieldKey = name.slice('customField:'.length).replace(/^contact\./, '');
    if (!/^[A-Za-z0-9_]+$/.test(fieldKey)) {
      v.fail(
        key,
        undefined,
        'the custom field key must be letters, digits and _',
        'write it as in GHL, e.g. customField:customer_code (or customField:contact.customer_code)',
      );
      return null;
    }
    if (options.customFields !== true) {
      v.fail(
        key,
        undefined,
        'custom fields are switched off',
        'set sync.customFields: true in the config file, or remove this entry',
      );
      return null;
    }
    if (entry.id !== undefined && (typeof entry.id !== 'string' || entry.id.trim() === '')) {
      v.fail(
        `${key}.id`,
        entry.id,
        'must be the GHL custom field id',
        'copy the id from `cin7-ghl ops call ghl.customFields.list`, or leave it out to find it by key',
      );
      return null;
    }
    customField = { key: fieldKey, id: typeof entry.id === 'string' ? entry.id.trim() : null };
  }

  const fromList = entry.from === undefined ? [] : Array.isArray(entry.from) ? entry.from : [entry.from];
  if (fromList.length === 0) {
    v.fail(
      `${key}.from`,
      entry.from,
      'missing',
      `name the Cin7 value, e.g. from: contact.Email (one of ${sourcePaths().join(', ')})`,
    );
    return null;
  }
  const from: SourceRef[] = [];
  for (const [i, p] of fromList.entries()) {
    const ref = typeof p === 'string' ? parseSource(p) : null;
    const at = Array.isArray(entry.from) ? `${key}.from[${i}]` : `${key}.from`;
    if (!ref) {
      v.fail(at, p, 'not a Cin7 value this product reads', `use one of ${sourcePaths().join(', ')}`);
      return null;
    }
    from.push(ref);
  }

  const allowed = isCustom ? CUSTOM_FIELD_TRANSFORMS : (GHL_FIELDS[name] as readonly TransformName[]);
  let transform = allowed[0] as TransformName;
  if (entry.transform !== undefined) {
    if (typeof entry.transform === 'string' && (allowed as readonly string[]).includes(entry.transform)) {
      transform = entry.transform as TransformName;
    } else {
      v.fail(
        `${key}.transform`,
        entry.transform,
        `not a transform the GHL field ${name} can take`,
        `use one of ${allowed.join(', ')} (or leave it out for ${allowed[0]})`,
      );
      return null;
    }
  }

  const createOnly = entry.createOnly ?? false;
  if (typeof createOnly !== 'boolean') {
    v.fail(
      `${key}.createOnly`,
      createOnly,
      'must be true or false',
      'write createOnly: true to write the value only when the GHL contact is created',
    );
    return null;
  }
  const direction = entry.direction ?? 'cin7_to_ghl';
  if (!['cin7_to_ghl', 'ghl_to_cin7', 'both'].includes(String(direction))) {
    v.fail(`${key}.direction`, direction, 'unknown direction', 'use cin7_to_ghl, ghl_to_cin7 or both');
    return null;
  }
  const owner = entry.owner ?? (createOnly || direction === 'ghl_to_cin7' ? 'ghl' : 'cin7');
  if (owner !== 'cin7' && owner !== 'ghl') {
    v.fail(`${key}.owner`, owner, 'unknown owner', 'use cin7 or ghl');
    return null;
  }
  if (direction === 'cin7_to_ghl' && owner === 'ghl' && !createOnly) {
    v.fail(
      `${key}.owner`,
      owner,
      'a field that flows only Cin7 → GHL is owned by Cin7',
      'set owner: cin7, or direction: both / ghl_to_cin7, or createOnly: true',
    );
    return null;
  }
  if (direction === 'ghl_to_cin7' && owner === 'cin7') {
    v.fail(
      `${key}.owner`,
      owner,
      'a field that flows only GHL → Cin7 is owned by GHL',
      'set owner: ghl, or direction: both / cin7_to_ghl',
    );
    return null;
  }
  if (createOnly && owner !== 'ghl') {
    v.fail(
      `${key}.owner`,
      owner,
      'a create-only field is owned by GHL after the contact is created',
      'set owner: ghl (or remove createOnly)',
    );
    return null;
  }
  if (direction !== 'cin7_to_ghl') {
    const ro = from.find((f) => !isWritableSource(f));
    if (ro) {
      v.fail(
        `${key}.direction`,
        direction,
        `GHL cannot write back to ${ro.path}`,
        `use direction: cin7_to_ghl for this field, or read it from a writable Cin7 value`,
      );
      return null;
    }
  }
  return {
    name: isCustom && customField ? `customField:${customField.key}` : name,
    from,
    transform,
    direction: direction as Direction,
    owner: owner as Owner,
    createOnly,
    ...(customField ? { customField } : {}),
  };
}

/** Two fields writing back to one Cin7 value would fight (first/last name halves of one Name excepted). */
function checkWriteBacks(fields: FieldSpec[], v: Validator): void {
  const writers = new Map<string, FieldSpec[]>();
  for (const f of fields) {
    if (f.direction === 'cin7_to_ghl') continue;
    const target = f.from[0] as SourceRef;
    writers.set(target.path, [...(writers.get(target.path) ?? []), f]);
  }
  for (const [target, list] of writers) {
    if (list.length < 2) continue;
    const halves =
      list.length === 2 &&
      new Set(list.map((f) => f.transform)).size === 2 &&
      list.every((f) => f.transform === 'firstName' || f.transform === 'lastName');
    if (halves) continue;
    v.fail(
      `fields.${(list[1] as FieldSpec).name}.direction`,
      (list[1] as FieldSpec).direction,
      `${list.map((f) => f.name).join(' and ')} would both write back to ${target}`,
      'let only one of them flow GHL → Cin7 (direction: cin7_to_ghl on the others)',
    );
  }
}

function readYaml(filePath: string): unknown {
  const doc = parseDocument(readFileSync(filePath, 'utf8'), { prettyErrors: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const where = first.linePos?.[0]
      ? `line ${first.linePos[0].line}, column ${first.linePos[0].col}`
      : 'unknown position';
    throw new ConfigErrors(filePath, [
      new ConfigError(
        `(YAML ${where})`,
        first.message.split('\n')[0] ?? 'syntax error',
        'fix the YAML syntax at that line',
      ),
    ]);
  }
  return doc.toJS();
}
