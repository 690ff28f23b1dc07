import { formatBusinessDate, formatUtc, formatUtcTicks } from './clock.js';
import { TENANT } from './reference.js';
import type { SaleRecord, SaleStatus } from './types.js';

/**
 * What a sale's `Status` implies for the other status columns and amounts, following Cin7's
 * "Available Sale Statuses" table (e.g. ORDERED = OrderStatus AUTHORISED, nothing picked).
 */
export interface DerivedStatuses {
  QuoteStatus: string;
  OrderStatus: string;
  CombinedPickingStatus: string;
  CombinedPackingStatus: string;
  CombinedShippingStatus: string;
  FulFilmentStatus: string;
  CombinedInvoiceStatus: string;
  CreditNoteStatus: string;
  CombinedPaymentStatus: string;
}

const ORDER = [
  'DRAFT',
  'ESTIMATING',
  'ESTIMATED',
  'ORDERING',
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
] as const;

function rank(s: SaleStatus): number {
  return (ORDER as readonly string[]).indexOf(s);
}

/** True once the sale has an authorised invoice (its amount counts in `InvoiceAmount`). */
export function isInvoiced(s: SaleStatus): boolean {
  return rank(s) >= rank('INVOICED');
}

export function totals(sale: SaleRecord): { beforeTax: number; tax: number; total: number } {
  const beforeTax = round2(sale.lines.reduce((sum, l) => sum + l.Quantity * l.Price, 0));
  const tax = round2((beforeTax * sale.taxRate) / 100);
  return { beforeTax, tax, total: round2(beforeTax + tax) };
}

export function paidAmount(sale: SaleRecord): number {
  return round2(sale.payments.reduce((s, p) => s + p.Amount, 0));
}

/** Invoice amount minus credit notes, in the customer's currency; a voided sale keeps what it had. */
export function invoiceAmount(sale: SaleRecord): number {
  const effective = sale.status === 'VOIDED' ? sale.statusBeforeVoid : sale.status;
  if (!effective || !isInvoiced(effective)) return 0;
  return round2(totals(sale).total - sale.creditedAmount);
}

export function derive(sale: SaleRecord): DerivedStatuses {
  if (sale.status === 'VOIDED') {
    return {
      QuoteStatus: 'VOIDED',
      OrderStatus: 'VOIDED',
      CombinedPickingStatus: 'VOIDED',
      CombinedPackingStatus: 'VOIDED',
      CombinedShippingStatus: 'VOIDED',
      FulFilmentStatus: 'VOIDED',
      CombinedInvoiceStatus: 'VOIDED',
      CreditNoteStatus: 'NOT AVAILABLE',
      CombinedPaymentStatus: 'VOIDED',
    };
  }
  const r = rank(sale.status);
  const at = (s: SaleStatus) => r >= rank(s);
  const paid = paidAmount(sale);
  const amount = invoiceAmount(sale);
  const payment = paid <= 0 ? 'UNPAID' : paid + 0.005 >= amount && amount > 0 ? 'PAID' : 'PARTIALLY PAID';
  return {
    QuoteStatus:
      sale.status === 'DRAFT' ? 'NOT AVAILABLE' : sale.status === 'ESTIMATING' ? 'DRAFT' : 'AUTHORISED',
    OrderStatus: at('ORDERED') ? 'AUTHORISED' : sale.status === 'ORDERING' ? 'DRAFT' : 'NOT AVAILABLE',
    CombinedPickingStatus: at('PICKED')
      ? 'PICKED'
      : sale.status === 'PICKING'
        ? 'PICKING'
        : at('ORDERED')
          ? 'NOT PICKED'
          : 'NOT AVAILABLE',
    CombinedPackingStatus: at('PACKED')
      ? 'PACKED'
      : sale.status === 'PACKING'
        ? 'PACKING'
        : at('ORDERED')
          ? 'NOT PACKED'
          : 'NOT AVAILABLE',
    CombinedShippingStatus:
      sale.status === 'COMPLETED' ||
      sale.status === 'INVOICED' ||
      sale.status === 'CREDITED' ||
      sale.status === 'INVOICING'
        ? 'SHIPPED'
        : sale.status === 'SHIPPING'
          ? 'SHIPPING'
          : at('ORDERED')
            ? 'NOT SHIPPED'
            : 'NOT AVAILABLE',
    FulFilmentStatus: at('INVOICING') ? 'FULFILLED' : at('ORDERED') ? 'NOT FULFILLED' : 'NOT AVAILABLE',
    CombinedInvoiceStatus:
      sale.status === 'COMPLETED' || (isInvoiced(sale.status) && payment === 'PAID')
        ? 'PAID'
        : isInvoiced(sale.status)
          ? 'INVOICED'
          : sale.status === 'INVOICING'
            ? 'DRAFT'
            : at('ORDERED')
              ? 'NOT INVOICED'
              : 'NOT AVAILABLE',
    CreditNoteStatus: sale.status === 'CREDITED' ? 'AUTHORISED' : 'NOT AVAILABLE',
    CombinedPaymentStatus: isInvoiced(sale.status) ? payment : 'UNPAID',
  };
}

export interface SaleCustomerView {
  name: string;
  contact: { Name: string; Phone: string | null; Email: string | null } | null;
  billing: {
    Line1: string;
    Line2: string | null;
    City: string | null;
    State: string | null;
    Postcode: string | null;
    Country: string;
  } | null;
  taxRule: string;
  paymentTerm: string;
  priceTier: string | null;
  salesRep: string | null;
  carrier: string | null;
}

const DAY = 86_400_000;

/** A `SaleList` row with the documented fields (A25 adds `SaleInvoicesTotalAmount`, `CombinedPaymentTotal`). */
export function saleRow(sale: SaleRecord, customerName: string): Record<string, unknown> {
  const d = derive(sale);
  const amount = invoiceAmount(sale);
  const paid = paidAmount(sale);
  return {
    SaleID: sale.id,
    OrderNumber: sale.orderNumber,
    Status: sale.status,
    OrderDate: formatBusinessDate(sale.orderDateMs),
    InvoiceDate: sale.invoiceDateMs === null ? null : formatBusinessDate(sale.invoiceDateMs),
    Customer: customerName,
    CustomerID: sale.customerId,
    InvoiceNumber: sale.invoiceNumber,
    CustomerReference: sale.customerReference,
    InvoiceAmount: amount,
    PaidAmount: paid,
    SaleInvoicesTotalAmount: sale.invoiceNumber ? totals(sale).total : 0,
    CombinedPaymentTotal: paid,
    InvoiceDueDate: sale.invoiceDateMs === null ? null : formatBusinessDate(sale.invoiceDateMs + 30 * DAY),
    ShipBy: sale.shipByMs === null ? null : formatBusinessDate(sale.shipByMs),
    BaseCurrency: TENANT.Currency,
    CustomerCurrency: sale.currency,
    CreditNoteNumber: sale.creditNoteNumber,
    Updated: formatUtc(sale.updatedMs),
    QuoteStatus: d.QuoteStatus,
    OrderStatus: d.OrderStatus,
    CombinedPickingStatus: d.CombinedPickingStatus,
    CombinedPaymentStatus: d.CombinedPaymentStatus,
    CombinedTrackingNumbers: sale.trackingNumber,
    CombinedPackingStatus: d.CombinedPackingStatus,
    CombinedShippingStatus: d.CombinedShippingStatus,
    CombinedInvoiceStatus: d.CombinedInvoiceStatus,
    CreditNoteStatus: d.CreditNoteStatus,
    FulFilmentStatus: d.FulFilmentStatus,
    Type: sale.type,
    SourceChannel: sale.sourceChannel,
    ExternalID: sale.externalId,
    OrderLocationID: sale.locationId,
  };
}

function displayLines(a: NonNullable<SaleCustomerView['billing']>): { l1: string; l2: string } {
  return {
    l1: [a.Line1, a.Line2].filter(Boolean).join(' '),
    l2: [a.City, a.State, a.Postcode].filter(Boolean).join(' '),
  };
}

/**
 * `GET /sale?ID=`: the header, quote, order and invoice of a sale. Fulfilment detail, inventory
 * movements and transactions are left out (README: "What the sandbox leaves out").
 */
export function saleDetail(
  sale: SaleRecord,
  c: SaleCustomerView,
  locationName: string,
): Record<string, unknown> {
  const d = derive(sale);
  const t = totals(sale);
  const lines = sale.lines.map((l) => ({
    ProductID: l.ProductID,
    SKU: l.SKU,
    Name: l.Name,
    Quantity: l.Quantity,
    Price: l.Price,
    Discount: 0,
    Tax: round2((l.Quantity * l.Price * sale.taxRate) / 100),
    AverageCost: round2(l.Price * 0.6),
    TaxRule: c.taxRule,
    Comment: '',
    Total: round2(l.Quantity * l.Price),
  }));
  const billing = c.billing
    ? {
        DisplayAddressLine1: displayLines(c.billing).l1,
        DisplayAddressLine2: displayLines(c.billing).l2,
        ...c.billing,
      }
    : null;
  const shipping = billing
    ? { ...billing, Company: c.name, Contact: c.contact?.Name ?? null, ShipToOther: false }
    : null;
  const invoices =
    sale.invoiceNumber && sale.invoiceDateMs !== null
      ? [
          {
            TaskID: sale.invoiceTaskId ?? sale.id,
            InvoiceNumber: sale.invoiceNumber,
            Memo: '',
            Status:
              sale.status === 'VOIDED'
                ? 'VOIDED'
                : d.CombinedInvoiceStatus === 'PAID'
                  ? 'PAID'
                  : 'AUTHORISED',
            InvoiceDate: formatBusinessDate(sale.invoiceDateMs),
            InvoiceDueDate: formatBusinessDate(sale.invoiceDateMs + 30 * DAY),
            CurrencyConversionRate: sale.currencyRate,
            BillingAddressLine1: billing?.DisplayAddressLine1 ?? '',
            BillingAddressLine2: billing?.DisplayAddressLine2 ?? '',
            LinkedFulfillmentNumber: '1',
            Lines: lines.map((l) => ({ ...l, Account: '200' })),
            AdditionalCharges: [],
            Payments: sale.payments.map((p) => ({
              ID: p.ID,
              Reference: '',
              Amount: p.Amount,
              DatePaid: formatBusinessDate(p.datePaidMs),
              Account: '090',
              CurrencyRate: sale.currencyRate,
              DateCreated: formatUtcTicks(p.createdMs),
            })),
            TotalBeforeTax: t.beforeTax,
            Tax: t.tax,
            Total: t.total,
            Paid: paidAmount(sale),
          },
        ]
      : [];
  return {
    ID: sale.id,
    Customer: c.name,
    CustomerID: sale.customerId,
    Contact: c.contact?.Name ?? null,
    Phone: c.contact?.Phone ?? null,
    Email: c.contact?.Email ?? null,
    DefaultAccount: '200',
    SkipQuote: false,
    BillingAddress: billing,
    ShippingAddress: shipping,
    ShippingNotes: '',
    BaseCurrency: TENANT.Currency,
    CustomerCurrency: sale.currency,
    TaxRule: c.taxRule,
    TaxCalculation: 'Exclusive',
    Terms: c.paymentTerm,
    PriceTier: c.priceTier,
    ShipBy: sale.shipByMs === null ? null : formatBusinessDate(sale.shipByMs),
    Location: locationName,
    SaleOrderDate: formatBusinessDate(sale.orderDateMs),
    LastModifiedOn: formatUtc(sale.updatedMs),
    Note: '',
    CustomerReference: sale.customerReference,
    COGSAmount: round2(t.beforeTax * 0.6),
    Status: sale.status,
    CombinedPickingStatus: d.CombinedPickingStatus,
    CombinedPackingStatus: d.CombinedPackingStatus,
    CombinedShippingStatus: d.CombinedShippingStatus,
    FulFilmentStatus: d.FulFilmentStatus,
    CombinedInvoiceStatus: d.CombinedInvoiceStatus,
    CombinedPaymentStatus: d.CombinedPaymentStatus,
    CombinedTrackingNumbers: sale.trackingNumber,
    Carrier: c.carrier,
    CurrencyRate: sale.currencyRate,
    SalesRepresentative: c.salesRep,
    ServiceOnly: false,
    Type: sale.type,
    SourceChannel: sale.sourceChannel,
    Quote: {
      Memo: '',
      Status: d.QuoteStatus,
      Prepayments: [],
      Lines: d.QuoteStatus === 'NOT AVAILABLE' ? [] : lines,
      AdditionalCharges: [],
      TotalBeforeTax: t.beforeTax,
      Tax: t.tax,
      Total: t.total,
    },
    Order: {
      SaleOrderNumber: sale.orderNumber,
      Memo: '',
      Status: d.OrderStatus,
      Lines:
        d.OrderStatus === 'NOT AVAILABLE'
          ? []
          : lines.map((l) => ({
              ...l,
              DropShip: false,
              Backorder: sale.status === 'BACKORDERED',
              BackorderQuantity: 0,
            })),
      AdditionalCharges: [],
      TotalBeforeTax: t.beforeTax,
      Tax: t.tax,
      Total: t.total,
    },
    Fulfilments: [],
    Invoices: invoices,
    CreditNotes: sale.creditNoteNumber
      ? [
          {
            TaskID: sale.invoiceTaskId ?? sale.id,
            CreditNoteInvoiceNumber: sale.invoiceNumber,
            Memo: '',
            Status: 'AUTHORISED',
            CreditNoteDate: formatBusinessDate(sale.updatedMs),
            CreditNoteNumber: sale.creditNoteNumber,
            CreditNoteConversionRate: sale.currencyRate,
            Lines: [],
            AdditionalCharges: [],
            Refunds: [],
            Restock: [],
            TotalBeforeTax: sale.creditedAmount,
            Tax: 0,
            Total: sale.creditedAmount,
          },
        ]
      : [],
    ExternalID: sale.externalId,
    Attachments: [],
  };
}

export function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
