/**
 * Reads and validates the tag rules file (`sync.tagRulesFile`, relative to the config file). A bad
 * rule — unknown field, bad operator, a value of the wrong type, a bad template — is refused here,
 * with every problem named by key and rule, and how to fix it.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import type { Config } from '../../config/load.js';
import { ConfigError, ConfigErrors } from '../../errors/index.js';
import { normalizeTag } from '../mapping/index.js';
import { Validator, isObject } from '../mapping/validator.js';
import { COUNTED_STATUSES, DEFAULT_LIFECYCLE } from './aggregates.js';
import { compileCondition } from './condition.js';
import { parseTagTemplate } from './template.js';
import type { CurrencyTable, LifecycleThresholds, TagRule, TagRules } from './types.js';

/** Every sale status Cin7 documents. */
export const SALE_STATUSES = [
  'DRAFT',
  'VOIDED',
  'ESTIMATING',
  'ESTIMATED',
  'ORDERING',
  'ORDERED',
  'BACKORDERED',
  'PICKING',
  'PICKED',
  'PACKING',
  'PACKED',
  'SHIPPING',
  'INVOICING',
  'INVOICED',
  'CREDITED',
  'COMPLETED',
] as const;

export interface TagRulesOptions {
  /** The file the value came from (for messages); null for "no rules". */
  source?: string | null;
  /** Default time zone (config `timeZone`). */
  timeZone?: string;
}

/**
 * The tag rules of `config` (`sync.tagRulesFile`, relative to the config file's directory); no
 * rules (and so no owned tags) when unset.
 *
 * @example
 * const rules = loadTagRules(config);
 * const { tags } = evaluateTags(customer, computeAggregates(sales, now, rules), rules, now);
 */
export function loadTagRules(config: Config): TagRules {
  const options = { timeZone: config.timeZone };
  const file = config.sync.tagRulesFile;
  if (!file) return parseTagRules({}, { ...options, source: null });
  const filePath = path.resolve(config.configDir, file);
  if (!existsSync(filePath)) {
    throw new ConfigErrors(config.configFile ?? filePath, [
      new ConfigError(
        'sync.tagRulesFile',
        `"${file}": file ${filePath} does not exist`,
        'give a path relative to the config file, or remove the key to run without tag rules',
      ),
    ]);
  }
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
  return parseTagRules(doc.toJS(), { ...options, source: filePath });
}

/**
 * Validates tag rules already parsed from YAML.
 *
 * @example
 * const rules = parseTagRules({ rules: [{ tag: 'vip', when: { lifetimeSpend: { gte: 5000 } } }] });
 */
export function parseTagRules(raw: unknown, options: TagRulesOptions = {}): TagRules {
  const source = options.source ?? null;
  const where = source ?? '(tag rules)';
  const root = raw === null || raw === undefined ? {} : raw;
  if (!isObject(root)) {
    throw new ConfigErrors(where, [
      new ConfigError('(top level)', 'the file is not a mapping of keys to values', 'start it with `rules:`'),
    ]);
  }
  const issues: ConfigError[] = [];
  const v = new Validator(issues);
  v.keys(root, '', ['version', 'timeZone', 'lifecycle', 'currency', 'orders', 'owns', 'rules']);
  if (root.version !== undefined && root.version !== 1) {
    v.fail('version', root.version, 'unsupported version', 'set it to 1 (or leave it out)');
  }
  let timeZone = options.timeZone ?? 'UTC';
  if (root.timeZone !== undefined) {
    if (typeof root.timeZone === 'string' && isTimeZone(root.timeZone)) timeZone = root.timeZone;
    else v.fail('timeZone', root.timeZone, 'not an IANA time zone', 'write e.g. UTC or Australia/Sydney');
  }
  const lifecycle = readLifecycle(v.object(root, 'lifecycle'), v);
  const currency = readCurrency(root.currency, v);
  const orders = v.object(root, 'orders');
  v.keys(orders, 'orders', ['countStatuses']);
  let countedStatuses = [...COUNTED_STATUSES];
  if (orders.countStatuses !== undefined) {
    const list = orders.countStatuses;
    const bad = Array.isArray(list)
      ? list.filter(
          (s) => typeof s !== 'string' || !(SALE_STATUSES as readonly string[]).includes(s.toUpperCase()),
        )
      : [list];
    if (!Array.isArray(list) || list.length === 0 || bad.length > 0) {
      v.fail(
        'orders.countStatuses',
        bad.length > 0 && Array.isArray(list) ? bad : list,
        'must be a non-empty list of Cin7 sale statuses',
        `use statuses from ${SALE_STATUSES.join(', ')}`,
      );
    } else countedStatuses = (list as string[]).map((s) => s.toUpperCase());
  }

  const owns = v.object(root, 'owns');
  v.keys(owns, 'owns', ['tags', 'prefixes']);
  const ownedTags = stringList(owns.tags, 'owns.tags', v, 'write e.g. `tags: [vip, lapsed]`');
  const ownedPrefixes = stringList(owns.prefixes, 'owns.prefixes', v, 'write e.g. `prefixes: ["segment:"]`');

  const rules: TagRule[] = [];
  if (root.rules !== undefined && root.rules !== null) {
    if (!Array.isArray(root.rules)) {
      v.fail('rules', root.rules, 'must be a list of rules', 'write `rules:` followed by `- tag: …` items');
    } else {
      const names = new Set<string>();
      root.rules.forEach((item, i) => {
        const rule = readRule(item, i, v);
        if (!rule) return;
        if (names.has(rule.name)) {
          v.fail(
            `rules[${i}].name`,
            rule.name,
            `rule "${rule.name}": another rule has this name`,
            'give every rule its own name',
          );
          return;
        }
        names.add(rule.name);
        rules.push(rule);
      });
    }
  }
  if (issues.length > 0) throw new ConfigErrors(where, issues);

  const tags = new Set<string>(ownedTags);
  const prefixes = new Set<string>(ownedPrefixes);
  for (const r of rules) (r.tag.isTemplate ? prefixes : tags).add(r.tag.prefix);
  return {
    source,
    rules,
    owned: { tags: [...tags], prefixes: [...prefixes] },
    lifecycle,
    currency,
    countedStatuses,
    timeZone,
  };
}

function readRule(item: unknown, i: number, v: Validator): TagRule | null {
  const at = `rules[${i}]`;
  if (!isObject(item)) {
    v.fail(
      at,
      item,
      'a rule must be a mapping with at least `tag`',
      'write `- name: vip` / `  tag: vip` / `  when: { … }`',
    );
    return null;
  }
  const label =
    typeof item.name === 'string' && item.name.trim()
      ? item.name.trim()
      : typeof item.tag === 'string'
        ? item.tag.trim()
        : `#${i + 1}`;
  for (const k of Object.keys(item)) {
    if (!['name', 'tag', 'when', 'description'].includes(k)) {
      v.fail(
        `${at}.${k}`,
        undefined,
        `rule "${label}": unknown key`,
        'remove it or use one of: name, tag, when, description',
      );
      return null;
    }
  }
  if (item.name !== undefined && (typeof item.name !== 'string' || item.name.trim() === '')) {
    v.fail(
      `${at}.name`,
      item.name,
      `rule "${label}": the name must be text`,
      'write e.g. `name: big spenders`',
    );
    return null;
  }
  if (typeof item.tag !== 'string') {
    v.fail(
      `${at}.tag`,
      item.tag,
      `rule "${label}": the tag is missing or not text`,
      'write e.g. `tag: vip` or `tag: "lifecycle:{stage}"`',
    );
    return null;
  }
  const tag = parseTagTemplate(item.tag);
  if ('problem' in tag) {
    v.fail(`${at}.tag`, item.tag, `rule "${label}": ${tag.problem}`, tag.fix);
    return null;
  }
  let when = null;
  if (item.when !== undefined && item.when !== null) {
    when = compileCondition(item.when, { key: `${at}.when`, rule: label }, v);
    if (!when) return null;
  }
  return { name: label, tag, when };
}

function readLifecycle(obj: Record<string, unknown>, v: Validator): LifecycleThresholds {
  v.keys(obj, 'lifecycle', Object.keys(DEFAULT_LIFECYCLE));
  const out = { ...DEFAULT_LIFECYCLE };
  for (const key of Object.keys(DEFAULT_LIFECYCLE) as (keyof LifecycleThresholds)[]) {
    const value = obj[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      v.fail(
        `lifecycle.${key}`,
        value,
        'must be a whole number ≥ 1',
        `write e.g. ${key}: ${DEFAULT_LIFECYCLE[key]}`,
      );
      continue;
    }
    out[key] = value;
  }
  if (out.lapsedAfterDays >= out.churnedAfterDays) {
    v.fail(
      'lifecycle.churnedAfterDays',
      out.churnedAfterDays,
      `must be above lapsedAfterDays (${out.lapsedAfterDays})`,
      'a customer lapses before it churns',
    );
  }
  if (out.newWithinDays > out.lapsedAfterDays) {
    v.fail(
      'lifecycle.newWithinDays',
      out.newWithinDays,
      `must not be above lapsedAfterDays (${out.lapsedAfterDays})`,
      'a new customer cannot already be lapsed',
    );
  }
  return out;
}

function readCurrency(value: unknown, v: Validator): CurrencyTable | null {
  if (value === undefined || value === null) return null;
  if (!isObject(value)) {
    v.fail(
      'currency',
      value,
      'must be a mapping with base and rates',
      'write `currency: { base: USD, rates: { AUD: 0.66 } }`',
    );
    return null;
  }
  v.keys(value, 'currency', ['base', 'rates']);
  const base = typeof value.base === 'string' ? value.base.trim().toUpperCase() : '';
  if (!/^[A-Z]{3}$/.test(base)) {
    v.fail('currency.base', value.base, 'must be a 3-letter currency code', 'write e.g. base: USD');
    return null;
  }
  const rates: Record<string, number> = {};
  if (!isObject(value.rates)) {
    v.fail(
      'currency.rates',
      value.rates,
      'must map currency codes to the value of one unit in the base currency',
      'write e.g. rates: { AUD: 0.66, GBP: 1.27 }',
    );
    return null;
  }
  for (const [code, rate] of Object.entries(value.rates)) {
    if (!/^[A-Za-z]{3}$/.test(code) || typeof rate !== 'number' || !(rate > 0)) {
      v.fail(
        `currency.rates.${code}`,
        rate,
        'must be a 3-letter code with a positive number',
        `write e.g. ${code.toUpperCase()}: 0.66 (the value of 1 ${code.toUpperCase()} in ${base})`,
      );
      continue;
    }
    rates[code.toUpperCase()] = rate;
  }
  return { base, rates };
}

function stringList(value: unknown, key: string, v: Validator, fix: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    v.fail(key, value, 'must be a list', fix);
    return [];
  }
  const out: string[] = [];
  for (const item of value) {
    const t = typeof item === 'string' ? normalizeTag(item) : null;
    if (t === null) {
      v.fail(key, item, 'every entry must be non-empty text', fix);
      continue;
    }
    out.push(t);
  }
  return out;
}

function isTimeZone(v: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: v });
    return true;
  } catch {
    return false;
  }
}
