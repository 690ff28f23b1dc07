/**
 * Runtime validation of Cin7 Core answers (zod 4), lenient where the data is loose: nulls almost
 * anywhere, numbers as strings, GUIDs in either case (→ lower case), timestamps in any of Cin7's
 * forms (→ ISO UTC with milliseconds), business dates as calendar dates. Unknown fields are dropped
 * from the typed view; the client keeps the raw record where it must send it back (PUT).
 */
import { z } from 'zod';
import {
  guid,
  looseArray,
  looseBoolean,
  looseCalendarDate,
  looseGuid,
  looseNumber,
  looseString,
  looseTimestamp,
  requiredString,
} from './normalize.js';

export const contactSchema = z.object({
  ID: guid,
  Name: looseString,
  JobTitle: looseString,
  Phone: looseString,
  MobilePhone: looseString,
  Fax: looseString,
  Email: looseString,
  Website: looseString,
  Comment: looseString,
  Default: looseBoolean.transform((v) => v ?? false),
  IncludeInEmail: looseBoolean.transform((v) => v ?? false),
  /** 1 Unknown, 2 Opt in, 3 Opt out (null when the tenant's API predates the field). */
  MarketingConsent: looseNumber,
  CustomerID: looseGuid,
});
export type Cin7Contact = z.output<typeof contactSchema>;

export const addressSchema = z.object({
  ID: guid,
  Line1: looseString,
  Line2: looseString,
  City: looseString,
  State: looseString,
  Postcode: looseString,
  /** A country name (e.g. "United States"), not an ISO code. */
  Country: looseString,
  Type: looseString,
  DefaultForType: looseBoolean.transform((v) => v ?? false),
  CustomerID: looseGuid,
});
export type Cin7Address = z.output<typeof addressSchema>;

const additionalAttributes = Object.fromEntries(
  Array.from({ length: 10 }, (_, i) => [`AdditionalAttribute${i + 1}`, looseString]),
) as Record<`AdditionalAttribute${1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10}`, typeof looseString>;

export const customerSchema = z.object({
  ID: guid,
  Name: requiredString,
  DisplayName: looseString,
  Status: looseString,
  Currency: looseString,
  PaymentTerm: looseString,
  Discount: looseNumber,
  TaxRule: looseString,
  Carrier: looseString,
  SalesRepresentative: looseString,
  Location: looseString,
  Comments: looseString,
  AccountReceivable: looseString,
  RevenueAccount: looseString,
  PriceTier: looseString,
  TaxNumber: looseString,
  ...additionalAttributes,
  AttributeSet: looseString,
  /** One comma-separated string, as Cin7 sends it. */
  Tags: looseString,
  CreditLimit: looseNumber,
  IsOnCreditHold: looseBoolean,
  /** ISO UTC with milliseconds; null only if Cin7 leaves it out. */
  LastModifiedOn: looseTimestamp,
  IsLegalEntity: looseBoolean,
  CustomerParentID: looseGuid,
  CustomerParentName: looseString,
  IsBillParent: looseBoolean,
  ChildCustomers: looseArray(z.object({ CustomerID: guid, CustomerName: looseString })),
  Addresses: looseArray(addressSchema),
  Contacts: looseArray(contactSchema),
});
export type Cin7Customer = z.output<typeof customerSchema>;

/** `Total`/`Page` envelope fields (numbers, or strings in some renderings). */
const envelope = {
  Total: looseNumber.transform((v) => v ?? 0),
  Page: looseNumber.transform((v) => v ?? 1),
};

export const customerListSchema = z.object({ ...envelope, CustomerList: looseArray(customerSchema) });

export const saleListItemSchema = z.object({
  SaleID: guid,
  OrderNumber: looseString,
  Status: looseString,
  OrderDate: looseCalendarDate,
  InvoiceDate: looseCalendarDate,
  Customer: looseString,
  CustomerID: looseGuid,
  InvoiceNumber: looseString,
  CustomerReference: looseString,
  InvoiceAmount: looseNumber,
  PaidAmount: looseNumber,
  SaleInvoicesTotalAmount: looseNumber,
  CombinedPaymentTotal: looseNumber,
  InvoiceDueDate: looseCalendarDate,
  ShipBy: looseCalendarDate,
  BaseCurrency: looseString,
  CustomerCurrency: looseString,
  CreditNoteNumber: looseString,
  /** Last created or updated, ISO UTC with milliseconds. */
  Updated: looseTimestamp,
  QuoteStatus: looseString,
  OrderStatus: looseString,
  CombinedPickingStatus: looseString,
  CombinedPackingStatus: looseString,
  CombinedShippingStatus: looseString,
  FulFilmentStatus: looseString,
  CombinedInvoiceStatus: looseString,
  CreditNoteStatus: looseString,
  CombinedPaymentStatus: looseString,
  Type: looseString,
  CombinedTrackingNumbers: looseString,
  SourceChannel: looseString,
  ExternalID: looseString,
  OrderLocationID: looseGuid,
});
export type Cin7SaleListItem = z.output<typeof saleListItemSchema>;

export const saleListSchema = z.object({ ...envelope, SaleList: looseArray(saleListItemSchema) });

/** `GET /sale`: the header fields a sync reads; sections (Order, Invoices, …) kept as loose JSON. */
export const saleSchema = z.object({
  ID: guid,
  Customer: looseString,
  CustomerID: looseGuid,
  Contact: looseString,
  Phone: looseString,
  Email: looseString,
  Status: looseString,
  Type: looseString,
  SaleOrderDate: looseCalendarDate,
  LastModifiedOn: looseTimestamp,
  BaseCurrency: looseString,
  CustomerCurrency: looseString,
  CurrencyRate: looseNumber,
  TaxRule: looseString,
  Terms: looseString,
  PriceTier: looseString,
  Location: looseString,
  SalesRepresentative: looseString,
  SourceChannel: looseString,
  ExternalID: looseString,
  CombinedInvoiceStatus: looseString,
  CombinedPaymentStatus: looseString,
  Order: z.unknown().optional(),
  Quote: z.unknown().optional(),
  Invoices: looseArray(z.unknown()),
  CreditNotes: looseArray(z.unknown()),
});
export type Cin7Sale = z.output<typeof saleSchema>;

export const webhookSchema = z.object({
  ID: guid,
  Type: requiredString,
  Name: looseString,
  IsActive: looseBoolean.transform((v) => v ?? false),
  ExternalURL: looseString,
  ExternalAuthorizationType: looseString,
  ExternalUserName: looseString,
  ExternalPassword: looseString,
  ExternalBearerToken: looseString,
  ExternalHeaders: looseArray(z.object({ Key: requiredString, Value: looseString })),
});
export type Cin7Webhook = z.output<typeof webhookSchema>;

/**
 * `{Webhooks: [...]}`; a bare webhook object (Pipedream reads a bare `ID` from POST: the real
 * answer shape is unconfirmed, NOTES §5) is accepted as a list of one.
 */
export const webhookListSchema = z.unknown().transform((body, ctx): Cin7Webhook[] => {
  const wrapped = typeof body === 'object' && body !== null && 'Webhooks' in body;
  const parsed = wrapped
    ? z.object({ Webhooks: looseArray(webhookSchema) }).safeParse(body)
    : webhookSchema.transform((w) => ({ Webhooks: [w] })).safeParse(body);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, code: 'custom' });
    return z.NEVER;
  }
  return parsed.data.Webhooks;
});

export const meSchema = z.object({
  Company: looseString,
  Currency: looseString,
  TimeZone: looseString,
  DefaultSaleTaxRuleId: looseGuid,
  DefaultSaleTaxRuleName: looseString,
  Country: looseString,
});
export type Cin7Me = z.output<typeof meSchema>;

/** Reference lists: every item is kept whole (loose JSON objects); the sync reads names and codes. */
const refItem = z.record(z.string(), z.unknown());
export type Cin7RefItem = z.output<typeof refItem>;

/** Reads `{Total, Page, <listKey>: [...]}` (or an unpaged `{<listKey>: [...]}`) of reference data. */
export function refListSchema(listKey: string) {
  const items = looseArray(refItem);
  return z.looseObject({ Total: looseNumber, Page: looseNumber }).transform((v, ctx) => {
    const list = items.safeParse((v as Record<string, unknown>)[listKey]);
    if (!list.success) {
      ctx.addIssue({ code: 'custom', message: `${listKey}: expected an array of objects` });
      return z.NEVER;
    }
    return { Total: v.Total, Page: v.Page, items: list.data as Cin7RefItem[] };
  });
}
