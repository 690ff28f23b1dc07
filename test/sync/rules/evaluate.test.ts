/**
 * Acceptance (issue 5): 10 rules over a hand-made set of 20 customers (customers and sales written
 * out here) give exactly the tags written by hand; a customer leaving a segment loses the tag; tags
 * no rule owns are never touched. Today is 2025-06-30 (UTC); the day counts in the comments were
 * worked out by hand.
 */
import { describe, expect, it } from 'vitest';
import type { Cin7Customer } from '../../../src/cin7/schemas.js';
import {
  computeAggregates,
  evaluateTags,
  isRuleOwnedTag,
  parseTagRules,
  type SaleFact,
  tagDelta,
} from '../../../src/sync/rules/index.js';
import { customer } from '../mapping/fixtures.js';

const RULES = parseTagRules(
  {
    timeZone: 'UTC',
    currency: { base: 'USD', rates: { AUD: 0.65, GBP: 1.25 } },
    rules: [
      { name: 'vip', tag: 'vip', when: { lifetimeSpendBase: { gte: 5000 } } },
      { name: 'lifecycle', tag: 'lifecycle:{stage}' },
      { name: 'wholesale', tag: 'wholesale', when: { priceTier: { in: ['Wholesale', 'Distributor'] } } },
      {
        name: 'win-back',
        tag: 'win-back',
        when: { all: [{ lifetimeSpendBase: { gte: 1000 } }, { daysSinceLastOrder: { gt: 180 } }] },
      },
      { name: 'big-basket', tag: 'big-basket', when: { averageOrderValue: { between: [500, 2000] } } },
      { name: 'recent', tag: 'recent-buyer', when: { lastOrderDate: { within_days: 30 } } },
      {
        name: 'b2b',
        tag: 'b2b',
        when: { any: [{ isCompany: { eq: true } }, { tags: { contains: 'trade' } }] },
      },
      { name: 'region', tag: 'region:{country}', when: { country: { in: ['AU', 'NZ', 'GB'] } } },
      { name: 'credit-hold', tag: 'credit-hold', when: { isOnCreditHold: { eq: true } } },
      {
        name: 'one-and-done',
        tag: 'one-and-done',
        when: {
          all: [
            { orderCount: { eq: 1 } },
            { daysSinceFirstOrder: { gte: 60 } },
            { not: { attribute2: { eq: 'true' } } },
          ],
        },
      },
    ],
  },
  { source: 'test' },
);

const NOW = new Date('2025-06-30T12:00:00Z');

const person = (n: number, name: string, extra: Record<string, unknown> = {}) =>
  customer({
    n,
    Name: name,
    Contacts: [{ Name: name, Email: `c${n}@example.com`, Default: true }],
    ...extra,
  });
const company = (n: number, name: string, contact: string, extra: Record<string, unknown> = {}) =>
  customer({
    n,
    Name: name,
    Contacts: [{ Name: contact, Email: `c${n}@example.com`, Default: true }],
    ...extra,
  });
const at = (country: string) => ({ Addresses: [{ Line1: '1 Main St', Country: country }] });

const CUSTOMERS: Cin7Customer[] = [
  person(1, 'Alice Ang'),
  company(2, 'Big Spender Co', 'Bob Boss', at('United States')),
  person(3, 'Carol Chen', { Currency: 'AUD', ...at('Australia') }),
  person(4, 'Dan Diaz', { PriceTier: 'Wholesale' }),
  person(5, 'Eve Evans', { AdditionalAttribute2: 'True' }),
  person(6, 'Frank Fox'),
  company(7, 'Globex Trading', 'Gina Gold', {
    Currency: 'GBP',
    PriceTier: 'Distributor',
    IsOnCreditHold: true,
    ...at('United Kingdom'),
  }),
  person(8, 'Hana Ito', { Currency: 'NZD', Tags: 'trade, events', ...at('New Zealand') }),
  person(9, 'Ivan Ivanov'),
  person(10, 'Jade Jones'),
  company(11, 'Kappa Kitchens', 'Ken Kapp'),
  person(12, 'Liam Lee'),
  person(13, 'Mona Ma', { Status: 'Deprecated' }),
  person(14, 'Nina Nash', { Currency: 'AUD', PriceTier: 'Retail', ...at('Australia') }),
  person(15, 'Oscar Ortiz'),
  person(16, 'Pia Park'),
  person(17, 'Quinn Quill'),
  company(18, 'Rho Robotics', 'Ray Rho', { Currency: 'CAD', Tags: 'Trade', ...at('Canada') }),
  person(19, 'Sam Sung', { IsOnCreditHold: true, ...at('Australia') }),
  person(20, 'Tara Tan', { Currency: 'AUD' }),
];

const idOf = (n: number) => CUSTOMERS[n - 1]!.ID;

/** [customer n, sale id, status, order date, amount, currency, updated] */
const SALE_ROWS: Array<[number, string, string, string | null, number | null, string, string]> = [
  [2, 'S2a', 'COMPLETED', '2025-06-20', 3000, 'USD', '2025-06-21T00:00:00Z'],
  [2, 'S2b', 'INVOICED', '2025-03-01', 3000, 'USD', '2025-03-02T00:00:00Z'],
  [3, 'S3a', 'COMPLETED', '2025-05-31', 1000, 'AUD', '2025-06-01T00:00:00Z'],
  [3, 'S3b', 'VOIDED', '2025-06-01', 5000, 'AUD', '2025-06-02T00:00:00Z'],
  [3, 'S3c', 'DRAFT', '2025-06-02', 800, 'AUD', '2025-06-02T00:00:00Z'],
  [4, 'S4a', 'COMPLETED', '2024-10-01', 200, 'USD', '2024-10-02T00:00:00Z'],
  [5, 'S5a', 'COMPLETED', '2025-01-15', 100, 'USD', '2025-01-16T00:00:00Z'],
  [6, 'S6a', 'COMPLETED', '2023-01-10', 9000, 'USD', '2023-01-11T00:00:00Z'],
  [6, 'S6b', 'COMPLETED', '2023-05-10', 1000, 'USD', '2023-05-11T00:00:00Z'],
  [7, 'S7a', 'INVOICED', '2025-06-29', 1200, 'GBP', '2025-06-29T10:00:00Z'],
  [7, 'S7b', 'ESTIMATED', '2025-06-10', 50000, 'GBP', '2025-06-10T10:00:00Z'],
  [7, 'S7c', 'ORDERED', '2025-06-25', null, 'GBP', '2025-06-25T10:00:00Z'],
  [8, 'S8a', 'COMPLETED', '2025-04-01', 700, 'NZD', '2025-04-02T00:00:00Z'],
  [8, 'S8b', 'COMPLETED', '2025-02-01', 900, 'NZD', '2025-02-02T00:00:00Z'],
  [9, 'S9a', 'CREDITED', '2025-06-01', 0, 'USD', '2025-06-05T00:00:00Z'],
  [10, 'S10a', 'ORDERING', '2025-06-28', 500, 'USD', '2025-06-28T00:00:00Z'],
  [10, 'S10b', 'ESTIMATING', '2025-06-20', 100, 'USD', '2025-06-20T00:00:00Z'],
  [11, 'S11a', 'COMPLETED', '2024-12-31', 1500, 'USD', '2025-01-01T00:00:00Z'],
  [11, 'S11b', 'COMPLETED', '2024-09-15', 1500, 'USD', '2024-09-16T00:00:00Z'],
  [11, 'S11c', 'COMPLETED', '2024-07-01', 2100, 'USD', '2024-07-02T00:00:00Z'],
  // S12a twice: the newer row (VOIDED) wins, so it does not count.
  [12, 'S12a', 'COMPLETED', '2025-01-01', 2000, 'USD', '2025-01-02T00:00:00Z'],
  [12, 'S12a', 'VOIDED', '2025-01-01', 2000, 'USD', '2025-02-01T00:00:00Z'],
  [12, 'S12b', 'COMPLETED', '2025-03-01', 50, 'USD', '2025-03-02T00:00:00Z'],
  [14, 'S14a', 'COMPLETED', '2025-06-30', 8000, 'AUD', '2025-06-30T08:00:00Z'],
  [15, 'S15a', 'COMPLETED', '2025-04-01', 300, 'USD', '2025-04-02T00:00:00Z'],
  [16, 'S16a', 'COMPLETED', '2024-06-30', 400, 'USD', '2024-07-01T00:00:00Z'],
  [16, 'S16b', 'COMPLETED', '2024-06-01', 100, 'USD', '2024-06-02T00:00:00Z'],
  [17, 'S17a', 'COMPLETED', '2024-06-29', 100, 'USD', '2024-06-30T00:00:00Z'],
  [20, 'S20a', 'COMPLETED', '2025-06-15', 1000, 'AUD', '2025-06-16T00:00:00Z'],
  [20, 'S20b', 'COMPLETED', '2025-05-01', 650, 'USD', '2025-05-02T00:00:00Z'],
];

const SALES: SaleFact[] = SALE_ROWS.map(
  ([n, saleId, status, orderDate, invoiceAmount, currency, updated]) => ({
    saleId,
    customerId: idOf(n),
    status,
    orderDate,
    invoiceAmount,
    currency,
    updated,
  }),
);

/** The tags each customer must get, in rule order, worked out by hand. */
const EXPECTED: Record<number, string[]> = {
  1: ['lifecycle:lead'],
  // 2 orders, 6,000 USD, first 121 days ago, last 10 days ago → repeat; a company.
  2: ['vip', 'lifecycle:repeat', 'recent-buyer', 'b2b'],
  // the VOIDED and DRAFT sales do not count: 1 order of 1,000 AUD (650 USD) 30 days ago → new.
  3: ['lifecycle:new', 'big-basket', 'recent-buyer', 'region:au'],
  // one order 272 days ago → lapsed; Wholesale tier; no newsletter attribute.
  4: ['lifecycle:lapsed', 'wholesale', 'one-and-done'],
  // one order 166 days ago → active; attribute2 "True" keeps it out of one-and-done.
  5: ['lifecycle:active'],
  // 10,000 USD, last order 2023 → churned, win-back.
  6: ['vip', 'lifecycle:churned', 'win-back'],
  // quote left out; INVOICED 1,200 GBP + ORDERED (no invoice yet) = 2 orders, AOV 600, 1,500 USD.
  7: ['lifecycle:new', 'wholesale', 'big-basket', 'recent-buyer', 'b2b', 'region:gb', 'credit-hold'],
  // NZD has no rate: no base figure; 2 orders, AOV 800, first 149 days ago, last 90 days ago → repeat.
  8: ['lifecycle:repeat', 'big-basket', 'b2b', 'region:nz'],
  // a CREDITED sale counts (amount 0) 29 days ago → new, recent.
  9: ['lifecycle:new', 'recent-buyer'],
  // ORDERING and ESTIMATING do not count → lead.
  10: ['lifecycle:lead'],
  // 5,100 USD over 3 orders (AOV 1,700), last order 181 days ago → lapsed, win-back.
  11: ['vip', 'lifecycle:lapsed', 'win-back', 'big-basket', 'b2b'],
  // S12a voided in its newer row: 1 order of 50 USD 121 days ago → active.
  12: ['lifecycle:active', 'one-and-done'],
  13: ['lifecycle:lead'],
  // 8,000 AUD today = 5,200 USD → vip, new (0 days).
  14: ['vip', 'lifecycle:new', 'recent-buyer', 'region:au'],
  // first order exactly 90 days ago: still new (≤ 90); ≥ 60 days for one-and-done.
  15: ['lifecycle:new', 'one-and-done'],
  // last order exactly 365 days ago: lapsed, not yet churned (> 365).
  16: ['lifecycle:lapsed'],
  // 366 days → churned.
  17: ['lifecycle:churned', 'one-and-done'],
  // no sales → lead; Cin7 tag "Trade" (any case) → b2b; Canada is not a region rule country.
  18: ['lifecycle:lead', 'b2b'],
  19: ['lifecycle:lead', 'region:au', 'credit-hold'],
  // latest order in AUD: 650 USD counts as 1,000 AUD → 2,000 AUD, AOV 1,000; first 60 days ago → new.
  20: ['lifecycle:new', 'big-basket', 'recent-buyer'],
};

function tagsOf(c: Cin7Customer, now = NOW, sales = SALES): string[] {
  const agg = computeAggregates(
    sales.filter((s) => s.customerId === c.ID),
    now,
    RULES,
  );
  return evaluateTags(c, agg, RULES, now).tags;
}

describe('10 rules × 20 hand-made customers', () => {
  it('there are exactly 10 rules and 20 customers', () => {
    expect(RULES.rules).toHaveLength(10);
    expect(CUSTOMERS).toHaveLength(20);
  });

  it.each(CUSTOMERS.map((c, i) => [i + 1, c.Name] as const))('customer %i (%s)', (n) => {
    expect(tagsOf(CUSTOMERS[n - 1]!)).toEqual(EXPECTED[n]);
  });

  it('every tag carries the rule that gave it and the facts that matched', () => {
    const c = CUSTOMERS[6]!; // Globex Trading
    const agg = computeAggregates(
      SALES.filter((s) => s.customerId === c.ID),
      NOW,
      RULES,
    );
    const { reasons } = evaluateTags(c, agg, RULES, NOW);
    expect(reasons).toEqual([
      { tag: 'lifecycle:new', rule: 'lifecycle', why: 'lifecycleStage = new' },
      { tag: 'wholesale', rule: 'wholesale', why: 'priceTier = Distributor (in [Wholesale, Distributor])' },
      { tag: 'big-basket', rule: 'big-basket', why: 'averageOrderValue = 600 (between [500, 2000])' },
      { tag: 'recent-buyer', rule: 'recent', why: 'lastOrderDate = 2025-06-29 (within_days 30)' },
      { tag: 'b2b', rule: 'b2b', why: 'isCompany = true (eq true)' },
      { tag: 'region:gb', rule: 'region', why: 'country = GB (in [AU, NZ, GB]); country = GB' },
      { tag: 'credit-hold', rule: 'credit-hold', why: 'isOnCreditHold = true (eq true)' },
    ]);
  });
});

describe('applying the tags: deltas on owned tags only', () => {
  const UNOWNED = ['newsletter', 'customer since 2019', 'VIP-Manual', 'lifecycle', 'region'];

  it('a customer leaving a segment loses the tag (and nothing else changes)', () => {
    const big = CUSTOMERS[1]!;
    const inGhl = [...EXPECTED[2]!, 'newsletter', 'customer since 2019'];
    // Seven weeks later the last order is 56 days old: no longer a recent buyer.
    const later = new Date('2025-08-15T12:00:00Z');
    expect(tagsOf(big, later)).toEqual(['vip', 'lifecycle:repeat', 'b2b']);
    expect(tagDelta(inGhl, tagsOf(big, later), RULES)).toEqual({ add: [], remove: ['recent-buyer'] });
  });

  it('a voided sale moves a customer back: lifecycle replaced, lost segments removed', () => {
    const carol = CUSTOMERS[2]!;
    const voided = SALES.map((s) =>
      s.saleId === 'S3a' ? { ...s, status: 'VOIDED', updated: '2025-06-30T01:00:00Z' } : s,
    );
    const inGhl = [...EXPECTED[3]!, 'newsletter'];
    const desired = tagsOf(carol, NOW, voided);
    expect(desired).toEqual(['lifecycle:lead', 'region:au']);
    expect(tagDelta(inGhl, desired, RULES)).toEqual({
      add: ['lifecycle:lead'],
      remove: ['lifecycle:new', 'big-basket', 'recent-buyer'],
    });
  });

  it('tags no rule owns are never added or removed, for every customer', () => {
    for (const [i, c] of CUSTOMERS.entries()) {
      const current = [...UNOWNED, ...(EXPECTED[((i + 7) % 20) + 1] ?? [])];
      const desired = [...tagsOf(c), 'not-owned-wish'];
      const { add, remove } = tagDelta(current, desired, RULES);
      for (const t of [...add, ...remove]) expect(isRuleOwnedTag(t, RULES), t).toBe(true);
      for (const t of UNOWNED) {
        expect(remove).not.toContain(t.toLowerCase());
        expect(add).not.toContain(t.toLowerCase());
      }
      expect(add).not.toContain('not-owned-wish');
      // Applying the delta gives exactly the desired owned tags plus the untouched ones.
      const after = [...current.map((t) => t.toLowerCase()).filter((t) => !remove.includes(t)), ...add];
      expect(after.filter((t) => isRuleOwnedTag(t, RULES)).sort()).toEqual(tagsOf(c).sort());
      expect(after.filter((t) => !isRuleOwnedTag(t, RULES)).sort()).toEqual(
        UNOWNED.map((t) => t.toLowerCase()).sort(),
      );
    }
  });

  it('the rules own their literal tags and the prefixes of their templates', () => {
    expect(RULES.owned.tags.sort()).toEqual(
      [
        'b2b',
        'big-basket',
        'credit-hold',
        'one-and-done',
        'recent-buyer',
        'vip',
        'wholesale',
        'win-back',
      ].sort(),
    );
    expect(RULES.owned.prefixes.sort()).toEqual(['lifecycle:', 'region:']);
    expect(isRuleOwnedTag('Lifecycle:Gold', RULES)).toBe(true);
    expect(isRuleOwnedTag('lifecycle', RULES)).toBe(false);
  });
});
