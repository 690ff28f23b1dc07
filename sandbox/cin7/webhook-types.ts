/**
 * The 32 webhook types of the current Cin7 API (the 20 of the 2024 Blueprint plus the 12 added
 * since, per NOTES §5), with the read-only friendly `Name` Cin7 returns. Only the Blueprint's
 * example name ("Sale order has been authorised") is Cin7's wording; the others follow its style.
 */
export const WEBHOOK_TYPES: Record<string, string> = {
  'Sale/QuoteAuthorised': 'Sale quote has been authorised',
  'Sale/OrderAuthorised': 'Sale order has been authorised',
  'Sale/Voided': 'Sale has been voided',
  'Sale/Backordered': 'Sale has been backordered',
  'Sale/ShipmentAuthorised': 'Sale shipment has been authorised',
  'Sale/InvoiceAuthorised': 'Sale invoice has been authorised',
  'Sale/PickAuthorised': 'Sale pick has been authorised',
  'Sale/PackAuthorised': 'Sale pack has been authorised',
  'Sale/CreditNoteAuthorised': 'Sale credit note has been authorised',
  'Sale/Undo': 'Sale has been undone',
  'Sale/PartialPaymentReceived': 'Sale partial payment has been received',
  'Sale/FullPaymentReceived': 'Sale full payment has been received',
  'Sale/ShipmentTrackingNumberChanged': 'Sale shipment tracking number has been changed',
  'Purchase/OrderAuthorised': 'Purchase order has been authorised',
  'Purchase/InvoiceAuthorised': 'Purchase invoice has been authorised',
  'Purchase/StockReceivedAuthorised': 'Purchase stock received has been authorised',
  'Purchase/CreditNoteAuthorised': 'Purchase credit note has been authorised',
  'Customer/Updated': 'Customer has been updated',
  'Supplier/Updated': 'Supplier has been updated',
  'Stock/AvailableStockLevelChanged': 'Available stock level has been changed',
  'Sale/Created': 'Sale has been created',
  'Sale/AttachmentAdded': 'Sale attachment has been added',
  'Sale/AdditionalAttributesChanged': 'Sale additional attributes have been changed',
  'Purchase/Updated': 'Purchase has been updated',
  'Product/Updated': 'Product has been updated',
  'Lead/Updated': 'Lead has been updated',
  'Lead/Converted': 'Lead has been converted',
  'Opportunity/Authorized': 'Opportunity has been authorized',
  'Opportunity/AttachmentAdded': 'Opportunity attachment has been added',
  'Opportunity/Voided': 'Opportunity has been voided',
  'Opportunity/Converted': 'Opportunity has been converted',
  'Task/Overdue': 'Task is overdue',
};

/** "There is a limit of 5 webhooks of the same type at the same time." */
export const MAX_WEBHOOKS_PER_TYPE = 5;

/** Attempts in total; the first after the delivery delay, then these minutes after the previous one. */
export const RETRY_MINUTES = [5, 10, 15, 20, 25] as const;
