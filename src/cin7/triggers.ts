/**
 * Cin7 triggers of the catalog: every webhook type of the current API (the 32 of NOTES §5, exact
 * spelling: `…Authorised`, but `Opportunity/Authorized`) and the polling triggers that back them up.
 * Payload descriptions follow the Blueprint's payload examples (documentation, not validation).
 */
import type { TriggerDef } from '../ops/types.js';

/** The 32 webhook types, in the order NOTES §5 lists them (2024 Blueprint, then the newer ones). */
export const CIN7_WEBHOOK_TYPES = [
  'Sale/QuoteAuthorised',
  'Sale/OrderAuthorised',
  'Sale/Voided',
  'Sale/Backordered',
  'Sale/ShipmentAuthorised',
  'Sale/InvoiceAuthorised',
  'Sale/PickAuthorised',
  'Sale/PackAuthorised',
  'Sale/CreditNoteAuthorised',
  'Sale/Undo',
  'Sale/PartialPaymentReceived',
  'Sale/FullPaymentReceived',
  'Sale/ShipmentTrackingNumberChanged',
  'Purchase/OrderAuthorised',
  'Purchase/InvoiceAuthorised',
  'Purchase/StockReceivedAuthorised',
  'Purchase/CreditNoteAuthorised',
  'Customer/Updated',
  'Supplier/Updated',
  'Stock/AvailableStockLevelChanged',
  'Sale/Created',
  'Sale/AttachmentAdded',
  'Sale/AdditionalAttributesChanged',
  'Purchase/Updated',
  'Product/Updated',
  'Lead/Updated',
  'Lead/Converted',
  'Opportunity/Authorized',
  'Opportunity/AttachmentAdded',
  'Opportunity/Voided',
  'Opportunity/Converted',
  'Task/Overdue',
] as const;

export type Cin7WebhookType = (typeof CIN7_WEBHOOK_TYPES)[number];

const SALE_THIN = {
  SaleID: 'GUID (often UPPER case: normalise before comparing)',
  SaleOrderNumber: 'string',
  EventType: 'string',
};
const SALE_TASK = {
  SaleTaskID: 'GUID (UPPER case)',
  TenantID: 'GUID (UPPER case)',
  EventType: 'string',
};
const PAYMENT = {
  SaleID: 'GUID',
  DocumentNumber: 'string',
  DocumentType: 'string',
  DocumentDate: 'dd/MM/yyyy (tenant format: never a watermark)',
  AmountPercent: 'number',
  EventType: 'string',
};
const GENERIC = { EventType: 'string', '…': 'type-specific fields (not used by the sync)' };

const PAYLOADS: Partial<Record<Cin7WebhookType, Record<string, string>>> = {
  'Customer/Updated': {
    NumberOfCustomers: 'number',
    CustomerDetailsList:
      '[{Customer: {ID, Name, …, Status, LastModifiedOn (zone-less UTC)}, Addresses: [...], Contacts: [...]}]',
    EventType: '"Customer/Updated"',
  },
  'Sale/Created': {
    SaleID: 'GUID',
    SaleOrderNumber: 'string',
    CustomerName: 'string (no CustomerID)',
    CustomerContactName: 'string',
    CustomerContactEmail: 'string',
    SaleRepEmail: 'string',
    SaleOrderDate: 'yyyy-MM-dd',
    TaskTypeSign: 'string',
    IsServiceOnly: 'boolean',
    DownloadLink: 'string',
    EventType: '"Sale/Created"',
  },
  'Sale/QuoteAuthorised': SALE_THIN,
  'Sale/OrderAuthorised': SALE_THIN,
  'Sale/Voided': SALE_THIN,
  'Sale/Backordered': SALE_THIN,
  'Sale/Undo': SALE_THIN,
  'Sale/PickAuthorised': SALE_TASK,
  'Sale/PackAuthorised': SALE_TASK,
  'Sale/ShipmentAuthorised': SALE_TASK,
  'Sale/InvoiceAuthorised': SALE_TASK,
  'Sale/CreditNoteAuthorised': SALE_TASK,
  'Sale/ShipmentTrackingNumberChanged': SALE_TASK,
  'Sale/PartialPaymentReceived': PAYMENT,
  'Sale/FullPaymentReceived': PAYMENT,
};

/** What the product does with each type it registers (others are listed, not registered). */
function describe(type: Cin7WebhookType): string {
  if (type === 'Customer/Updated')
    return 'A customer changed (no Created/Deleted events exist); triggers a debounced ModifiedSince read';
  if (type.startsWith('Sale/'))
    return `Cin7 webhook ${type} (no customer id or amounts); triggers a debounced saleList UpdatedSince read`;
  return `Cin7 webhook ${type}`;
}

/** Every Cin7 trigger: the 32 webhook types and the two polling triggers. */
export const CIN7_TRIGGERS: TriggerDef[] = [
  ...CIN7_WEBHOOK_TYPES.map(
    (type): TriggerDef => ({
      name: `cin7.${type}`,
      api: 'cin7',
      kind: 'webhook',
      description: describe(type),
      payload: PAYLOADS[type] ?? GENERIC,
    }),
  ),
  {
    name: 'cin7.poll.customers',
    api: 'cin7',
    kind: 'poll',
    description:
      'Change feed: customers by ModifiedSince with IncludeDeprecated=true, checkpointed per page, each (ID, LastModifiedOn) once',
    payload: {
      records: 'Cin7 customers (full records) changed since the watermark',
      page: 'number',
      pass: 'the pass this page belongs to',
    },
  },
  {
    name: 'cin7.poll.sales',
    api: 'cin7',
    kind: 'poll',
    description:
      'Change feed: saleList rows by UpdatedSince, checkpointed per page, each (SaleID, Updated) once',
    payload: {
      records: 'saleList rows (SaleID, CustomerID, Status, InvoiceAmount, …) changed since the watermark',
      page: 'number',
      pass: 'the pass this page belongs to',
    },
  },
];
