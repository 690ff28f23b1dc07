/**
 * The shapes of tag rules: the validated rules (`TagRules`), the sale facts and purchase aggregates
 * they read, and what an evaluation gives. `docs/tag-rules.md` describes the YAML.
 */

export const LIFECYCLE_STAGES = ['lead', 'new', 'active', 'repeat', 'lapsed', 'churned'] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

/** One sale as the aggregates need it (from a `saleList` row: see `saleFactFromRow`). */
export interface SaleFact {
  saleId: string;
  customerId: string;
  /** Cin7 sale status, e.g. `COMPLETED`, `VOIDED`. */
  status: string;
  /** Calendar date `yyyy-MM-dd` (the tenant's calendar), or null. */
  orderDate: string | null;
  /** Invoice total minus credit notes, in the sale's customer currency. */
  invoiceAmount: number | null;
  /** The customer currency of the sale. */
  currency: string | null;
  /** Last change (ISO UTC): the newest row of a sale wins when one is given twice. */
  updated: string | null;
}

export interface PurchaseAggregates {
  /** Sales that count as orders (see `COUNTED_STATUSES`). */
  orderCount: number;
  /** Sum of `invoiceAmount` in `currency`, to the cent. */
  lifetimeSpend: number;
  /** `lifetimeSpend / orderCount`, null without orders. */
  averageOrderValue: number | null;
  /** The customer's currency (of the latest order), null without orders. */
  currency: string | null;
  /** Lifetime spend in the conversion table's base currency; null without a table or a rate. */
  lifetimeSpendBase: number | null;
  averageOrderValueBase: number | null;
  /** `yyyy-MM-dd`, null without orders. */
  firstOrderDate: string | null;
  lastOrderDate: string | null;
  /** Whole days from the last / first order date to today (in the configured time zone). */
  daysSinceLastOrder: number | null;
  daysSinceFirstOrder: number | null;
  lifecycleStage: LifecycleStage;
}

/** Lifecycle thresholds (docs/tag-rules.md gives the rule order). */
export interface LifecycleThresholds {
  /** First order at most this many days ago → `new`. Default 90. */
  newWithinDays: number;
  /** At least this many orders (and not lapsed) → `repeat`. Default 2. */
  repeatMinOrders: number;
  /** Last order more than this many days ago → `lapsed`. Default 180. */
  lapsedAfterDays: number;
  /** Last order more than this many days ago → `churned`. Default 365. */
  churnedAfterDays: number;
}

/** Converts customer currencies into one base currency: `rates[X]` = value of 1 X in `base`. */
export interface CurrencyTable {
  base: string;
  rates: Record<string, number>;
}

export type FieldType = 'text' | 'number' | 'boolean' | 'date' | 'list' | 'stage';

export type Operator =
  | 'eq'
  | 'ne'
  | 'gt'
  | 'gte'
  | 'lt'
  | 'lte'
  | 'in'
  | 'contains'
  | 'exists'
  | 'between'
  | 'within_days';

/** A validated condition. */
export type Condition =
  | { kind: 'all'; items: Condition[] }
  | { kind: 'any'; items: Condition[] }
  | { kind: 'not'; item: Condition }
  | { kind: 'compare'; field: string; op: Operator; value: ComparisonValue };

export type ComparisonValue = string | number | boolean | Array<string | number>;

/** A tag, or a template such as `lifecycle:{stage}` (parts: literal text and field names). */
export interface TagTemplate {
  text: string;
  parts: Array<{ literal: string } | { field: string }>;
  /** The literal text before the first field: what a template owns. The whole tag when literal. */
  prefix: string;
  isTemplate: boolean;
}

export interface TagRule {
  name: string;
  tag: TagTemplate;
  /** Null: always applies. */
  when: Condition | null;
}

/** Validated tag rules, ownership, lifecycle thresholds and currency table. */
export interface TagRules {
  /** The file they came from, or null (no rules configured). */
  source: string | null;
  rules: TagRule[];
  /** Tags the rules own: exact tags and prefixes (lower-case). Adds and removes stay inside them. */
  owned: { tags: string[]; prefixes: string[] };
  lifecycle: LifecycleThresholds;
  currency: CurrencyTable | null;
  /** Sale statuses that count as orders. */
  countedStatuses: string[];
  /** IANA zone "today" is taken in (days since an order). */
  timeZone: string;
}

export interface TagEvaluation {
  tags: string[];
  /** Per tag: the rule that gave it and the facts that matched. */
  reasons: Array<{ tag: string; rule: string; why: string }>;
}
