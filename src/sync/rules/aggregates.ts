/**
 * Purchase aggregates of one customer from its sales (pure): order count, lifetime spend and
 * average order value in the customer's currency (and in a base currency through the conversion
 * table), first and last order date, days since, lifecycle stage.
 */
import type { Cin7SaleListItem } from '../../cin7/schemas.js';
import { daysBetween } from './condition.js';
import type { LifecycleStage, LifecycleThresholds, PurchaseAggregates, SaleFact, TagRules } from './types.js';

/**
 * Sale statuses that count as orders. Left out: `DRAFT`, `ESTIMATING` and `ESTIMATED` (quotes),
 * `ORDERING` (an order still being entered, not authorised) and `VOIDED` (a voided sale keeps its
 * amount in Cin7, so it must be left out explicitly). `CREDITED` counts: its amount is already net
 * of the credit note. Statuses not listed (future ones) do not count.
 */
export const COUNTED_STATUSES: readonly string[] = [
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

export const DEFAULT_LIFECYCLE: LifecycleThresholds = {
  newWithinDays: 90,
  repeatMinOrders: 2,
  lapsedAfterDays: 180,
  churnedAfterDays: 365,
};

/**
 * The facts of a `saleList` row.
 *
 * @example
 * for await (const row of cin7.sales({ UpdatedSince })) facts.push(saleFactFromRow(row));
 */
export function saleFactFromRow(row: Cin7SaleListItem): SaleFact {
  return {
    saleId: row.SaleID,
    customerId: row.CustomerID ?? '',
    status: row.Status ?? '',
    orderDate: row.OrderDate,
    invoiceAmount: row.InvoiceAmount,
    currency: row.CustomerCurrency,
    updated: row.Updated,
  };
}

/**
 * Today's calendar date (`yyyy-MM-dd`) in `timeZone`.
 *
 * @example
 * calendarDate(new Date('2025-06-30T23:30:00Z'), 'Australia/Sydney'); // '2025-07-01'
 */
export function calendarDate(now: Date, timeZone: string): string {
  let format = FORMATS.get(timeZone);
  if (!format) {
    // Building a formatter costs tens of microseconds: one per zone, reused.
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    FORMATS.set(timeZone, format);
  }
  return format.format(now);
}

const FORMATS = new Map<string, Intl.DateTimeFormat>();

const round2 = (n: number): number => Math.round(n * 100) / 100;

/**
 * The lifecycle stage, checked in this order: `lead` (no orders); `churned` (last order more than
 * `churnedAfterDays` ago); `lapsed` (more than `lapsedAfterDays`); `new` (first order at most
 * `newWithinDays` ago); `repeat` (at least `repeatMinOrders` orders); `active` (otherwise).
 *
 * @example
 * lifecycleStage(3, 400, 20, DEFAULT_LIFECYCLE); // 'repeat'
 */
export function lifecycleStage(
  orderCount: number,
  daysSinceFirst: number | null,
  daysSinceLast: number | null,
  t: LifecycleThresholds,
): LifecycleStage {
  if (orderCount === 0) return 'lead';
  if (daysSinceLast !== null && daysSinceLast > t.churnedAfterDays) return 'churned';
  if (daysSinceLast !== null && daysSinceLast > t.lapsedAfterDays) return 'lapsed';
  if (daysSinceFirst !== null && daysSinceFirst <= t.newWithinDays) return 'new';
  if (orderCount >= t.repeatMinOrders) return 'repeat';
  return 'active';
}

/**
 * Aggregates over one customer's sales. Pure. Only `rules.countedStatuses` count (by default
 * `COUNTED_STATUSES`: no drafts, quotes or voids); a sale given twice counts once (its newest
 * `updated` wins). A sale in another currency than the latest order's is converted through the
 * table when both rates are known, and otherwise left out of the spend (it still counts as an order).
 *
 * @example
 * const agg = computeAggregates(factsOf(customer.ID), new Date(), rules);
 * agg.lifecycleStage; // 'repeat'
 */
export function computeAggregates(
  sales: readonly SaleFact[],
  now: Date,
  rules: TagRules,
): PurchaseAggregates {
  const counted = new Set(rules.countedStatuses.map((s) => s.toUpperCase()));
  const latest = new Map<string, SaleFact>();
  for (const s of sales) {
    const prev = latest.get(s.saleId);
    if (!prev || (s.updated ?? '') >= (prev.updated ?? '')) latest.set(s.saleId, s);
  }
  const orders = [...latest.values()].filter((s) => counted.has(s.status.trim().toUpperCase()));
  const today = calendarDate(now, rules.timeZone);

  const byDate = [...orders].sort((a, b) =>
    (a.orderDate ?? '') === (b.orderDate ?? '')
      ? (a.updated ?? '').localeCompare(b.updated ?? '')
      : (a.orderDate ?? '').localeCompare(b.orderDate ?? ''),
  );
  const currency =
    [...byDate]
      .reverse()
      .find((s) => s.currency)
      ?.currency?.toUpperCase() ?? null;
  const rates = rules.currency?.rates ?? {};
  const rateOf = (code: string | null): number | undefined => {
    if (!rules.currency || !code) return undefined;
    const c = code.toUpperCase();
    return c === rules.currency.base ? 1 : rates[c];
  };

  let spend = 0;
  let base: number | null = rules.currency ? 0 : null;
  for (const s of orders) {
    const amount = s.invoiceAmount ?? 0;
    const cur = s.currency?.toUpperCase() ?? currency;
    if (cur === currency) spend += amount;
    else {
      const from = rateOf(cur);
      const to = rateOf(currency);
      if (from !== undefined && to !== undefined && to > 0) spend += (amount * from) / to;
    }
    if (base !== null) {
      const r = rateOf(cur);
      base = r === undefined ? null : base + amount * r;
    }
  }
  const dates = byDate.map((s) => s.orderDate).filter((d): d is string => d !== null);
  const first = dates[0] ?? null;
  const last = dates[dates.length - 1] ?? null;
  const sinceLast = last === null ? null : Math.max(0, daysBetween(last, today));
  const sinceFirst = first === null ? null : Math.max(0, daysBetween(first, today));
  const n = orders.length;
  const lifetimeSpend = round2(spend);
  const lifetimeSpendBase = base === null || n === 0 ? (n === 0 && rules.currency ? 0 : null) : round2(base);
  return {
    orderCount: n,
    lifetimeSpend,
    averageOrderValue: n > 0 ? round2(spend / n) : null,
    currency,
    lifetimeSpendBase,
    averageOrderValueBase: n > 0 && lifetimeSpendBase !== null ? round2((base as number) / n) : null,
    firstOrderDate: first,
    lastOrderDate: last,
    daysSinceLastOrder: sinceLast,
    daysSinceFirstOrder: sinceFirst,
    lifecycleStage: lifecycleStage(n, sinceFirst, sinceLast, rules.lifecycle),
  };
}
