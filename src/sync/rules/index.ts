/**
 * Tag rules: declarative rules over Cin7 customer fields and purchase aggregates that give GHL
 * tags, with ownership so applying them touches only their own tags. See
 * `src/sync/rules/README.md` and `docs/tag-rules.md`.
 */
export type {
  Condition,
  CurrencyTable,
  FieldType,
  LifecycleStage,
  LifecycleThresholds,
  Operator,
  PurchaseAggregates,
  SaleFact,
  TagEvaluation,
  TagRule,
  TagRules,
  TagTemplate,
} from './types.js';
export { LIFECYCLE_STAGES } from './types.js';
export { loadTagRules, parseTagRules, SALE_STATUSES, type TagRulesOptions } from './load.js';
export {
  computeAggregates,
  saleFactFromRow,
  lifecycleStage,
  calendarDate,
  COUNTED_STATUSES,
  DEFAULT_LIFECYCLE,
} from './aggregates.js';
export { evaluateTags } from './evaluate.js';
export { isRuleOwnedTag, tagDelta, type TagDeltaOptions } from './ownership.js';
export { RULE_FIELDS, type Facts } from './fields.js';
export { OPERATORS } from './condition.js';
