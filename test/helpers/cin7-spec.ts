/**
 * Strict validators for Cin7 Core v2 bodies, built from the nnhansg OpenAPI subset
 * (`../shared/specs/cin7/nnhansg-dear-inventory-openapi-subset-2025-03.yaml`), with the corrections
 * Cin7's own Blueprint (`dearinventory-apiary-2024-03.apib`) forces, each named with its reason.
 *
 * Strict means: `$ref`s resolved into one schema set, `additionalProperties: false` on every object,
 * identifiers required in answers (`ID`, `SaleID`, `CarrierID`, `Code` …), and nothing allowed that
 * neither the subset nor a named correction allows. Used by the sandbox conformance tests and by the
 * Cin7 client's tests (request bodies).
 *
 * @example
 * const spec = loadCin7Spec();
 * const r = spec.response('GET', '/customer', body); expect(r.errors).toEqual([]);
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { SPECS_DIR } from './requirements.js';

export const CIN7_SUBSET_PATH = path.join(
  SPECS_DIR,
  'cin7',
  'nnhansg-dear-inventory-openapi-subset-2025-03.yaml',
);
export const CIN7_BLUEPRINT_PATH = path.join(SPECS_DIR, 'cin7', 'dearinventory-apiary-2024-03.apib');

export type Schema = Record<string, unknown>;
type Defs = Record<string, Schema>;

export type Mode = 'response' | 'request';

/** One operation: the schema names of its JSON request body and 200 answer. */
interface Operation {
  request?: string;
  response?: string;
}

interface SpecModel {
  defs: Defs;
  ops: Record<string, Operation>;
}

export interface Correction {
  id: string;
  /** Why: the Blueprint example or newer documentation it follows. */
  reason: string;
  apply(m: SpecModel): void;
}

export interface Validation {
  ok: boolean;
  errors: string[];
}

/** The 32 webhook types of the current API (NOTES §5), written out by hand. */
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

// ---------------------------------------------------------------------------------------------
// Helpers used by corrections

function props(m: SpecModel, name: string): Record<string, Schema> {
  const def = m.defs[name];
  if (!def) throw new Error(`cin7 spec: no schema ${name}`);
  def.properties ??= {};
  return def.properties as Record<string, Schema>;
}

function setRequired(m: SpecModel, name: string, update: (req: string[]) => string[]): void {
  const def = m.defs[name] as Schema;
  def.required = update([...((def.required as string[] | undefined) ?? [])]);
}

const str: Schema = { type: 'string' };
const int: Schema = { type: 'integer' };
const num: Schema = { type: 'number' };
const bool: Schema = { type: 'boolean' };
const uuid: Schema = { type: 'string', format: 'uuid' };
/** Date-times as Cin7 writes them: `2017-09-29T00:00:00`, `…43.46Z`, up to 7 fraction digits. */
const cin7DateTime: Schema = { type: 'string', format: 'cin7-datetime' };
/** `LastModifiedOn` / `Updated` in REST answers: UTC with `Z`, 0–3 fraction digits. */
const cin7Utc: Schema = { type: 'string', format: 'cin7-utc' };
const openObject: Schema = { type: 'object' };
const openArray: Schema = { type: 'array' };
const ref = (name: string): Schema => ({ $ref: `#/definitions/${name}` });

const PRODUCT_LINE_EXTRAS: Record<string, Schema> = {
  ProductLength: num,
  ProductWidth: num,
  ProductHeight: num,
  ProductWeight: num,
  WeightUnits: str,
  DimensionsUnits: str,
  ...Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`ProductCustomField${i + 1}`, str])),
};

// ---------------------------------------------------------------------------------------------

/**
 * Every place the Blueprint (or the newer Blueprint via NOTES) contradicts or extends the subset.
 * The conformance test checks each against Cin7's own examples.
 */
export const CIN7_CORRECTIONS: Correction[] = [
  {
    id: 'envelope-total-page-numbers',
    reason:
      'The subset types Total/Page of Customers, PaymentTerms, Taxes and Accounts as strings; every Blueprint list example sends numbers ("Total": 2, "Page": 1).',
    apply(m) {
      for (const name of ['Customers', 'PaymentTerms', 'Taxes', 'Accounts']) {
        props(m, name).Total = int;
        props(m, name).Page = int;
      }
    },
  },
  {
    id: 'nullable-optional-fields',
    reason:
      'Blueprint examples send null for unset optional values (Customer SalesRepresentative/AttributeSet, Contact JobTitle, SaleList InvoiceDate/ExternalID, Account BankAccountId, Webhook ExternalBearerToken, Location Bins…): every property that is not required may be null.',
    apply() {
      // Applied by makeStrict to every definition, after the other corrections (so it sees their required lists).
    },
  },
  {
    id: 'customer-product-prices',
    reason:
      'The Blueprint field table lists ProductPrices (Product Price Model) and its GET /customer example returns it with IncludeProductPrices=true.',
    apply(m) {
      m.defs.ProductPrice = {
        type: 'object',
        properties: {
          ProductID: uuid,
          ProductName: str,
          ProductSKU: str,
          Price: num,
          CustomerID: uuid,
          CustomerName: str,
        },
        required: ['ProductID', 'Price'],
      };
      props(m, 'Customer').ProductPrices = { type: 'array', items: ref('ProductPrice') };
    },
  },
  {
    id: 'customer-newer-fields',
    reason:
      'The newer Blueprint (NOTES §3) adds DisplayName, IsLegalEntity, CustomerParentID, CustomerParentName, IsBillParent and the response-only ChildCustomers[{CustomerID, CustomerName}].',
    apply(m) {
      const p = props(m, 'Customer');
      p.DisplayName = { type: 'string', maxLength: 256 };
      p.IsLegalEntity = bool;
      p.CustomerParentID = uuid;
      p.CustomerParentName = { type: 'string', maxLength: 256 };
      p.IsBillParent = bool;
      p.ChildCustomers = {
        type: 'array',
        items: {
          type: 'object',
          properties: { CustomerID: uuid, CustomerName: str },
          required: ['CustomerID', 'CustomerName'],
        },
      };
    },
  },
  {
    id: 'customer-last-modified-format',
    reason:
      'The subset leaves LastModifiedOn a bare string; Blueprint answers write UTC with Z and 2-3 fraction digits ("2018-01-24T05:07:23.917Z", "2018-01-30T06:07:43.46Z").',
    apply(m) {
      props(m, 'Customer').LastModifiedOn = cin7Utc;
    },
  },
  {
    id: 'customer-status-required-on-post-only',
    reason: 'The Blueprint marks Status "Required for POST"; a PUT may leave it out.',
    apply(m) {
      m.defs.CustomerUpdate = { ...structuredClone(m.defs.Customer as Schema) };
      setRequired(m, 'CustomerUpdate', (r) => [...r.filter((x) => x !== 'Status'), 'ID']);
      m.ops['PUT /customer'] = { ...m.ops['PUT /customer'], request: 'CustomerUpdate' };
    },
  },
  {
    id: 'contact-customer-id-and-consent',
    reason:
      'Blueprint POST/PUT examples and the Customer/Updated payload carry CustomerID on each contact; the newer Blueprint adds MarketingConsent (1 Unknown, 2 Opt in, 3 Opt out).',
    apply(m) {
      props(m, 'Contact').CustomerID = uuid;
      props(m, 'Contact').MarketingConsent = { type: 'integer', enum: [1, 2, 3] };
    },
  },
  {
    id: 'address-customer-id-and-line1',
    reason:
      'Blueprint POST/PUT examples carry CustomerID on each address; the Blueprint address model marks Line1 required (the subset requires only Country and Type).',
    apply(m) {
      props(m, 'SupplierCustomerAddress').CustomerID = uuid;
      setRequired(m, 'SupplierCustomerAddress', (r) => [...new Set([...r, 'Line1'])]);
    },
  },
  {
    id: 'webhook-write-envelope',
    reason:
      'The subset answers POST/PUT /webhooks with a bare Webhook; the Blueprint examples answer {"Webhooks": [ … ]}.',
    apply(m) {
      m.ops['POST /webhooks'] = { request: 'Webhook', response: 'Webhooks' };
      m.ops['PUT /webhooks'] = { request: 'WebhookUpdate', response: 'Webhooks' };
      m.defs.WebhookUpdate = structuredClone(m.defs.Webhook as Schema);
      setRequired(m, 'WebhookUpdate', (r) => [...r, 'ID']);
    },
  },
  {
    id: 'webhook-type-and-auth-enums',
    reason:
      'The subset defines WebhookType and AuthorizationType enums but leaves Type/ExternalAuthorizationType free strings; the newer Blueprint lists 32 types (NOTES §5).',
    apply(m) {
      for (const name of ['Webhook', 'WebhookUpdate'].filter((n) => m.defs[n])) {
        props(m, name).Type = { type: 'string', enum: [...CIN7_WEBHOOK_TYPES] };
        props(m, name).ExternalAuthorizationType = ref('AuthorizationType');
      }
    },
  },
  {
    id: 'payment-term-duration-integer',
    reason: 'The subset types Duration as a string; the Blueprint table says Int and its example sends 30.',
    apply(m) {
      props(m, 'PaymentTerm').Duration = int;
    },
  },
  {
    id: 'tax-component-strings',
    reason:
      'The Blueprint /ref/tax example sends component Percent "10.0000000000" and ComponentOrder "1" as strings, plus ID and Compound ("0"/"1") that the subset lacks.',
    apply(m) {
      const p = props(m, 'TaxComponent');
      p.Percent = { type: 'string', pattern: '^\\d+(\\.\\d+)?$' };
      p.ComponentOrder = { type: 'string', pattern: '^\\d+$' };
      p.ID = uuid;
      p.Compound = { type: 'string', enum: ['0', '1'] };
    },
  },
  {
    id: 'account-for-payments-boolean',
    reason: 'The subset types ForPayments as a string; the Blueprint /ref/account example sends false.',
    apply(m) {
      props(m, 'Account').ForPayments = bool;
    },
  },
  {
    id: 'location-is-deprecated-and-parent-name',
    reason:
      'The Blueprint /ref/location example sends IsDeprecated (the subset names it Deprecated) and ParentName, and its bins carry IsDeprecated and IsStaging.',
    apply(m) {
      props(m, 'Location').IsDeprecated = bool;
      props(m, 'Location').ParentName = str;
      props(m, 'Bin').IsDeprecated = bool;
      props(m, 'Bin').IsStaging = bool;
    },
  },
  {
    id: 'me-fields-and-dates',
    reason:
      'The Blueprint Me table and example add TaxCalculationMethod, DefaultSaleTaxRuleId/Name, MaximumDecimalPlacesInQuantity, ApplyCustomerDiscountsAfterOtherDiscounts, DiscountRule, AutomaticallyApplyDiscounts, RoundingTable; OpeningBalanceDate comes as "2021-07-31T00:00:00", not a date.',
    apply(m) {
      const p = props(m, 'Me');
      Object.assign(p, {
        TaxCalculationMethod: str,
        DefaultSaleTaxRuleId: uuid,
        DefaultSaleTaxRuleName: str,
        MaximumDecimalPlacesInQuantity: str,
        ApplyCustomerDiscountsAfterOtherDiscounts: bool,
        DiscountRule: str,
        AutomaticallyApplyDiscounts: bool,
        RoundingTable: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              RangeTo: num,
              RoundToNearest: num,
              AdjustmentRule: { type: 'string', enum: ['N', 'S', 'A'] },
              AdjustmentValue: { type: ['number', 'string'] },
            },
          },
        },
        LockDate: cin7DateTime,
        OpeningBalanceDate: cin7DateTime,
        DefaultWeightUnits: str,
        DefaultDimensionsUnits: str,
      });
    },
  },
  {
    id: 'sale-list-dates',
    reason:
      'The subset gives SaleItem dates format "date"; the Blueprint example sends "2017-09-29T00:00:00" (OrderDate, InvoiceDate, InvoiceDueDate, ShipBy) and "2017-09-29T03:03:13.913Z" (Updated).',
    apply(m) {
      const p = props(m, 'SaleItem');
      for (const k of ['OrderDate', 'InvoiceDate', 'InvoiceDueDate', 'ShipBy']) p[k] = cin7DateTime;
      p.Updated = cin7Utc;
    },
  },
  {
    id: 'sale-list-newer-fields',
    reason:
      'The newer Blueprint adds SaleInvoicesTotalAmount and CombinedPaymentTotal to saleList rows (NOTES §4).',
    apply(m) {
      props(m, 'SaleItem').SaleInvoicesTotalAmount = num;
      props(m, 'SaleItem').CombinedPaymentTotal = num;
    },
  },
  {
    id: 'sale-id-key',
    reason:
      'The subset requires SaleID on Sale, but its own properties and the Blueprint GET /sale example use ID.',
    apply(m) {
      setRequired(m, 'Sale', (r) => [...r.filter((x) => x !== 'SaleID'), 'ID']);
    },
  },
  {
    id: 'sale-dates-and-flags',
    reason:
      'The Blueprint GET /sale example sends ShipBy/SaleOrderDate as "2017-11-30T00:00:00", LastModifiedOn as "2017-11-22T10:10:49.75Z" (the subset says format "date") and ServiceOnly as false (the subset says string).',
    apply(m) {
      const p = props(m, 'Sale');
      p.ShipBy = cin7DateTime;
      p.SaleOrderDate = cin7DateTime;
      p.LastModifiedOn = cin7Utc;
      p.ServiceOnly = bool;
    },
  },
  {
    id: 'sale-blueprint-sections',
    reason:
      'The Blueprint Sale table and example include Fulfilments, CreditNotes, ManualJournals, AdditionalAttributes, InventoryMovements and Transactions, which the subset omits (allowed here without checking their content).',
    apply(m) {
      Object.assign(props(m, 'Sale'), {
        Fulfilments: openArray,
        CreditNotes: openArray,
        ManualJournals: openObject,
        AdditionalAttributes: openObject,
        InventoryMovements: openArray,
        Transactions: openArray,
      });
    },
  },
  {
    id: 'sale-address-postcode',
    reason:
      'The subset spells the sale address field PostCode; the Blueprint Address Model and example use Postcode.',
    apply(m) {
      for (const name of ['Address', 'ShippingAddress']) {
        const p = props(m, name);
        p.Postcode = p.PostCode ?? str;
        delete p.PostCode;
      }
    },
  },
  {
    id: 'sale-nested-quote-order',
    reason:
      'Inside GET /sale the Blueprint Quote and Order carry no SaleID or CombineAdditionalCharges (the subset requires both); the Quote has Prepayments and order lines have Backorder.',
    apply(m) {
      for (const name of ['SaleQuote', 'SaleOrder'])
        setRequired(m, name, (r) => r.filter((x) => x !== 'SaleID' && x !== 'CombineAdditionalCharges'));
      props(m, 'SaleQuote').Prepayments = openArray;
      props(m, 'SaleOrderLine').Backorder = bool;
    },
  },
  {
    id: 'sale-line-product-fields',
    reason:
      'The Blueprint says "All Objects that contain field ProductID also contain additional fields" (ProductLength … ProductCustomField10), which its GET /sale example shows.',
    apply(m) {
      for (const name of ['SaleQuoteLine', 'SaleOrderLine', 'SaleInvoiceLine'])
        Object.assign(props(m, name), PRODUCT_LINE_EXTRAS);
    },
  },
  {
    id: 'sale-additional-charge-comment',
    reason:
      'The subset types SaleAdditionalCharge.Comment as a number; the Blueprint GET /sale example sends "Comment": "".',
    apply(m) {
      props(m, 'SaleAdditionalCharge').Comment = str;
    },
  },
  {
    id: 'sale-invoice-fields',
    reason:
      'The Blueprint GET /sale example sends LinkedFulfillmentNumber as "1" (the subset says integer) and payment DatePaid/DateCreated as "2017-11-23T00:00:00"/"2017-11-22T06:58:21.8882229Z" (the subset says format "date").',
    apply(m) {
      props(m, 'SaleInvoice').LinkedFulfillmentNumber = { type: ['string', 'integer'] };
      props(m, 'SalePaymentLine').DatePaid = cin7DateTime;
      props(m, 'SalePaymentLine').DateCreated = cin7DateTime;
    },
  },
  {
    id: 'attribute-set-endpoint',
    reason:
      'GET /ref/attributeset is not in the subset; its schema comes from the Blueprint "Available Fields for Attribute Set" table and example ({Total, Page, AttributeSetList}).',
    apply(m) {
      const attrs: Record<string, Schema> = {};
      for (let i = 1; i <= 10; i++) {
        attrs[`Attribute${i}Name`] = { type: 'string', maxLength: 50 };
        attrs[`Attribute${i}Type`] = { type: 'string', enum: ['Not used', 'Text', 'Checkbox', 'List'] };
        attrs[`Attribute${i}Values`] = str;
      }
      m.defs.AttributeSet = {
        type: 'object',
        properties: {
          ID: uuid,
          Name: { type: 'string', maxLength: 50 },
          ...attrs,
          Attributes: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                Name: str,
                Type: { type: 'string', enum: ['Not used', 'Text', 'Checkbox', 'List'] },
                Values: str,
              },
              required: ['Name', 'Type', 'Values'],
            },
          },
        },
        required: ['Name'],
      };
      m.defs.AttributeSets = {
        type: 'object',
        properties: {
          Total: int,
          Page: int,
          AttributeSetList: { type: 'array', items: ref('AttributeSet') },
        },
      };
      m.ops['GET /ref/attributeset'] = { response: 'AttributeSets' };
    },
  },
  {
    id: 'error-model-array',
    reason:
      'The subset answers errors with one Error object; Cin7 documents the same Error Model in arrays and third parties saw arrays (NOTES §2), so an array of Error is accepted too.',
    apply(m) {
      props(m, 'Error');
      setRequired(m, 'Error', () => ['ErrorCode', 'Exception']);
      m.defs.ErrorBody = { anyOf: [ref('Error'), { type: 'array', items: ref('Error'), minItems: 1 }] };
    },
  },
];

// ---------------------------------------------------------------------------------------------
// Loading

const DROP_KEYS = new Set([
  'example',
  'externalDocs',
  'xml',
  'discriminator',
  'readOnly',
  'writeOnly',
  'deprecated',
]);

/** OpenAPI 3.0 schema → JSON Schema draft-07 (refs to `#/definitions`, `nullable` into types). */
function convert(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(convert);
  if (!node || typeof node !== 'object') return node;
  const out: Schema = {};
  for (const [k, v] of Object.entries(node as Schema)) {
    if (DROP_KEYS.has(k)) continue;
    if (k === '$ref' && typeof v === 'string')
      out.$ref = v.replace('#/components/schemas/', '#/definitions/');
    else out[k] = convert(v);
  }
  if (out.$ref) return { $ref: out.$ref };
  if (out.nullable === true) {
    delete out.nullable;
    out.type = [out.type as string, 'null'];
  } else delete out.nullable;
  return out;
}

let parsedSubset: unknown = null;

function readModel(): SpecModel {
  parsedSubset ??= parse(readFileSync(CIN7_SUBSET_PATH, 'utf8'));
  const doc = structuredClone(parsedSubset) as {
    paths: Record<string, Record<string, { requestBody?: Schema; responses?: Record<string, Schema> }>>;
    components: { schemas: Record<string, unknown> };
  };
  const defs: Defs = {};
  for (const [name, schema] of Object.entries(doc.components.schemas)) defs[name] = convert(schema) as Schema;
  const ops: Record<string, Operation> = {};
  const refName = (s: unknown) =>
    typeof s === 'object' && s && typeof (s as Schema).$ref === 'string'
      ? ((s as Schema).$ref as string).split('/').pop()
      : undefined;
  for (const [p, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const content = (x: Schema | undefined) =>
        ((x?.content as Schema | undefined)?.['application/json'] as Schema | undefined)?.schema;
      ops[`${method.toUpperCase()} ${p}`] = {
        request: refName(content(op.requestBody)),
        response: refName(content(op.responses?.['200'])),
      };
    }
  }
  return { defs, ops };
}

/** Fields that identify a record, required in answers. */
const ID_FIELDS: Record<string, string> = {
  Carrier: 'CarrierID',
  MeContact: 'ContactID',
  SaleItem: 'SaleID',
  Account: 'Code',
  PriceTier: 'Code',
};

/** Closes every object, requires ids in answers, and lets optional properties be null. */
function makeStrict(defs: Defs, mode: Mode, nullableOptional: boolean): Defs {
  const out = structuredClone(defs);
  const visit = (node: unknown, defName: string | null, top: boolean): void => {
    if (Array.isArray(node)) {
      for (const n of node) visit(n, null, false);
      return;
    }
    if (!node || typeof node !== 'object') return;
    const s = node as Schema;
    if (s.properties && typeof s.properties === 'object') {
      s.type ??= 'object';
      if (s.additionalProperties === undefined) s.additionalProperties = false;
      const properties = s.properties as Record<string, Schema>;
      const required = [...((s.required as string[] | undefined) ?? [])];
      if (mode === 'response' && top && defName) {
        const idField = ID_FIELDS[defName] ?? ('ID' in properties ? 'ID' : undefined);
        if (idField && idField in properties && !required.includes(idField)) required.push(idField);
      }
      if (required.length > 0) s.required = required;
      else delete s.required;
      for (const [name, p] of Object.entries(properties)) {
        if (nullableOptional && !required.includes(name)) properties[name] = nullable(p);
      }
    }
    for (const [k, v] of Object.entries(s)) if (k !== 'enum') visit(v, null, false);
  };
  for (const [name, def] of Object.entries(out)) visit(def, name, true);
  return out;
}

function nullable(p: Schema): Schema {
  if (p.$ref || p.anyOf) return { anyOf: [p, { type: 'null' }] };
  if (Array.isArray(p.type)) return p.type.includes('null') ? p : { ...p, type: [...p.type, 'null'] };
  if (typeof p.type === 'string') {
    const withNull: Schema = { ...p, type: [p.type, 'null'] };
    if (Array.isArray(p.enum)) withNull.enum = [...p.enum, null];
    return withNull;
  }
  return p;
}

export interface Cin7Spec {
  /** Validates a 200 answer of `METHOD /path` (path as in the spec: `/customer`, `/ref/tax`). */
  response(method: string, path: string, body: unknown): Validation;
  /** Validates a JSON request body of `METHOD /path` (POST/PUT). */
  request(method: string, path: string, body: unknown): Validation;
  /** Validates an error answer (one Error object or an array of them). */
  error(body: unknown): Validation;
  /** Validates `body` against one named (strict) definition, e.g. `Customer`. */
  schema(name: string, body: unknown, mode?: Mode): Validation;
  /** The operations with a response schema, as `GET /customer`. */
  operations(): string[];
  corrections: readonly Correction[];
}

function formatErrors(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => {
    const extra =
      e.keyword === 'additionalProperties'
        ? ` (${(e.params as { additionalProperty: string }).additionalProperty})`
        : e.keyword === 'enum'
          ? ` (${JSON.stringify((e.params as { allowedValues: unknown[] }).allowedValues)})`
          : '';
    return `${e.instancePath || '/'} ${e.message ?? e.keyword}${extra}`;
  });
}

/** Normalises a request path to the spec's key: drops the base URL, query and trailing slash; case-insensitive. */
export function specPath(p: string): string {
  let s = p.replace(/^https?:\/\/[^/]+/i, '').split('?')[0] ?? '';
  s = s.replace(/^\/externalapi\/v2/i, '');
  if (s.length > 1) s = s.replace(/\/+$/, '');
  return s;
}

/**
 * Loads the subset and builds the strict validators. `corrections: false` leaves the Blueprint
 * corrections out (still strict), which the conformance test uses to show each is needed.
 */
export function loadCin7Spec(options: { corrections?: boolean | readonly Correction[] } = {}): Cin7Spec {
  const model = readModel();
  const selected =
    options.corrections === false
      ? []
      : options.corrections === true || options.corrections === undefined
        ? CIN7_CORRECTIONS
        : options.corrections;
  for (const c of selected) c.apply(model);
  const ajvFor = (mode: Mode) => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats.default(ajv);
    ajv.addFormat('cin7-datetime', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?Z?$/);
    ajv.addFormat('cin7-utc', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/);
    ajv.addSchema({
      $id: 'cin7',
      definitions: makeStrict(
        model.defs,
        mode,
        selected.some((c) => c.id === 'nullable-optional-fields'),
      ),
    });
    return ajv;
  };
  const ajvs: Record<Mode, Ajv> = { response: ajvFor('response'), request: ajvFor('request') };
  const cache = new Map<string, ValidateFunction>();
  const validator = (name: string, mode: Mode): ValidateFunction => {
    const key = `${mode}:${name}`;
    let v = cache.get(key);
    if (!v) {
      v = ajvs[mode].getSchema(`cin7#/definitions/${name}`);
      if (!v) throw new Error(`cin7 spec: no schema ${name}`);
      cache.set(key, v);
    }
    return v;
  };
  const run = (name: string, body: unknown, mode: Mode): Validation => {
    const v = validator(name, mode);
    const ok = v(body) as boolean;
    return { ok, errors: ok ? [] : formatErrors(v.errors) };
  };
  const opFor = (method: string, p: string): Operation => {
    const wanted = `${method.toUpperCase()} ${specPath(p)}`.toLowerCase();
    const key = Object.keys(model.ops).find((k) => k.toLowerCase() === wanted);
    if (!key) throw new Error(`cin7 spec: no operation ${method.toUpperCase()} ${specPath(p)}`);
    return model.ops[key] as Operation;
  };
  return {
    response(method, p, body) {
      const op = opFor(method, p);
      if (!op.response) throw new Error(`cin7 spec: ${method} ${p} has no JSON answer schema`);
      return run(op.response, body, 'response');
    },
    request(method, p, body) {
      const op = opFor(method, p);
      if (!op.request) throw new Error(`cin7 spec: ${method} ${p} has no JSON request schema`);
      return run(op.request, body, 'request');
    },
    error: (body) => run(model.defs.ErrorBody ? 'ErrorBody' : 'Error', body, 'response'),
    schema: (name, body, mode = 'response') => run(name, body, mode),
    operations: () => Object.keys(model.ops).filter((k) => model.ops[k]?.response),
    corrections: selected,
  };
}

// ---------------------------------------------------------------------------------------------
// Blueprint examples

/** Repairs the small JSON slips of the Blueprint's examples: trailing commas and a missing comma before a key. */
function repairJson(text: string): string {
  return text.replace(/,(\s*[}\]])/g, '$1').replace(/([0-9"el\]}])([ \t]*\r?\n[ \t]*")/g, '$1,$2');
}

function balancedBlock(lines: string[], from: number): string | null {
  let start = -1;
  for (let i = from; i < lines.length; i++) {
    const t = (lines[i] as string).trim();
    if (t.startsWith('+ Response') && start < 0 && i > from) return null;
    if (t.startsWith('{') || t.startsWith('[')) {
      start = i;
      break;
    }
  }
  if (start < 0) return null;
  let depth = 0;
  let inString = false;
  const out: string[] = [];
  for (let i = start; i < lines.length; i++) {
    const line = lines[i] as string;
    out.push(line);
    for (let j = 0; j < line.length; j++) {
      const ch = line[j];
      if (inString) {
        if (ch === '\\') j++;
        else if (ch === '"') inString = false;
      } else if (ch === '"') inString = true;
      else if (ch === '{' || ch === '[') depth++;
      else if (ch === '}' || ch === ']') depth--;
    }
    if (depth === 0) return out.join('\n');
  }
  return null;
}

let blueprintLines: string[] | null = null;

/**
 * A JSON example from Cin7's Blueprint: `section` is the start of a `## …` header line (e.g.
 * `## Customer [/customer]`), `action` the start of a `### …` header under it (e.g. `### POST`),
 * `part` the request or the 200 response body.
 *
 * @example
 * blueprintExample('## Sale List [/saleList]', '### GET', 'response');
 */
export function blueprintExample(section: string, action: string, part: 'request' | 'response'): unknown {
  blueprintLines ??= readFileSync(CIN7_BLUEPRINT_PATH, 'utf8').split('\n');
  const lines = blueprintLines;
  const s = lines.findIndex((l) => l.startsWith(section));
  if (s < 0) throw new Error(`blueprint: no section ${section}`);
  let a = -1;
  for (let i = s + 1; i < lines.length; i++) {
    const l = lines[i] as string;
    if (/^#{1,2} /.test(l)) break;
    if (l.startsWith(action)) {
      a = i;
      break;
    }
  }
  if (a < 0) throw new Error(`blueprint: no ${action} under ${section}`);
  let marker = -1;
  for (let i = a + 1; i < lines.length; i++) {
    const t = (lines[i] as string).trim();
    if (/^#{1,3} /.test(lines[i] as string)) break;
    if (part === 'request' ? t.startsWith('+ Request') : t.startsWith('+ Response 200')) {
      marker = i;
      break;
    }
  }
  if (marker < 0) throw new Error(`blueprint: no ${part} for ${action} under ${section}`);
  const block = balancedBlock(lines, marker + 1);
  if (block === null) throw new Error(`blueprint: no JSON body for ${part} of ${action} under ${section}`);
  return JSON.parse(repairJson(block));
}
