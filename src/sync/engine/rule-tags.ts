/**
 * The desired rule tags of customers: purchase aggregates from the stored sale facts, then the tag
 * rules over the customer and its aggregates.
 */
import type { Kysely } from 'kysely';
import type { Cin7Customer } from '../../cin7/schemas.js';
import type { Database } from '../../store/schema.js';
import { salesOf } from '../repo/sales.js';
import {
  type PurchaseAggregates,
  type SaleFact,
  type TagRules,
  computeAggregates,
  evaluateTags,
} from '../rules/index.js';

export interface DesiredTags {
  aggregates: PurchaseAggregates;
  ruleTags: string[];
  ruleReasons: Array<{ tag: string; rule: string; why: string }>;
}

/**
 * Aggregates and desired rule tags of one customer from its sale facts.
 *
 * @example
 * const { ruleTags } = desiredTags(customer, facts, rules, new Date());
 */
export function desiredTags(
  customer: Cin7Customer,
  sales: readonly SaleFact[],
  rules: TagRules,
  now: Date,
): DesiredTags {
  const aggregates = computeAggregates([...sales], now, rules);
  if (rules.rules.length === 0) return { aggregates, ruleTags: [], ruleReasons: [] };
  const evaluation = evaluateTags(customer, aggregates, rules, now);
  return { aggregates, ruleTags: evaluation.tags, ruleReasons: evaluation.reasons };
}

/** Desired tags for several customers, reading their sale facts in one query. */
export async function desiredTagsOf(
  db: Kysely<Database>,
  customers: readonly Cin7Customer[],
  rules: TagRules,
  now: Date,
): Promise<Map<string, DesiredTags>> {
  const facts = await salesOf(
    db,
    customers.map((c) => c.ID),
  );
  const out = new Map<string, DesiredTags>();
  for (const c of customers) out.set(c.ID, desiredTags(c, facts.get(c.ID) ?? [], rules, now));
  return out;
}
