/** GET /saleList and GET /sale: filters, amounts in the customer's currency, statuses, user changes. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cin7Sandbox, startCin7Sandbox } from '../../../sandbox/cin7/index.js';
import { type Json, NO_RATE_LIMIT, api, json, list } from './client.js';

const CUSTOMERS = 60;
const PER = 5;
const DAY = 86_400_000;

describe('cin7 sandbox sales', () => {
  let s: Cin7Sandbox;
  let rows: Json[];
  beforeAll(async () => {
    s = await startCin7Sandbox({
      seed: 31,
      customers: CUSTOMERS,
      salesPerCustomer: PER,
      rateLimit: NO_RATE_LIMIT,
    });
    rows = [];
    for (let page = 1; ; page++) {
      const got = list(await api(s, 'GET', `/saleList?Page=${page}&Limit=100`), 'SaleList');
      rows.push(...got);
      if (got.length < 100) break;
    }
  });
  afterAll(async () => {
    await s?.close();
  });

  it('lists M sales per customer with mixed statuses, VOIDED and DRAFT included', () => {
    expect(rows).toHaveLength(CUSTOMERS * PER);
    const perCustomer = new Map<string, number>();
    for (const r of rows)
      perCustomer.set(String(r.CustomerID), (perCustomer.get(String(r.CustomerID)) ?? 0) + 1);
    expect([...perCustomer.values()].every((n) => n === PER)).toBe(true);
    const statuses = new Set(rows.map((r) => r.Status));
    for (const st of ['VOIDED', 'DRAFT', 'COMPLETED', 'INVOICED', 'ORDERED']) expect(statuses).toContain(st);
  });

  it('spreads order dates over the last two years and lists newest order first', () => {
    const now = Date.now();
    const dates = rows.map((r) => Date.parse(`${String(r.OrderDate)}Z`));
    for (const d of dates) {
      expect(d).toBeLessThanOrEqual(now);
      expect(d).toBeGreaterThan(now - 731 * DAY);
    }
    expect(Math.max(...dates) - Math.min(...dates)).toBeGreaterThan(365 * DAY);
    expect(dates).toEqual([...dates].sort((a, b) => b - a));
  });

  it('gives InvoiceAmount in the customer currency: invoice total minus credit notes, from the sale lines', async () => {
    const invoiced = rows.filter(
      (r) => r.Status === 'COMPLETED' || r.Status === 'INVOICED' || r.Status === 'CREDITED',
    );
    const foreign = invoiced.find((r) => r.CustomerCurrency !== 'USD');
    expect(foreign, 'a seeded invoiced sale in another currency').toBeDefined();
    for (const row of [...invoiced.slice(0, 8), foreign as Json]) {
      const sale = json(await api(s, 'GET', `/sale?ID=${String(row.SaleID)}`));
      expect(sale.CustomerCurrency).toBe(row.CustomerCurrency);
      const lines = ((sale.Order as Json).Lines as Json[]).map((l) => Number(l.Quantity) * Number(l.Price));
      const beforeTax = lines.reduce((a, b) => a + b, 0);
      const customer = s.customers().find((c) => c.ID === row.CustomerID);
      const rate = customer?.TaxRule === 'Sales Tax' ? 0.08875 : 0;
      const tax = Math.round(beforeTax * rate * 100) / 100;
      const credited = ((sale.CreditNotes as Json[])[0]?.Total as number | undefined) ?? 0;
      expect(Number(row.InvoiceAmount)).toBeCloseTo(beforeTax + tax - credited, 2);
      expect(row.BaseCurrency).toBe('USD');
    }
    for (const r of rows.filter((x) => ['DRAFT', 'ORDERED', 'ESTIMATED'].includes(String(x.Status))))
      expect(r.InvoiceAmount).toBe(0);
  });

  it('filters by Status and OrderStatus (case-insensitive) and by Search over customer name and numbers', async () => {
    const voided = list(await api(s, 'GET', '/saleList?Status=voided&Limit=1000'), 'SaleList');
    expect(voided.length).toBe(rows.filter((r) => r.Status === 'VOIDED').length);
    const ordered = list(await api(s, 'GET', '/saleList?OrderStatus=AUTHORISED&Limit=1000'), 'SaleList');
    expect(ordered.length).toBe(rows.filter((r) => r.OrderStatus === 'AUTHORISED').length);
    const target = rows[4] as Json;
    const byName = list(
      await api(
        s,
        'GET',
        `/saleList?Search=${encodeURIComponent(String(target.Customer).slice(2, 9))}&Limit=1000`,
      ),
      'SaleList',
    );
    expect(byName.map((r) => r.SaleID)).toContain(target.SaleID);
    const byNumber = list(await api(s, 'GET', `/saleList?Search=${String(target.OrderNumber)}`), 'SaleList');
    expect(byNumber.map((r) => r.SaleID)).toEqual([target.SaleID]);
  });

  it('UpdatedSince and CreatedSince are exclusive ("after"), UpdatedUntil inclusive', async () => {
    const times = rows.map((r) => Date.parse(String(r.Updated))).sort((a, b) => a - b);
    const pivot = times[Math.floor(times.length / 2)] as number;
    const iso = new Date(pivot).toISOString();
    const since = list(await api(s, 'GET', `/saleList?UpdatedSince=${iso}&Limit=1000`), 'SaleList');
    expect(since.length).toBe(times.filter((t) => t > pivot).length);
    const until = list(await api(s, 'GET', `/saleList?UpdatedUntil=${iso}&Limit=1000`), 'SaleList');
    expect(until.length).toBe(times.filter((t) => t <= pivot).length);
    const recent = list(
      await api(
        s,
        'GET',
        `/saleList?UpdatedSince=${new Date(times[times.length - 3] as number).toISOString()}`,
      ),
      'SaleList',
    );
    expect(recent.length).toBe(times.filter((t) => t > (times[times.length - 3] as number)).length);
  });

  it('GET /sale without or with an unknown ID answers 400', async () => {
    expect((await api(s, 'GET', '/sale')).status).toBe(400);
    expect((await api(s, 'GET', '/sale?ID=0365e5bb-e5ea-4a45-b98b-fdc4466bdaf1')).status).toBe(400);
  });

  it('follows a sale a user creates, invoices, pays and voids, with Updated moving each time', async () => {
    const customer = s.customers().find((c) => c.Status === 'Active') as unknown as Json;
    const created = s.control.createSale({
      CustomerID: String(customer.ID),
      Lines: [{ SKU: 'HAM-16', Quantity: 2, Price: 20 }],
    });
    expect(created.Status).toBe('DRAFT');
    expect(created.InvoiceAmount).toBe(0);
    const since = new Date(Date.parse(String(created.Updated)) - 1).toISOString();
    const listed = list(await api(s, 'GET', `/saleList?UpdatedSince=${since}`), 'SaleList');
    expect(listed.map((r) => r.SaleID)).toContain(created.SaleID);
    const invoiced = s.control.updateSale(String(created.SaleID), { Status: 'INVOICED' });
    expect(invoiced.InvoiceNumber).toMatch(/^INV-\d{5}$/);
    const taxRate = customer.TaxRule === 'Sales Tax' ? 0.08875 : 0;
    const total = Math.round(40 * (1 + taxRate) * 100) / 100;
    expect(invoiced.InvoiceAmount).toBeCloseTo(total, 2);
    expect(invoiced.CombinedPaymentStatus).toBe('UNPAID');
    const partial = s.control.addPayment(String(created.SaleID), { Amount: 10 });
    expect(partial.PaidAmount).toBe(10);
    expect(partial.CombinedPaymentStatus).toBe('PARTIALLY PAID');
    const paid = s.control.addPayment(String(created.SaleID), {});
    expect(paid.PaidAmount).toBeCloseTo(total, 2);
    expect(paid.Status).toBe('COMPLETED');
    const voided = s.control.voidSale(String(created.SaleID));
    expect(voided.Status).toBe('VOIDED');
    expect(Date.parse(String(voided.Updated))).toBeGreaterThanOrEqual(Date.parse(String(paid.Updated)));
  });
});
