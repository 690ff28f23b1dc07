/**
 * The Cin7 Core v2 resources as the sandbox serves them: field names, casing and nullability follow
 * the examples of Cin7's API Blueprint (which win over the nnhansg OpenAPI subset where they differ).
 * These are the sandbox's own types: it depends on nothing in `src/`.
 */

/** A customer contact ("Supplier/Customer Contact Model"); `MarketingConsent` is the newer 1/2/3 field. */
export interface Cin7Contact {
  ID: string;
  Name: string;
  JobTitle: string | null;
  Phone: string | null;
  MobilePhone: string | null;
  Fax: string | null;
  Email: string | null;
  Website: string | null;
  Default: boolean;
  Comment: string | null;
  IncludeInEmail: boolean;
  /** 1 = Unknown, 2 = Opt in, 3 = Opt out. */
  MarketingConsent: number;
}

/** A customer address ("Supplier/Customer Address Model"); `Country` is a country name. */
export interface Cin7Address {
  ID: string;
  Line1: string;
  Line2: string | null;
  City: string | null;
  State: string | null;
  Postcode: string | null;
  Country: string;
  Type: 'Billing' | 'Business' | 'Shipping';
  DefaultForType: boolean;
}

export interface Cin7ChildCustomer {
  CustomerID: string;
  CustomerName: string;
}

/** A customer as `GET /customer` returns it (without `ProductPrices`, added on request). */
export interface Cin7Customer {
  ID: string;
  Name: string;
  Currency: string;
  PaymentTerm: string;
  Discount: number;
  TaxRule: string;
  Carrier: string | null;
  SalesRepresentative: string | null;
  Location: string | null;
  Comments: string | null;
  AccountReceivable: string;
  RevenueAccount: string;
  PriceTier: string | null;
  TaxNumber: string | null;
  AdditionalAttribute1: string | null;
  AdditionalAttribute2: string | null;
  AdditionalAttribute3: string | null;
  AdditionalAttribute4: string | null;
  AdditionalAttribute5: string | null;
  AdditionalAttribute6: string | null;
  AdditionalAttribute7: string | null;
  AdditionalAttribute8: string | null;
  AdditionalAttribute9: string | null;
  AdditionalAttribute10: string | null;
  AttributeSet: string | null;
  /** One comma-separated string. */
  Tags: string | null;
  Status: 'Active' | 'Deprecated';
  CreditLimit: number;
  IsOnCreditHold: boolean;
  /** UTC, `yyyy-MM-ddTHH:mm:ss[.f{1,3}]Z`, trailing fraction zeros trimmed as .NET writes it. */
  LastModifiedOn: string;
  DisplayName: string | null;
  IsLegalEntity: boolean;
  CustomerParentID: string | null;
  CustomerParentName: string | null;
  IsBillParent: boolean;
  ChildCustomers: Cin7ChildCustomer[];
  Addresses: Cin7Address[];
  Contacts: Cin7Contact[];
}

export const ADDITIONAL_ATTRIBUTE_KEYS = [
  'AdditionalAttribute1',
  'AdditionalAttribute2',
  'AdditionalAttribute3',
  'AdditionalAttribute4',
  'AdditionalAttribute5',
  'AdditionalAttribute6',
  'AdditionalAttribute7',
  'AdditionalAttribute8',
  'AdditionalAttribute9',
  'AdditionalAttribute10',
] as const;

/** Sale statuses as Cin7 documents them ("Available Sale Statuses"). */
export const SALE_STATUSES = [
  'DRAFT',
  'VOIDED',
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
export type SaleStatus = (typeof SALE_STATUSES)[number];

export interface SaleLine {
  ProductID: string;
  SKU: string;
  Name: string;
  Quantity: number;
  Price: number;
}

export interface SalePayment {
  ID: string;
  Amount: number;
  /** Calendar date the payment was made, ms at UTC midnight. */
  datePaidMs: number;
  createdMs: number;
}

/** The sandbox's internal sale; rows and detail objects are built from it on output. */
export interface SaleRecord {
  id: string;
  orderNumber: string;
  customerId: string;
  status: SaleStatus;
  /** Status before voiding, so a voided invoiced sale keeps its invoice amount (see README). */
  statusBeforeVoid: SaleStatus | null;
  /** Business dates are calendar dates (ms at UTC midnight of the tenant-local date). */
  orderDateMs: number;
  invoiceDateMs: number | null;
  shipByMs: number | null;
  createdMs: number;
  updatedMs: number;
  lines: SaleLine[];
  taxRate: number;
  currency: string;
  currencyRate: number;
  invoiceNumber: string | null;
  creditNoteNumber: string | null;
  creditedAmount: number;
  payments: SalePayment[];
  customerReference: string;
  externalId: string | null;
  locationId: string;
  invoiceTaskId: string | null;
  type: 'Simple Sale' | 'Advanced Sale';
  sourceChannel: string | null;
  trackingNumber: string;
}

export type WebhookAuthType = 'noauth' | 'basicauth' | 'bearerauth';

export interface Cin7Webhook {
  ID: string;
  Type: string;
  Name: string;
  IsActive: boolean;
  ExternalURL: string;
  ExternalAuthorizationType: WebhookAuthType;
  ExternalUserName: string | null;
  ExternalPassword: string | null;
  ExternalBearerToken: string | null;
  ExternalHeaders: { Key: string; Value: string }[];
}

/** The Cin7 error model: `{ ErrorCode, Exception }`. */
export interface Cin7Error {
  ErrorCode: number;
  Exception: string;
}
