/**
 * Loading tag rules: the file named by `sync.tagRulesFile`, no rules when unset, and malformed
 * rules — unknown field, bad operator, bad value or type, bad template … — each refused with an
 * error naming the key, the rule and the fix.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../../src/config/load.js';
import { ConfigErrors } from '../../../src/errors/index.js';
import {
  COUNTED_STATUSES,
  DEFAULT_LIFECYCLE,
  loadTagRules,
  parseTagRules,
} from '../../../src/sync/rules/index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'g1-rules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function loadFile(yaml: string | null, configExtra = '') {
  const folder = mkdtempSync(path.join(dir, 'case-'));
  let config = configExtra;
  if (yaml !== null) {
    writeFileSync(path.join(folder, 'rules.yaml'), yaml);
    config = `sync:\n  tagRulesFile: rules.yaml\n${configExtra}`;
  }
  writeFileSync(path.join(folder, 'cin7-ghl.sandbox.yaml'), config);
  return loadTagRules(
    loadConfig({ configPath: path.join(folder, 'cin7-ghl.sandbox.yaml'), environment: {} }),
  );
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

describe('loadTagRules', () => {
  it('no file configured: no rules, nothing owned, documented defaults, the config time zone', () => {
    const r = loadFile(null, 'timeZone: Australia/Sydney\n');
    expect(r).toEqual({
      source: null,
      rules: [],
      owned: { tags: [], prefixes: [] },
      lifecycle: { newWithinDays: 90, repeatMinOrders: 2, lapsedAfterDays: 180, churnedAfterDays: 365 },
      currency: null,
      countedStatuses: [...COUNTED_STATUSES],
      timeZone: 'Australia/Sydney',
    });
    expect(DEFAULT_LIFECYCLE).toEqual(r.lifecycle);
  });

  it('reads a file relative to the config file', () => {
    const r = loadFile(
      [
        'timeZone: UTC',
        'lifecycle: { newWithinDays: 30, repeatMinOrders: 3 }',
        'currency: { base: usd, rates: { aud: 0.66 } }',
        'orders: { countStatuses: [completed, INVOICED] }',
        'owns: { tags: [Old-Tag], prefixes: ["Segment:"] }',
        'rules:',
        '  - name: vip',
        '    tag: VIP',
        '    when: { lifetimeSpend: { gte: 5000 } }',
        '  - tag: "lifecycle:{stage}"',
      ].join('\n'),
    );
    expect(r.source).toMatch(/rules\.yaml$/);
    expect(r.rules.map((x) => x.name)).toEqual(['vip', 'lifecycle:{stage}']);
    expect(r.lifecycle).toEqual({
      newWithinDays: 30,
      repeatMinOrders: 3,
      lapsedAfterDays: 180,
      churnedAfterDays: 365,
    });
    expect(r.currency).toEqual({ base: 'USD', rates: { AUD: 0.66 } });
    expect(r.countedStatuses).toEqual(['COMPLETED', 'INVOICED']);
    expect(r.owned).toEqual({ tags: ['old-tag', 'vip'], prefixes: ['segment:', 'lifecycle:'] });
  });
});

describe('examples/tag-rules.yaml', () => {
  it('loads: 8 rules, their ownership and the extra owned tags', () => {
    const text = readFileSync(path.resolve(import.meta.dirname, '../../../examples/tag-rules.yaml'), 'utf8');
    const r = parseTagRules(parse(text), { source: 'examples/tag-rules.yaml' });
    expect(r.rules.map((x) => x.name)).toEqual([
      'vip',
      'lifecycle',
      'wholesale',
      'win back',
      'recent buyer',
      'b2b',
      'region',
      'one and done',
    ]);
    expect(r.owned.prefixes.sort()).toEqual(['lifecycle:', 'region:', 'segment:']);
    expect(r.owned.tags).toContain('old-segment');
    expect(r.countedStatuses).toEqual([...COUNTED_STATUSES]);
  });
});

describe('malformed rules: each refused, naming the key, the rule and the fix', () => {
  const CASES: Array<{ name: string; rule: unknown; key: string; message: RegExp; hint: RegExp }> = [
    {
      name: 'an unknown field',
      rule: { name: 'vip', tag: 'vip', when: { lifetimeSpnd: { gte: 5000 } } },
      key: 'rules[0].when.lifetimeSpnd',
      message: /rule "vip": unknown field "lifetimeSpnd"/,
      hint: /lifetimeSpend/,
    },
    {
      name: 'an unknown operator',
      rule: { name: 'loyal', tag: 'loyal', when: { orderCount: { gtt: 3 } } },
      key: 'rules[0].when.orderCount.gtt',
      message: /rule "loyal": unknown operator "gtt"/,
      hint: /eq, ne, gt, gte, lt, lte, in, between, exists/,
    },
    {
      name: 'an operator the field type does not take',
      rule: { name: 'tiered', tag: 'tiered', when: { priceTier: { gt: 'Tier 1' } } },
      key: 'rules[0].when.priceTier.gt',
      message: /rule "tiered": gt cannot be used on priceTier, which is text/,
      hint: /eq, ne, in, contains, exists/,
    },
    {
      name: 'a value of the wrong type',
      rule: { name: 'loyal', tag: 'loyal', when: { orderCount: { gte: 'five' } } },
      key: 'rules[0].when.orderCount.gte',
      message: /"five": rule "loyal": the value is not a number/,
      hint: /write a number/,
    },
    {
      name: 'a template naming an unknown field',
      rule: { name: 'stage', tag: 'lifecycle:{stag}' },
      key: 'rules[0].tag',
      message: /rule "stage": unknown field \{stag\} in the tag template/,
      hint: /stage/,
    },
    {
      name: 'a template with no fixed prefix to own',
      rule: { name: 'bare', tag: '{stage}' },
      key: 'rules[0].tag',
      message: /must start with fixed text/,
      hint: /lifecycle:\{stage\}/,
    },
    {
      name: 'an unclosed template field',
      rule: { tag: 'tier:{priceTier' },
      key: 'rules[0].tag',
      message: /a "\{" without its "\}"/,
      hint: /\{stage\}/,
    },
    {
      name: 'between with bounds reversed',
      rule: { name: 'mid', tag: 'mid', when: { lifetimeSpend: { between: [500, 100] } } },
      key: 'rules[0].when.lifetimeSpend.between',
      message: /the low value of between is above the high one/,
      hint: /\[low, high\]/,
    },
    {
      name: 'within_days on a number',
      rule: { name: 'r', tag: 'r', when: { daysSinceLastOrder: { within_days: 30 } } },
      key: 'rules[0].when.daysSinceLastOrder.within_days',
      message: /within_days cannot be used on daysSinceLastOrder, which is a number/,
      hint: /lt, lte/,
    },
    {
      name: 'an unknown lifecycle stage',
      rule: { name: 'gold', tag: 'gold', when: { stage: { eq: 'gold' } } },
      key: 'rules[0].when.stage.eq',
      message: /"gold": rule "gold": the value is not a lifecycle stage/,
      hint: /lead, new, active, repeat, lapsed, churned/,
    },
    {
      name: 'a date that is not a date',
      rule: { name: 'd', tag: 'd', when: { lastOrderDate: { gt: '2024-13-01' } } },
      key: 'rules[0].when.lastOrderDate.gt',
      message: /the value is not a date/,
      hint: /YYYY-MM-DD/,
    },
    {
      name: 'a rule without a tag',
      rule: { name: 'nothing', when: { orderCount: { gte: 1 } } },
      key: 'rules[0].tag',
      message: /rule "nothing": the tag is missing/,
      hint: /tag: vip/,
    },
    {
      name: 'an empty all',
      rule: { name: 'e', tag: 'e', when: { all: [] } },
      key: 'rules[0].when.all',
      message: /all needs a non-empty list/,
      hint: /all: \[/,
    },
    {
      name: 'all mixed with a comparison',
      rule: { name: 'm', tag: 'm', when: { all: [{ orderCount: { gte: 1 } }], priceTier: { eq: 'Retail' } } },
      key: 'rules[0].when',
      message: /"all" cannot share its mapping with other keys \(priceTier\)/,
      hint: /inside the all list/,
    },
    {
      name: 'a misspelt rule key',
      rule: { name: 'w', tag: 'w', wen: { orderCount: { gte: 1 } } },
      key: 'rules[0].wen',
      message: /rule "w": unknown key/,
      hint: /name, tag, when, description/,
    },
  ];

  it.each(CASES)('$name', ({ rule, key, message, hint }) => {
    const issues = issuesOf(() => parseTagRules({ rules: [rule] }, { source: 'rules.yaml' }));
    const issue = issues.find((i) => i.key === key);
    expect(issue, JSON.stringify(issues)).toBeDefined();
    expect(issue!.message.startsWith(`${key}: `)).toBe(true);
    expect(issue!.message).toMatch(message);
    expect(issue!.hint).toMatch(hint);
  });

  it('nested conditions name their full path', () => {
    const issues = issuesOf(() =>
      parseTagRules({
        rules: [
          {
            name: 'deep',
            tag: 'deep',
            when: { any: [{ orderCount: { gte: 1 } }, { not: { tags: { gte: 2 } } }] },
          },
        ],
      }),
    );
    expect(issues.map((i) => i.key)).toEqual(['rules[0].when.any[1].not.tags.gte']);
    expect(issues[0]!.message).toMatch(/gte cannot be used on tags, which is a list/);
  });

  it('duplicate names, bad thresholds, rates and statuses are refused too; all problems at once', () => {
    const issues = issuesOf(() =>
      loadFile(
        [
          'lifecycle: { lapsedAfterDays: 400, churnedAfterDays: 365 }',
          'currency: { base: USD, rates: { AUD: -1 } }',
          'orders: { countStatuses: [SHIPPED] }',
          'rules:',
          '  - { name: a, tag: a }',
          '  - { name: a, tag: b }',
        ].join('\n'),
      ),
    );
    expect(issues.map((i) => i.key).sort()).toEqual(
      ['currency.rates.AUD', 'lifecycle.churnedAfterDays', 'orders.countStatuses', 'rules[1].name'].sort(),
    );
    expect(issues.find((i) => i.key === 'rules[1].name')!.message).toMatch(
      /rule "a": another rule has this name/,
    );
    expect(issues.find((i) => i.key === 'orders.countStatuses')!.message).toMatch(/\["SHIPPED"\]/);
  });

  it('a missing rules file names sync.tagRulesFile', () => {
    const folder = mkdtempSync(path.join(dir, 'missing-'));
    writeFileSync(path.join(folder, 'cin7-ghl.sandbox.yaml'), 'sync:\n  tagRulesFile: gone.yaml\n');
    const config = loadConfig({ configPath: path.join(folder, 'cin7-ghl.sandbox.yaml'), environment: {} });
    const issues = issuesOf(() => loadTagRules(config));
    expect(issues[0]?.key).toBe('sync.tagRulesFile');
    expect(issues[0]?.message).toMatch(/gone\.yaml.*does not exist/);
  });
});
