/**
 * Loading the mapping: the documented defaults, a file named by `sync.mappingFile` relative to the
 * config file, and malformed files — each refused with an error naming the key, the bad value and
 * the fix.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../../src/config/load.js';
import { ConfigErrors } from '../../../src/errors/index.js';
import { loadMapping, parseMapping } from '../../../src/sync/mapping/index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'g1-mapping-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `cin7-ghl.sandbox.yaml` (+ the mapping file) in its own folder and loads the mapping. */
function load(mappingYaml: string | null, sync: Record<string, unknown> = {}) {
  const folder = mkdtempSync(path.join(dir, 'case-'));
  const lines = ['sync:'];
  if (mappingYaml !== null) {
    writeFileSync(path.join(folder, 'mapping.yaml'), mappingYaml);
    lines.push('  mappingFile: mapping.yaml');
  }
  for (const [k, v] of Object.entries(sync)) lines.push(`  ${k}: ${JSON.stringify(v)}`);
  writeFileSync(path.join(folder, 'cin7-ghl.sandbox.yaml'), lines.length > 1 ? lines.join('\n') : '');
  const config = loadConfig({
    cwd: path.join(dir),
    configPath: path.join(folder, 'cin7-ghl.sandbox.yaml'),
    environment: {},
  });
  return loadMapping(config);
}

function issuesOf(fn: () => unknown): Array<{ key: string; message: string; hint: string }> {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigErrors);
    return (e as ConfigErrors).issues.map((i) => ({ key: i.key, message: i.message, hint: i.hint ?? '' }));
  }
  throw new Error('expected ConfigErrors');
}

describe('loadMapping', () => {
  it('gives the documented defaults when no mapping file is configured', () => {
    const m = load(null);
    expect(m.source).toBeNull();
    expect(m.contacts).toEqual({ select: 'default', includeDeprecated: false, onInvalid: 'skip' });
    expect(m.defaults).toEqual({ phoneRegion: 'US', phoneRegionFromAddress: true, address: 'billing' });
    expect(m.company).toEqual({ detect: 'either' });
    expect(m.business).toEqual({ enabled: false });
    expect(m.tags).toEqual({ enabled: false, prefix: 'cin7:', direction: 'cin7_to_ghl' });
    const summary = m.fields.map((f) => [
      f.name,
      f.from.map((s) => s.path).join('|'),
      f.transform,
      f.direction,
      f.owner,
      f.createOnly,
    ]);
    expect(summary).toEqual([
      ['firstName', 'contact.Name', 'firstName', 'cin7_to_ghl', 'cin7', false],
      ['lastName', 'contact.Name', 'lastName', 'cin7_to_ghl', 'cin7', false],
      ['email', 'contact.Email', 'email', 'cin7_to_ghl', 'cin7', false],
      ['phone', 'contact.Phone|contact.MobilePhone', 'phone', 'cin7_to_ghl', 'cin7', false],
      ['address1', 'address.Line1', 'text', 'cin7_to_ghl', 'cin7', false],
      ['city', 'address.City', 'text', 'cin7_to_ghl', 'cin7', false],
      ['state', 'address.State', 'text', 'cin7_to_ghl', 'cin7', false],
      ['postalCode', 'address.Postcode', 'text', 'cin7_to_ghl', 'cin7', false],
      ['country', 'address.Country', 'country', 'cin7_to_ghl', 'cin7', false],
      ['companyName', 'customer.CompanyName', 'text', 'cin7_to_ghl', 'cin7', false],
      ['website', 'contact.Website', 'text', 'cin7_to_ghl', 'cin7', false],
      ['dnd', 'contact.MarketingConsent', 'consentToDnd', 'ghl_to_cin7', 'ghl', true],
    ]);
  });

  it('reads the file relative to the config file, merging entries over the defaults', () => {
    const m = load(
      [
        'contacts: { select: all, onInvalid: dropField }',
        'defaults: { phoneRegion: au, address: shipping }',
        'company: { detect: isLegalEntity }',
        'tags: { enabled: true, prefix: "Cin7-" }',
        'fields:',
        '  phone: { from: contact.MobilePhone }',
        '  website: false',
        '  customField:contact.account_manager: { from: customer.AdditionalAttribute3, direction: both }',
        '  customField:lifetime_spend: { from: customer.AdditionalAttribute5, transform: number, id: abc123 }',
      ].join('\n'),
      { customFields: true, businesses: true },
    );
    expect(m.source).toMatch(/mapping\.yaml$/);
    expect(m.contacts.select).toBe('all');
    expect(m.contacts.onInvalid).toBe('dropField');
    expect(m.defaults.phoneRegion).toBe('AU');
    expect(m.defaults.address).toBe('shipping');
    expect(m.company.detect).toBe('isLegalEntity');
    expect(m.business.enabled).toBe(true);
    expect(m.tags).toEqual({ enabled: true, prefix: 'cin7-', direction: 'cin7_to_ghl' });
    const phone = m.fields.find((f) => f.name === 'phone')!;
    expect(phone.from.map((s) => s.path)).toEqual(['contact.MobilePhone']);
    expect(phone.transform).toBe('phone');
    expect(m.fields.some((f) => f.name === 'website')).toBe(false);
    const manager = m.fields.find((f) => f.name === 'customField:account_manager')!;
    expect(manager).toMatchObject({
      direction: 'both',
      owner: 'cin7',
      transform: 'text',
      customField: { key: 'account_manager', id: null },
    });
    const spend = m.fields.find((f) => f.name === 'customField:lifetime_spend')!;
    expect(spend).toMatchObject({
      transform: 'number',
      customField: { key: 'lifetime_spend', id: 'abc123' },
    });
  });

  it('examples/mapping.yaml loads, and is the documented defaults plus the Cin7 tag mapping', () => {
    const text = readFileSync(path.resolve(import.meta.dirname, '../../../examples/mapping.yaml'), 'utf8');
    const m = parseMapping(parse(text), { source: 'examples/mapping.yaml' });
    const defaults = parseMapping({});
    expect(m.fields).toEqual(defaults.fields);
    expect({ ...m, source: null, tags: defaults.tags }).toEqual(defaults);
    expect(m.tags).toEqual({ enabled: true, prefix: 'cin7:', direction: 'cin7_to_ghl' });
  });

  it('parseMapping with nothing gives the same defaults as loadMapping without a file', () => {
    expect(parseMapping(undefined)).toEqual(load(null));
  });
});

describe('malformed mapping files: each refused naming the key, the bad value and the fix', () => {
  const CASES: Array<{
    name: string;
    yaml: string;
    sync?: Record<string, unknown>;
    key: string;
    message: RegExp;
    hint: RegExp;
  }> = [
    {
      name: 'a misspelt top-level key',
      yaml: 'feilds:\n  phone: { from: contact.Phone }',
      key: 'feilds',
      message: /unknown key/,
      hint: /version, contacts, defaults, company, business, tags, fields/,
    },
    {
      name: 'an unknown selection mode',
      yaml: 'contacts:\n  select: every',
      key: 'contacts.select',
      message: /"every": not one of the allowed values/,
      hint: /default, all/,
    },
    {
      name: 'a Cin7 value that does not exist',
      yaml: 'fields:\n  phone: { from: contact.Mobile }',
      key: 'fields.phone.from',
      message: /"contact.Mobile": not a Cin7 value/,
      hint: /contact\.MobilePhone/,
    },
    {
      name: 'a transform the field cannot take',
      yaml: 'fields:\n  email: { from: contact.Email, transform: phone }',
      key: 'fields.email.transform',
      message: /"phone": not a transform the GHL field email can take/,
      hint: /use one of email/,
    },
    {
      name: 'a GHL field the product does not write',
      yaml: 'fields:\n  fax: { from: contact.Fax }',
      key: 'fields.fax',
      message: /not a GHL contact field/,
      hint: /customField:<key>/,
    },
    {
      name: 'an unknown phone region',
      yaml: 'defaults:\n  phoneRegion: XX',
      key: 'defaults.phoneRegion',
      message: /"XX": not a region/,
      hint: /ISO 3166-1 alpha-2/,
    },
    {
      name: 'an owner contradicting the direction',
      yaml: 'fields:\n  city: { from: address.City, direction: ghl_to_cin7, owner: cin7 }',
      key: 'fields.city.owner',
      message: /"cin7": a field that flows only GHL → Cin7 is owned by GHL/,
      hint: /owner: ghl/,
    },
    {
      name: 'a custom field while custom fields are off',
      yaml: 'fields:\n  customField:industry: { from: customer.AdditionalAttribute4 }',
      key: 'fields.customField:industry',
      message: /custom fields are switched off/,
      hint: /sync\.customFields: true/,
    },
    {
      name: 'an empty tag prefix',
      yaml: 'tags:\n  enabled: true\n  prefix: ""',
      key: 'tags.prefix',
      message: /non-empty/,
      hint: /cin7:/,
    },
    {
      name: 'writing back to a read-only Cin7 value',
      yaml: 'fields:\n  companyName: { direction: both }',
      key: 'fields.companyName.direction',
      message: /GHL cannot write back to customer\.CompanyName/,
      hint: /cin7_to_ghl/,
    },
    {
      name: 'a boolean written as text',
      yaml: 'contacts:\n  includeDeprecated: "yes"',
      key: 'contacts.includeDeprecated',
      message: /"yes": must be true or false/,
      hint: /without quotes/,
    },
    {
      name: 'two fields writing back to one Cin7 value',
      yaml: 'fields:\n  city: { from: address.City, direction: both }\n  state: { from: address.City, direction: both }',
      key: 'fields.state.direction',
      message: /city and state would both write back to address\.City/,
      hint: /only one of them/,
    },
    {
      name: 'broken YAML',
      yaml: 'fields:\n  phone: { from: contact.Phone\n',
      key: '(YAML line 3, column 1)',
      message: /must be sufficiently indented and end with a \}/,
      hint: /fix the YAML syntax/,
    },
  ];

  it.each(CASES)('$name', ({ yaml, sync, key, message, hint }) => {
    const issues = issuesOf(() => load(yaml, sync));
    const issue = issues.find((i) => i.key === key);
    expect(issue, `issues: ${JSON.stringify(issues)}`).toBeDefined();
    expect(issue!.message.startsWith(`${key}: `)).toBe(true);
    expect(issue!.message).toMatch(message);
    expect(issue!.hint).toMatch(hint);
  });

  it('reports every problem of a file at once, and the file it came from', () => {
    try {
      load(
        'contacts: { select: every }\nfields:\n  phone: { from: contact.Mobile }\n  fax: { from: contact.Fax }',
      );
      throw new Error('expected ConfigErrors');
    } catch (e) {
      const err = e as ConfigErrors;
      expect(err.issues.map((i) => i.key).sort()).toEqual([
        'contacts.select',
        'fields.fax',
        'fields.phone.from',
      ]);
      expect(err.message).toMatch(/Invalid configuration in .*mapping\.yaml/);
    }
  });

  it('a missing mapping file names sync.mappingFile', () => {
    const folder = mkdtempSync(path.join(dir, 'missing-'));
    writeFileSync(path.join(folder, 'cin7-ghl.sandbox.yaml'), 'sync:\n  mappingFile: nowhere.yaml\n');
    const config = loadConfig({ configPath: path.join(folder, 'cin7-ghl.sandbox.yaml'), environment: {} });
    const issues = issuesOf(() => loadMapping(config));
    expect(issues[0]?.key).toBe('sync.mappingFile');
    expect(issues[0]?.message).toMatch(/nowhere\.yaml.*does not exist/);
  });
});
