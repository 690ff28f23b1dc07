/**
 * Applying the rules to one customer: the tags it should carry and, per tag, the rule and facts
 * that gave it.
 */
import type { Cin7Customer } from '../../cin7/schemas.js';
import { calendarDate } from './aggregates.js';
import { evaluateCondition } from './condition.js';
import { RULE_FIELDS } from './fields.js';
import { renderTag } from './template.js';
import type { PurchaseAggregates, TagEvaluation, TagRules } from './types.js';

/**
 * The tags the rules give this customer (lower-case, de-duplicated, in rule order) and why.
 *
 * @example
 * const { tags, reasons } = evaluateTags(customer, computeAggregates(sales, now, rules), rules, now);
 * const { add, remove } = tagDelta(ghlContact.tags, tags, rules);
 */
export function evaluateTags(
  customer: Cin7Customer,
  aggregates: PurchaseAggregates,
  rules: TagRules,
  now: Date,
): TagEvaluation {
  const facts = { customer, aggregates };
  const ctx = { today: calendarDate(now, rules.timeZone) };
  const tags: string[] = [];
  const reasons: TagEvaluation['reasons'] = [];
  for (const rule of rules.rules) {
    let why = 'always (the rule has no condition)';
    if (rule.when) {
      const outcome = evaluateCondition(rule.when, facts, ctx);
      if (!outcome.ok) continue;
      why = outcome.facts.join('; ');
    }
    const tag = renderTag(rule.tag, facts);
    if (tag === null) continue;
    if (rule.tag.isTemplate) {
      const filled = rule.tag.parts
        .filter((p): p is { field: string } => 'field' in p)
        .map((p) => `${p.field} = ${String(RULE_FIELDS[p.field]?.get(facts) ?? 'none')}`);
      why = rule.when ? `${why}; ${filled.join(', ')}` : filled.join(', ');
    }
    if (!tags.includes(tag)) tags.push(tag);
    reasons.push({ tag, rule: rule.name, why });
  }
  return { tags, reasons };
}
