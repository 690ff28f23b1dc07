/**
 * Rule conditions: `all`, `any`, `not` over comparisons `{<field>: {<operator>: <value>}}`.
 * Compiled once at load (every field, operator and value checked against the field's type) and
 * evaluated with the facts that decided the outcome, for `rules test` to show why.
 */
import { isObject, type Validator } from '../mapping/validator.js';
import { type FactValue, type Facts, RULE_FIELDS, ruleField } from './fields.js';
import {
  type ComparisonValue,
  type Condition,
  type FieldType,
  LIFECYCLE_STAGES,
  type Operator,
} from './types.js';

/** Operators each field type accepts. */
export const OPERATORS: Record<FieldType, readonly Operator[]> = {
  text: ['eq', 'ne', 'in', 'contains', 'exists'],
  number: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'between', 'exists'],
  boolean: ['eq', 'ne', 'exists'],
  date: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'between', 'within_days', 'exists'],
  list: ['contains', 'in', 'exists'],
  stage: ['eq', 'ne', 'in', 'exists'],
};

const ALL_OPERATORS: readonly Operator[] = [
  'eq',
  'ne',
  'gt',
  'gte',
  'lt',
  'lte',
  'in',
  'contains',
  'exists',
  'between',
  'within_days',
];

const TYPE_WORDS: Record<FieldType, string> = {
  text: 'text',
  number: 'a number',
  boolean: 'true/false',
  date: 'a date',
  list: 'a list',
  stage: 'a lifecycle stage',
};

/** Where a condition sits, for messages: the key path and the rule's name. */
interface At {
  key: string;
  rule: string;
}

/**
 * Validates a raw condition. Returns null (with issues recorded) when it is malformed.
 *
 * @example
 * compileCondition({ all: [{ orderCount: { gte: 3 } }, { priceTier: { in: ['Wholesale'] } }] }, at, v);
 */
export function compileCondition(raw: unknown, at: At, v: Validator): Condition | null {
  const fail = (key: string, value: unknown, problem: string, fix: string): null => {
    v.fail(key, value, `rule "${at.rule}": ${problem}`, fix);
    return null;
  };
  if (!isObject(raw)) {
    return fail(
      at.key,
      raw,
      'a condition must be a mapping',
      'write e.g. `when: { orderCount: { gte: 3 } }`',
    );
  }
  const keys = Object.keys(raw);
  if (keys.length === 0) {
    return fail(
      at.key,
      raw,
      'the condition is empty',
      'give a comparison such as `{ orderCount: { gte: 1 } }`, or leave `when` out',
    );
  }
  const logical = keys.filter((k) => k === 'all' || k === 'any' || k === 'not');
  if (logical.length > 0) {
    if (keys.length > 1) {
      return fail(
        at.key,
        undefined,
        `"${logical[0]}" cannot share its mapping with other keys (${keys.filter((k) => k !== logical[0]).join(', ')})`,
        `put the other comparisons inside the ${logical[0]} list`,
      );
    }
    const k = logical[0] as 'all' | 'any' | 'not';
    if (k === 'not') {
      const item = compileCondition(raw.not, { key: `${at.key}.not`, rule: at.rule }, v);
      return item ? { kind: 'not', item } : null;
    }
    const list = raw[k];
    if (!Array.isArray(list) || list.length === 0) {
      return fail(
        `${at.key}.${k}`,
        list,
        `${k} needs a non-empty list of conditions`,
        `write \`${k}: [ { … }, { … } ]\``,
      );
    }
    const items = list.map((item, i) =>
      compileCondition(item, { key: `${at.key}.${k}[${i}]`, rule: at.rule }, v),
    );
    if (items.some((i) => i === null)) return null;
    return { kind: k, items: items as Condition[] };
  }
  const compares: Condition[] = [];
  let ok = true;
  for (const name of keys) {
    const key = `${at.key}.${name}`;
    const found = ruleField(name);
    if (!found) {
      fail(
        key,
        undefined,
        `unknown field "${name}"`,
        `use one of ${Object.keys(RULE_FIELDS).join(', ')} (or all/any/not)`,
      );
      ok = false;
      continue;
    }
    const ops = raw[name];
    if (!isObject(ops) || Object.keys(ops).length === 0) {
      fail(
        key,
        ops,
        'a comparison must map an operator to a value',
        `write e.g. \`${name}: { ${OPERATORS[found.field.type][0]}: … }\``,
      );
      ok = false;
      continue;
    }
    for (const [op, value] of Object.entries(ops)) {
      const c = compileComparison(
        found.name,
        found.field.type,
        op,
        value,
        { key: `${key}.${op}`, rule: at.rule },
        v,
      );
      if (c) compares.push(c);
      else ok = false;
    }
  }
  if (!ok) return null;
  return compares.length === 1 ? (compares[0] as Condition) : { kind: 'all', items: compares };
}

function compileComparison(
  field: string,
  type: FieldType,
  op: string,
  value: unknown,
  at: At,
  v: Validator,
): Condition | null {
  const fail = (problem: string, fix: string, showValue = true): null => {
    v.fail(at.key, showValue ? value : undefined, `rule "${at.rule}": ${problem}`, fix);
    return null;
  };
  if (!(ALL_OPERATORS as readonly string[]).includes(op)) {
    return fail(`unknown operator "${op}"`, `use one of ${OPERATORS[type].join(', ')} for ${field}`, false);
  }
  const operator = op as Operator;
  if (!OPERATORS[type].includes(operator)) {
    return fail(
      `${op} cannot be used on ${field}, which is ${TYPE_WORDS[type]}`,
      `use one of ${OPERATORS[type].join(', ')}`,
      false,
    );
  }
  const made = (val: ComparisonValue): Condition => ({ kind: 'compare', field, op: operator, value: val });
  if (operator === 'exists') {
    return typeof value === 'boolean'
      ? made(value)
      : fail('exists takes true or false', 'write `exists: true` or `exists: false`');
  }
  if (operator === 'within_days') {
    return typeof value === 'number' && Number.isInteger(value) && value >= 0
      ? made(value)
      : fail('within_days takes a whole number of days ≥ 0', 'write e.g. `within_days: 90`');
  }
  if (operator === 'in') {
    if (!Array.isArray(value) || value.length === 0)
      return fail('in takes a non-empty list', 'write e.g. `in: [Wholesale, Distributor]`');
    const items: Array<string | number> = [];
    for (const item of value) {
      const one = scalar(type === 'list' ? 'text' : type, item);
      if (one === null)
        return fail(
          `${JSON.stringify(item)} in the list is not ${TYPE_WORDS[type === 'list' ? 'text' : type]}`,
          fixFor(type),
        );
      items.push(one as string | number);
    }
    return made(items);
  }
  if (operator === 'between') {
    if (!Array.isArray(value) || value.length !== 2)
      return fail(
        'between takes two values [low, high]',
        `write e.g. \`between: ${type === 'date' ? '[2024-01-01, 2024-12-31]' : '[100, 500]'}\``,
      );
    const low = scalar(type, value[0]);
    const high = scalar(type, value[1]);
    if (low === null || high === null)
      return fail(`between takes two values that are ${TYPE_WORDS[type]}`, fixFor(type));
    if (low > high) return fail('the low value of between is above the high one', 'write [low, high]');
    return made([low as string | number, high as string | number]);
  }
  const one = scalar(type === 'list' ? 'text' : type, value);
  if (one === null)
    return fail(`the value is not ${TYPE_WORDS[type === 'list' ? 'text' : type]}`, fixFor(type));
  return made(one);
}

function fixFor(type: FieldType): string {
  switch (type) {
    case 'number':
      return 'write a number such as 500 (no quotes, no currency sign)';
    case 'date':
      return 'write a date as YYYY-MM-DD, e.g. 2024-06-30';
    case 'boolean':
      return 'write true or false';
    case 'stage':
      return `write one of ${LIFECYCLE_STAGES.join(', ')}`;
    default:
      return 'write a text value';
  }
}

/** A single value of `type`, or null when it does not fit. Dates come back as `yyyy-MM-dd`. */
function scalar(type: FieldType, value: unknown): string | number | boolean | null {
  switch (type) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'date': {
      if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString().slice(0, 10);
      if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
      const d = new Date(`${value}T00:00:00Z`);
      return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value ? value : null;
    }
    case 'stage':
      return typeof value === 'string' && (LIFECYCLE_STAGES as readonly string[]).includes(value)
        ? value
        : null;
    default:
      return typeof value === 'string' || typeof value === 'number' ? String(value) : null;
  }
}

/** The outcome of a condition and the facts that decided it. */
export interface Outcome {
  ok: boolean;
  facts: string[];
}

/** What evaluation needs beyond the facts: today's calendar date. */
export interface EvalContext {
  today: string;
}

/** Days from calendar date `a` to `b` (both `yyyy-MM-dd`). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/**
 * Evaluates a compiled condition.
 *
 * @example
 * evaluateCondition(rule.when, { customer, aggregates }, { today: '2025-06-30' }); // { ok: true, facts: ['orderCount = 5 (gte 3)'] }
 */
export function evaluateCondition(c: Condition, facts: Facts, ctx: EvalContext): Outcome {
  switch (c.kind) {
    case 'all': {
      const results = c.items.map((i) => evaluateCondition(i, facts, ctx));
      const ok = results.every((r) => r.ok);
      return { ok, facts: results.filter((r) => r.ok === ok).flatMap((r) => r.facts) };
    }
    case 'any': {
      const results = c.items.map((i) => evaluateCondition(i, facts, ctx));
      const ok = results.some((r) => r.ok);
      return { ok, facts: results.filter((r) => r.ok === ok).flatMap((r) => r.facts) };
    }
    case 'not': {
      const inner = evaluateCondition(c.item, facts, ctx);
      return { ok: !inner.ok, facts: inner.facts.map((f) => `not: ${f}`) };
    }
    case 'compare': {
      const field = RULE_FIELDS[c.field];
      const actual = field ? field.get(facts) : null;
      const ok = compare(field?.type ?? 'text', actual, c.op, c.value, ctx);
      return { ok, facts: [`${c.field} = ${show(actual)} (${c.op} ${show(c.value)})`] };
    }
  }
}

function isEmpty(v: FactValue): boolean {
  return v === null || v === '' || (Array.isArray(v) && v.length === 0);
}

const lower = (v: unknown): string => String(v).toLowerCase();

function compare(
  type: FieldType,
  actual: FactValue,
  op: Operator,
  value: ComparisonValue,
  ctx: EvalContext,
): boolean {
  if (op === 'exists') return value === !isEmpty(actual);
  if (isEmpty(actual)) return op === 'ne';
  if (type === 'list') {
    const items = (actual as string[]).map(lower);
    if (op === 'contains') return items.includes(lower(value));
    if (op === 'in') return (value as Array<string | number>).some((x) => items.includes(lower(x)));
    return false;
  }
  if (type === 'text' || type === 'stage') {
    const a = lower(actual);
    if (op === 'eq') return a === lower(value);
    if (op === 'ne') return a !== lower(value);
    if (op === 'in') return (value as Array<string | number>).some((x) => lower(x) === a);
    if (op === 'contains') return a.includes(lower(value));
    return false;
  }
  if (type === 'boolean') return op === 'eq' ? actual === value : op === 'ne' ? actual !== value : false;
  if (op === 'within_days') {
    if (type !== 'date') return false;
    return daysBetween(actual as string, ctx.today) <= (value as number);
  }
  const a = actual as string | number;
  switch (op) {
    case 'eq':
      return a === value;
    case 'ne':
      return a !== value;
    case 'gt':
      return a > (value as string | number);
    case 'gte':
      return a >= (value as string | number);
    case 'lt':
      return a < (value as string | number);
    case 'lte':
      return a <= (value as string | number);
    case 'in':
      return (value as Array<string | number>).includes(a);
    case 'between': {
      const [low, high] = value as [string | number, string | number];
      return a >= low && a <= high;
    }
    default:
      return false;
  }
}

function show(v: unknown): string {
  if (v === null || v === undefined || v === '') return 'none';
  if (Array.isArray(v)) return `[${v.map((x) => show(x)).join(', ')}]`;
  if (typeof v === 'string') return /^[\w.:@-]+$/.test(v) ? v : JSON.stringify(v);
  return String(v);
}
