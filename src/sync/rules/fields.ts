/**
 * The fields a rule condition (or a tag template) may name: customer fields and purchase
 * aggregates, each with its type. docs/tag-rules.md lists the same table.
 */
import type { Cin7Customer } from '../../cin7/schemas.js';
import { chooseAddress, countryToIso, isCompany, normalizeText } from '../mapping/index.js';
import type { FieldType, PurchaseAggregates } from './types.js';

/** What conditions read: the customer and its purchase aggregates. */
export interface Facts {
  customer: Cin7Customer;
  aggregates: PurchaseAggregates;
}

export type FactValue = string | number | boolean | string[] | null;

export interface RuleField {
  type: FieldType;
  description: string;
  get(f: Facts): FactValue;
}

const text = (description: string, get: (c: Cin7Customer) => unknown): RuleField => ({
  type: 'text',
  description,
  get: (f) => normalizeText(get(f.customer)),
});

const attributes: Record<string, RuleField> = Object.fromEntries(
  Array.from({ length: 10 }, (_, i) => [
    `attribute${i + 1}`,
    text(`AdditionalAttribute${i + 1} (its meaning comes from the attribute set)`, (c) => {
      return (c as unknown as Record<string, unknown>)[`AdditionalAttribute${i + 1}`];
    }),
  ]),
);

function splitTags(tags: string | null): string[] {
  if (!tags) return [];
  const out: string[] = [];
  for (const t of tags.split(',')) {
    const v = normalizeText(t);
    if (v !== null && !out.includes(v)) out.push(v);
  }
  return out;
}

/** Every rule field by name. */
export const RULE_FIELDS: Record<string, RuleField> = {
  name: text('the customer Name', (c) => c.Name),
  status: text('Active or Deprecated', (c) => c.Status),
  priceTier: text('price tier, e.g. Wholesale', (c) => c.PriceTier),
  currency: {
    type: 'text',
    description: "the customer's currency code (the latest order's when the customer has none)",
    get: (f) => normalizeText(f.customer.Currency) ?? f.aggregates.currency,
  },
  location: text('default sale location', (c) => c.Location),
  paymentTerm: text('payment term', (c) => c.PaymentTerm),
  taxRule: text('tax rule', (c) => c.TaxRule),
  carrier: text('carrier', (c) => c.Carrier),
  salesRepresentative: text('sales representative', (c) => c.SalesRepresentative),
  attributeSet: text('attribute set name', (c) => c.AttributeSet),
  ...attributes,
  tags: {
    type: 'list',
    description: 'the Cin7 Tags of the customer (comma-separated in Cin7)',
    get: (f) => splitTags(f.customer.Tags),
  },
  discount: { type: 'number', description: 'discount %', get: (f) => f.customer.Discount },
  creditLimit: { type: 'number', description: 'credit limit', get: (f) => f.customer.CreditLimit },
  isOnCreditHold: {
    type: 'boolean',
    description: 'on credit hold',
    get: (f) => f.customer.IsOnCreditHold,
  },
  isCompany: {
    type: 'boolean',
    description: 'IsLegalEntity, or a Name that is none of its contacts’ names',
    get: (f) => isCompany(f.customer, 'either'),
  },
  country: {
    type: 'text',
    description: 'ISO-2 code of the billing (else first) address country',
    get: (f) => countryToIso(chooseAddress(f.customer, 'billing')?.Country ?? null),
  },
  contactCount: {
    type: 'number',
    description: 'number of contacts',
    get: (f) => f.customer.Contacts.length,
  },
  orderCount: {
    type: 'number',
    description: 'orders (counted statuses)',
    get: (f) => f.aggregates.orderCount,
  },
  lifetimeSpend: {
    type: 'number',
    description: "lifetime spend in the customer's currency",
    get: (f) => f.aggregates.lifetimeSpend,
  },
  averageOrderValue: {
    type: 'number',
    description: "average order value in the customer's currency",
    get: (f) => f.aggregates.averageOrderValue,
  },
  lifetimeSpendBase: {
    type: 'number',
    description: 'lifetime spend in the base currency (needs the currency table)',
    get: (f) => f.aggregates.lifetimeSpendBase,
  },
  averageOrderValueBase: {
    type: 'number',
    description: 'average order value in the base currency (needs the currency table)',
    get: (f) => f.aggregates.averageOrderValueBase,
  },
  firstOrderDate: { type: 'date', description: 'first order date', get: (f) => f.aggregates.firstOrderDate },
  lastOrderDate: { type: 'date', description: 'last order date', get: (f) => f.aggregates.lastOrderDate },
  daysSinceLastOrder: {
    type: 'number',
    description: 'whole days since the last order',
    get: (f) => f.aggregates.daysSinceLastOrder,
  },
  daysSinceFirstOrder: {
    type: 'number',
    description: 'whole days since the first order',
    get: (f) => f.aggregates.daysSinceFirstOrder,
  },
  lifecycleStage: {
    type: 'stage',
    description: 'lead, new, active, repeat, lapsed or churned',
    get: (f) => f.aggregates.lifecycleStage,
  },
};

/** Short names accepted for fields. */
export const FIELD_ALIASES: Record<string, string> = { stage: 'lifecycleStage' };

/** The field a name refers to (aliases resolved), or null. */
export function ruleField(name: string): { name: string; field: RuleField } | null {
  const canonical = FIELD_ALIASES[name] ?? name;
  const field = RULE_FIELDS[canonical];
  return field ? { name: canonical, field } : null;
}
