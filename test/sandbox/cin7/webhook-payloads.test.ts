/**
 * Webhook payloads as the Blueprint's examples show them: Customer/Updated with lower-case GUIDs and
 * zone-less dates, thin sale payloads with UPPER-case GUIDs, dd/MM/yyyy payment dates.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Cin7Sandbox, startCin7Sandbox } from '../../../sandbox/cin7/index.js';
import { type Json, NO_RATE_LIMIT, api, list } from './client.js';
import { type Receiver, startReceiver } from './receiver.js';

const UPPER_GUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;
const LOWER_GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ZONELESS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?$/;

function hook(type: string, url: string, extra: Json = {}): Json {
  return { Type: type, IsActive: true, ExternalURL: url, ExternalAuthorizationType: 'noauth', ...extra };
}

describe('cin7 sandbox webhook payloads', () => {
  let s: Cin7Sandbox;
  let rx: Receiver;
  beforeEach(async () => {
    rx = await startReceiver();
    s = await startCin7Sandbox({ seed: 52, customers: 10, salesPerCustomer: 2, rateLimit: NO_RATE_LIMIT });
  });
  afterEach(async () => {
    await s?.close();
    await rx?.close();
  });

  async function subscribe(type: string, extra: Json = {}): Promise<string> {
    const a = await api(s, 'POST', '/webhooks', hook(type, `${rx.url}/${type}`, extra));
    expect(a.status, a.text).toBe(200);
    return String(list(a, 'Webhooks')[0]?.ID);
  }

  it('sends Customer/Updated in the Blueprint format: siblings, CustomerID on contacts, zone-less time', async () => {
    await subscribe('Customer/Updated');
    const c = s.customers()[0] as unknown as Json;
    const edited = s.control.editCustomer(String(c.ID), { Comments: 'hello' });
    await s.control.flushWebhooks();
    const [d] = await rx.waitFor(1, 5000);
    const body = d?.body as Json;
    expect(body.EventType).toBe('Customer/Updated');
    expect(body.NumberOfCustomers).toBe(1);
    const entry = (body.CustomerDetailsList as Json[])[0] as Json;
    expect(Object.keys(entry).sort()).toEqual(['Addresses', 'Contacts', 'Customer']);
    const customer = entry.Customer as Json;
    expect(customer.ID).toMatch(LOWER_GUID);
    expect(customer.ID).toBe(c.ID);
    expect(customer.Comments).toBe('hello');
    expect(customer.LastModifiedOn).toMatch(ZONELESS);
    expect(`${String(customer.LastModifiedOn)}Z`).toBe(edited.LastModifiedOn);
    expect(customer).not.toHaveProperty('Contacts');
    for (const k of entry.Contacts as Json[]) expect(k.CustomerID).toBe(c.ID);
    expect(d?.headers['content-type']).toContain('application/json');
  });

  it('sends thin sale payloads with UPPER-case GUIDs and date-only SaleOrderDate (Sale/Created)', async () => {
    for (const t of ['Sale/Created', 'Sale/OrderAuthorised', 'Sale/InvoiceAuthorised', 'Sale/Voided'])
      await subscribe(t);
    const c = s.customers().find((x) => x.Status === 'Active') as unknown as Json;
    const sale = s.control.createSale({ CustomerID: String(c.ID), Status: 'ORDERED' });
    s.control.updateSale(String(sale.SaleID), { Status: 'INVOICED' });
    s.control.voidSale(String(sale.SaleID));
    await s.control.flushWebhooks();
    const got = await rx.waitFor(4, 5000);
    const byType = new Map(got.map((r) => [String((r.body as Json).EventType), r.body as Json]));
    const created = byType.get('Sale/Created') as Json;
    expect(created.SaleID).toMatch(UPPER_GUID);
    expect(created.SaleID).toBe(String(sale.SaleID).toUpperCase());
    expect(created.SaleOrderDate).toMatch(/^\d{4}-\d\d-\d\d$/);
    expect(byType.get('Sale/OrderAuthorised')).toEqual({
      SaleID: String(sale.SaleID).toUpperCase(),
      SaleOrderNumber: sale.OrderNumber,
      EventType: 'Sale/OrderAuthorised',
    });
    const invoice = byType.get('Sale/InvoiceAuthorised') as Json;
    expect(invoice.SaleTaskID).toMatch(UPPER_GUID);
    expect(invoice.TenantID).toBe(s.accountId.toUpperCase());
    expect(invoice.InvoiceNumber).toMatch(/^INV-\d{5}$/);
    expect(invoice).not.toHaveProperty('SaleID');
    expect((byType.get('Sale/Voided') as Json).CustomerName).toBe(c.Name);
    for (const body of byType.values()) expect(body).not.toHaveProperty('CustomerID');
  });

  it('sends payment payloads with lower-case SaleID and a dd/MM/yyyy DocumentDate', async () => {
    await subscribe('Sale/PartialPaymentReceived');
    await subscribe('Sale/FullPaymentReceived');
    const c = s.customers().find((x) => x.Status === 'Active') as unknown as Json;
    const sale = s.control.createSale({
      CustomerID: String(c.ID),
      Status: 'INVOICED',
      Lines: [{ SKU: 'Bread', Quantity: 10, Price: 10 }],
    });
    s.control.addPayment(String(sale.SaleID), { Amount: 25, DatePaid: '2026-01-29' });
    s.control.addPayment(String(sale.SaleID), {});
    await s.control.flushWebhooks();
    const got = await rx.waitFor(2, 5000);
    const partial = got.find((r) => (r.body as Json).EventType === 'Sale/PartialPaymentReceived')
      ?.body as Json;
    const full = got.find((r) => (r.body as Json).EventType === 'Sale/FullPaymentReceived')?.body as Json;
    expect(partial.SaleID).toBe(sale.SaleID);
    expect(partial.SaleID).toMatch(LOWER_GUID);
    expect(partial.DocumentDate).toBe('29/01/2026');
    expect(partial.DocumentType).toBe('invoice');
    expect(partial.AmountPercent).toMatch(/^\d+\.\d\d$/);
    expect(full.DocumentDate).toMatch(/^\d\d\/\d\d\/\d{4}$/);
    expect(full).not.toHaveProperty('AmountPercent');
  });
});
