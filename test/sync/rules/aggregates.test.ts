/**
 * Purchase aggregates: which statuses count, duplicates, currencies and the base figure, day counts
 * in the configured time zone, and the lifecycle stage at each threshold.
 */
import { describe, expect, it } from 'vitest';
import {
  calendarDate,
  computeAggregates,
  lifecycleStage,
  parseTagRules,
  SALE_STATUSES,
  type SaleFact,
  saleFactFromRow,
} from '../../../src/sync/rules/index.js';
import { saleListItemSchema } from '../../../src/cin7/schemas.js';

const rules = parseTagRules({ timeZone: 'UTC', currency: { base: 'USD', rates: { AUD: 0.5 } } });
const noTable = parseTagRules({ timeZone: 'UTC' });
const NOW = new Date('2025-06-30T12:00:00Z');

let seq = 0;
const sale = (
  status: string,
  orderDate: string | null,
  amount: number | null,
  currency = 'USD',
): SaleFact => ({
  saleId: `s${++seq}`,
  customerId: 'c1',
  status,
  orderDate,
  invoiceAmount: amount,
  currency,
  updated: '2025-06-01T00:00:00Z',
});

describe('computeAggregates', () => {
  it('counts orders, leaves out drafts, quotes, unauthorised orders and voids', () => {
    const counted = [
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
    ];
    const sales = SALE_STATUSES.map((s) => sale(s, '2025-06-01', 10));
    const a = computeAggregates(sales, NOW, rules);
    expect(a.orderCount).toBe(counted.length);
    expect(a.lifetimeSpend).toBe(10 * counted.length);
    expect(
      computeAggregates([sale('VOIDED', '2025-06-01', 999), sale('draft', '2025-06-01', 5)], NOW, rules)
        .orderCount,
    ).toBe(0);
  });

  it('no orders: a lead with zero spend (zero base spend when a table exists, null otherwise)', () => {
    expect(computeAggregates([], NOW, rules)).toEqual({
      orderCount: 0,
      lifetimeSpend: 0,
      averageOrderValue: null,
      currency: null,
      lifetimeSpendBase: 0,
      averageOrderValueBase: null,
      firstOrderDate: null,
      lastOrderDate: null,
      daysSinceLastOrder: null,
      daysSinceFirstOrder: null,
      lifecycleStage: 'lead',
    });
    expect(computeAggregates([], NOW, noTable).lifetimeSpendBase).toBeNull();
  });

  it('spend in the customer currency, converted to base; rounding to the cent', () => {
    const a = computeAggregates(
      [
        sale('COMPLETED', '2025-06-01', 100.006, 'AUD'),
        sale('INVOICED', '2025-05-01', 33.33, 'AUD'),
        sale('ORDERED', '2025-06-10', null, 'AUD'),
      ],
      NOW,
      rules,
    );
    expect(a).toMatchObject({
      orderCount: 3,
      currency: 'AUD',
      lifetimeSpend: 133.34,
      averageOrderValue: 44.45,
      lifetimeSpendBase: 66.67,
      averageOrderValueBase: 22.22,
      firstOrderDate: '2025-05-01',
      lastOrderDate: '2025-06-10',
      daysSinceLastOrder: 20,
      daysSinceFirstOrder: 60,
    });
  });

  it('a currency without a rate gives no base figure, and is left out of a spend in another currency', () => {
    const a = computeAggregates(
      [sale('COMPLETED', '2025-06-01', 100, 'NZD'), sale('COMPLETED', '2025-06-02', 50, 'USD')],
      NOW,
      rules,
    );
    expect(a.currency).toBe('USD');
    expect(a.orderCount).toBe(2);
    expect(a.lifetimeSpend).toBe(50);
    expect(a.lifetimeSpendBase).toBeNull();
  });

  it('the same sale twice counts once, its newest row winning', () => {
    const first = { ...sale('INVOICED', '2025-06-01', 100), saleId: 'dup', updated: '2025-06-01T00:00:00Z' };
    const newer = { ...first, status: 'COMPLETED', invoiceAmount: 80, updated: '2025-06-03T00:00:00Z' };
    expect(computeAggregates([newer, first], NOW, rules)).toMatchObject({ orderCount: 1, lifetimeSpend: 80 });
  });

  it('days count to today in the configured time zone', () => {
    const sydney = parseTagRules({ timeZone: 'Australia/Sydney' });
    const lateUtc = new Date('2025-06-30T20:00:00Z'); // already 1 July in Sydney
    expect(calendarDate(lateUtc, 'Australia/Sydney')).toBe('2025-07-01');
    expect(computeAggregates([sale('COMPLETED', '2025-06-30', 1)], lateUtc, sydney).daysSinceLastOrder).toBe(
      1,
    );
    expect(computeAggregates([sale('COMPLETED', '2025-06-30', 1)], lateUtc, noTable).daysSinceLastOrder).toBe(
      0,
    );
  });

  it('reads saleList rows as the client gives them', () => {
    const row = saleListItemSchema.parse({
      SaleID: 'AB0E1D2C-0000-4000-8000-000000000001',
      Status: 'COMPLETED',
      OrderDate: '2025-06-01T00:00:00',
      CustomerID: 'CD0E1D2C-0000-4000-8000-000000000002',
      InvoiceAmount: '120.5000',
      CustomerCurrency: 'AUD',
      Updated: '2025-06-02T03:04:05.12Z',
    });
    expect(saleFactFromRow(row)).toEqual({
      saleId: 'ab0e1d2c-0000-4000-8000-000000000001',
      customerId: 'cd0e1d2c-0000-4000-8000-000000000002',
      status: 'COMPLETED',
      orderDate: '2025-06-01',
      invoiceAmount: 120.5,
      currency: 'AUD',
      updated: '2025-06-02T03:04:05.120Z',
    });
  });
});

describe('lifecycleStage (defaults: new ≤ 90, repeat ≥ 2, lapsed > 180, churned > 365)', () => {
  const t = rules.lifecycle;
  it.each([
    [0, null, null, 'lead'],
    [1, 0, 0, 'new'],
    [1, 90, 90, 'new'],
    [5, 90, 1, 'new'],
    [1, 91, 91, 'active'],
    [2, 91, 10, 'repeat'],
    [2, 400, 180, 'repeat'],
    [2, 400, 181, 'lapsed'],
    [9, 900, 365, 'lapsed'],
    [9, 900, 366, 'churned'],
  ] as const)('orders %i, first %s days ago, last %s days ago → %s', (n, first, last, stage) => {
    expect(lifecycleStage(n, first, last, t)).toBe(stage);
  });
});
