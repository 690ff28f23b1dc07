/**
 * Comparison semantics, operator by operator and type by type, written out by hand: case-insensitive
 * text and lists, missing values (false except `exists: false` and `ne`), dates and day windows.
 */
import { describe, expect, it } from 'vitest';
import { computeAggregates, evaluateTags, parseTagRules } from '../../../src/sync/rules/index.js';
import { customer } from '../mapping/fixtures.js';

const NOW = new Date('2025-06-30T12:00:00Z');
const c = customer({
  n: 1,
  Name: 'Acme Pty Ltd',
  PriceTier: 'Wholesale',
  Tags: 'VIP, Trade',
  Discount: 5,
  AdditionalAttribute1: 'Repeat Buyer',
  Contacts: [{ Name: 'Jo Bloggs', Email: 'jo@acme.example' }],
});
const SALES = [
  {
    saleId: 'a',
    customerId: c.ID,
    status: 'COMPLETED',
    orderDate: '2025-06-10',
    invoiceAmount: 300,
    currency: 'USD',
    updated: null,
  },
  {
    saleId: 'b',
    customerId: c.ID,
    status: 'COMPLETED',
    orderDate: '2025-01-10',
    invoiceAmount: 700,
    currency: 'USD',
    updated: null,
  },
];

/** True when a one-rule file with `when` gives its tag to the customer above. */
function holds(when: unknown): boolean {
  const rules = parseTagRules({ timeZone: 'UTC', rules: [{ tag: 't', when }] });
  return evaluateTags(c, computeAggregates(SALES, NOW, rules), rules, NOW).tags.includes('t');
}

const CASES: Array<[string, unknown, boolean]> = [
  ['text eq ignores case', { priceTier: { eq: 'wholesale' } }, true],
  ['text ne', { priceTier: { ne: 'Retail' } }, true],
  ['text in', { priceTier: { in: ['Retail', 'WHOLESALE'] } }, true],
  ['text contains', { attribute1: { contains: 'buyer' } }, true],
  ['text contains (no)', { attribute1: { contains: 'seller' } }, false],
  ['missing text: eq false', { salesRepresentative: { eq: 'Dana' } }, false],
  ['missing text: ne true', { salesRepresentative: { ne: 'Dana' } }, true],
  ['missing text: exists false', { salesRepresentative: { exists: false } }, true],
  ['present text: exists true', { priceTier: { exists: true } }, true],
  ['list contains ignores case', { tags: { contains: 'vip' } }, true],
  ['list in (any element)', { tags: { in: ['events', 'trade'] } }, true],
  ['list in (none)', { tags: { in: ['events'] } }, false],
  ['number gt', { orderCount: { gt: 1 } }, true],
  ['number gte', { orderCount: { gte: 2 } }, true],
  ['number lt', { lifetimeSpend: { lt: 1000 } }, false],
  ['number lte', { lifetimeSpend: { lte: 1000 } }, true],
  ['number between inclusive', { averageOrderValue: { between: [500, 500] } }, true],
  ['number in', { discount: { in: [5, 10] } }, true],
  ['number ne', { discount: { ne: 5 } }, false],
  ['missing number: gte false', { creditLimit: { gte: 0 } }, false],
  ['missing number: exists false', { lifetimeSpendBase: { exists: false } }, true],
  ['boolean eq', { isCompany: { eq: true } }, true],
  ['boolean ne', { isOnCreditHold: { ne: true } }, true],
  ['date gt', { lastOrderDate: { gt: '2025-06-09' } }, true],
  ['date eq', { firstOrderDate: { eq: '2025-01-10' } }, true],
  ['date between', { firstOrderDate: { between: ['2025-01-01', '2025-01-31'] } }, true],
  ['date within_days (20 days ago, window 20)', { lastOrderDate: { within_days: 20 } }, true],
  ['date within_days (20 days ago, window 19)', { lastOrderDate: { within_days: 19 } }, false],
  ['stage eq', { stage: { eq: 'repeat' } }, true],
  ['stage in', { lifecycleStage: { in: ['new', 'active'] } }, false],
  ['all', { all: [{ orderCount: { eq: 2 } }, { priceTier: { eq: 'Wholesale' } }] }, true],
  ['all (one false)', { all: [{ orderCount: { eq: 2 } }, { priceTier: { eq: 'Retail' } }] }, false],
  ['any', { any: [{ orderCount: { eq: 9 } }, { priceTier: { eq: 'Wholesale' } }] }, true],
  ['not', { not: { priceTier: { eq: 'Wholesale' } } }, false],
  [
    'several comparisons in one mapping are all required',
    { orderCount: { gte: 2, lte: 2 }, priceTier: { eq: 'Retail' } },
    false,
  ],
];

describe('comparisons', () => {
  it.each(CASES)('%s', (_, when, expected) => {
    expect(holds(when)).toBe(expected);
  });
});
