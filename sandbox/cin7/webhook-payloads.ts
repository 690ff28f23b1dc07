import { formatDateOnly, formatDayMonthYear, formatZoneless } from './clock.js';
import type { Cin7Customer, SaleRecord } from './types.js';

/**
 * Webhook bodies shaped exactly like the Blueprint's "Webhooks payload examples": `Customer/Updated`
 * with lower-case GUIDs, `Addresses`/`Contacts` beside (not inside) `Customer` and a zone-less
 * `LastModifiedOn`; thin sale payloads with UPPER-case GUIDs; payment payloads with lower-case
 * `SaleID` and a `dd/MM/yyyy` `DocumentDate`; `Sale/Created` (newer Blueprint) with a date-only
 * `SaleOrderDate`.
 */

export type Payload = Record<string, unknown>;

/** One entry of `CustomerDetailsList`, captured when the change happened. */
export function customerDetails(c: Cin7Customer, modifiedMs: number): Payload {
  return {
    Customer: {
      ID: c.ID,
      Name: c.Name,
      Currency: c.Currency,
      PaymentTerm: c.PaymentTerm,
      Discount: c.Discount,
      TaxRule: c.TaxRule,
      Carrier: c.Carrier,
      SalesRepresentative: c.SalesRepresentative,
      Location: c.Location,
      Comments: c.Comments,
      AccountReceivable: c.AccountReceivable,
      RevenueAccount: c.RevenueAccount,
      PriceTier: c.PriceTier,
      TaxNumber: c.TaxNumber,
      AdditionalAttribute1: c.AdditionalAttribute1,
      AdditionalAttribute2: c.AdditionalAttribute2,
      AdditionalAttribute3: c.AdditionalAttribute3,
      AdditionalAttribute4: c.AdditionalAttribute4,
      AdditionalAttribute5: c.AdditionalAttribute5,
      AdditionalAttribute6: c.AdditionalAttribute6,
      AdditionalAttribute7: c.AdditionalAttribute7,
      AdditionalAttribute8: c.AdditionalAttribute8,
      AdditionalAttribute9: c.AdditionalAttribute9,
      AdditionalAttribute10: c.AdditionalAttribute10,
      AttributeSet: c.AttributeSet,
      Tags: c.Tags,
      Status: c.Status,
      LastModifiedOn: formatZoneless(modifiedMs),
      CreditLimit: c.CreditLimit,
    },
    Addresses: c.Addresses.map((a) => ({
      ID: a.ID,
      CustomerID: c.ID,
      Line1: a.Line1,
      Line2: a.Line2,
      City: a.City,
      State: a.State,
      Postcode: a.Postcode,
      Country: a.Country,
      Type: a.Type,
      DefaultForType: a.DefaultForType,
    })),
    Contacts: c.Contacts.map((k) => ({
      ID: k.ID,
      CustomerID: c.ID,
      Name: k.Name,
      JobTitle: k.JobTitle,
      Phone: k.Phone,
      MobilePhone: k.MobilePhone,
      Fax: k.Fax,
      Email: k.Email,
      Website: k.Website,
      Default: k.Default,
      Comment: k.Comment,
      IncludeInEmail: k.IncludeInEmail,
    })),
  };
}

export function customerUpdated(details: Payload[]): Payload {
  return { NumberOfCustomers: details.length, CustomerDetailsList: details, EventType: 'Customer/Updated' };
}

export interface SaleParty {
  customerName: string;
  contactName: string | null;
  contactEmail: string | null;
  salesRepEmail: string | null;
}

/** Builds the payload for a sale event type; `extra` carries the payment for payment events. */
export function salePayload(
  type: string,
  sale: SaleRecord,
  party: SaleParty,
  tenantId: string,
  extra: { amountPercent?: number; documentDateMs?: number } = {},
): Payload {
  const ID = sale.id.toUpperCase();
  const who = {
    CustomerName: party.customerName,
    CustomerContactName: party.contactName,
    CustomerContactEmail: party.contactEmail,
  };
  switch (type) {
    case 'Sale/QuoteAuthorised':
    case 'Sale/OrderAuthorised':
    case 'Sale/Backordered':
      return { SaleID: ID, SaleOrderNumber: sale.orderNumber, EventType: type };
    case 'Sale/Voided':
      return { SaleID: ID, SaleOrderNumber: sale.orderNumber, EventType: type, ...who };
    case 'Sale/ShipmentAuthorised':
      return {
        SaleTaskID: ID,
        TenantID: tenantId.toUpperCase(),
        OrderNumber: sale.orderNumber,
        ...who,
        EventType: type,
      };
    case 'Sale/InvoiceAuthorised':
      return {
        SaleTaskID: ID,
        TenantID: tenantId.toUpperCase(),
        OrderNumber: sale.orderNumber,
        InvoiceNumber: sale.invoiceNumber,
        ...who,
        EventType: type,
      };
    case 'Sale/PickAuthorised':
    case 'Sale/PackAuthorised':
      return { SaleID: ID, SaleOrderNumber: sale.orderNumber, TaskID: ID, ...who, EventType: type };
    case 'Sale/CreditNoteAuthorised':
      return {
        SaleID: ID,
        SaleOrderNumber: sale.orderNumber,
        CreditNoteNumber: sale.creditNoteNumber,
        TaskID: ID,
        ...who,
        EventType: type,
      };
    case 'Sale/Undo':
      return {
        SaleID: ID,
        SaleOrderNumber: sale.orderNumber,
        CustomerContactName: party.contactName,
        CustomerContactEmail: party.contactEmail,
        EventType: type,
      };
    case 'Sale/PartialPaymentReceived':
    case 'Sale/FullPaymentReceived':
      return {
        SaleID: sale.id,
        DocumentNumber: sale.invoiceNumber,
        DocumentType: 'invoice',
        DocumentDate: formatDayMonthYear(extra.documentDateMs ?? sale.updatedMs),
        ...who,
        ...(type === 'Sale/PartialPaymentReceived'
          ? { AmountPercent: (extra.amountPercent ?? 0).toFixed(2) }
          : {}),
        EventType: type,
      };
    case 'Sale/Created':
      return {
        SaleID: ID,
        SaleOrderNumber: sale.orderNumber,
        ...who,
        SaleRepEmail: party.salesRepEmail,
        SaleOrderDate: formatDateOnly(sale.orderDateMs),
        TaskTypeSign: 0,
        IsServiceOnly: false,
        DownloadLink: '',
        EventType: type,
      };
    default:
      return { SaleID: ID, SaleOrderNumber: sale.orderNumber, EventType: type };
  }
}
