/**
 * The Cin7 half of the operations catalog: every Cin7 Core operation the product calls, with the
 * spec's method, path and query-parameter names (the nnhansg subset and Cin7's Blueprint). The
 * client sends every call through these definitions, so the catalog and the client agree.
 */
import { InputError } from '../errors/index.js';
import type { OperationDef, ParamDef } from '../ops/types.js';

const query = (
  name: string,
  description: string,
  options: { required?: boolean; type?: ParamDef['type'] } = {},
): ParamDef => ({
  name,
  in: 'query',
  required: options.required ?? false,
  type: options.type ?? 'string',
  description,
});
const body = (description: string): ParamDef => ({
  name: 'body',
  in: 'body',
  required: true,
  type: 'object',
  description,
});

const page = query('Page', 'page number, from 1 (default 1)', { type: 'number' });
const limit = query('Limit', 'page size, 1 to 1000 (default 100)', { type: 'number' });

type Def = Omit<OperationDef, 'api' | 'hasBody'>;

function op<N extends string>(def: Def & { name: N }): OperationDef & { name: N } {
  return { api: 'cin7', hasBody: def.params.some((p) => p.in === 'body'), ...def };
}

/** Every Cin7 operation of the catalog. */
export const CIN7_OPERATIONS = [
  op({
    name: 'cin7.me',
    description: 'The account: company, base currency, time zone, default sale tax rule (checks credentials)',
    method: 'GET',
    path: '/me',
    params: [],
  }),
  op({
    name: 'cin7.customers.list',
    description:
      'List customers, one page (Total/Page/CustomerList); ModifiedSince for changes, IncludeDeprecated=true to see deactivations',
    method: 'GET',
    path: '/customer',
    paged: true,
    params: [
      page,
      limit,
      query('ID', 'only the customer with this GUID'),
      query('Name', 'customers whose name starts with this'),
      query('ContactFilter', "a contact's name starts with this, or a contact's email equals it"),
      query('ModifiedSince', 'only customers modified since this UTC date-time (ISO 8601)'),
      query('IncludeDeprecated', 'true to include Deprecated customers (default false)', { type: 'boolean' }),
      query('IncludeProductPrices', 'true to add ProductPrices (default false)', { type: 'boolean' }),
    ],
  }),
  op({
    name: 'cin7.customers.get',
    description:
      'Get one customer by ID (the Total/Page/CustomerList envelope with at most one customer; deprecated ones included)',
    method: 'GET',
    path: '/customer',
    params: [
      query('ID', 'the customer GUID', { required: true }),
      query('IncludeDeprecated', 'default true here, so a deprecated customer is found too', {
        type: 'boolean',
      }),
      query('IncludeProductPrices', 'true to add ProductPrices (default false)', { type: 'boolean' }),
    ],
  }),
  op({
    name: 'cin7.customers.create',
    description:
      'Create a customer (Name unique; Status, Currency, PaymentTerm, AccountReceivable, RevenueAccount, TaxRule required)',
    method: 'POST',
    path: '/customer',
    params: [
      body('Customer: Name, Status, Currency, PaymentTerm, AccountReceivable, RevenueAccount, TaxRule, …'),
    ],
  }),
  op({
    name: 'cin7.customers.update',
    description:
      'Update a customer: reads it, merges the body (contacts and addresses matched by ID, others kept), PUTs the full record',
    method: 'PUT',
    path: '/customer',
    params: [body('Customer fields to change, with ID; Contacts/Addresses entries matched by ID')],
  }),
  op({
    name: 'cin7.customers.deprecate',
    description: 'Retire a customer (Cin7 has no delete): a full-record PUT with Status Deprecated',
    method: 'PUT',
    path: '/customer',
    params: [query('ID', 'the customer GUID', { required: true })],
  }),
  op({
    name: 'cin7.sales.list',
    description: 'List sales, one page (Total/Page/SaleList); UpdatedSince for changes (no customer filter)',
    method: 'GET',
    path: '/saleList',
    paged: true,
    params: [
      page,
      limit,
      query('Search', 'substring of order/invoice/credit-note number, status, customer name or reference'),
      query('CreatedSince', 'only sales created after this UTC date-time'),
      query('UpdatedSince', 'only sales changed after this UTC date-time'),
      query('UpdatedUntil', 'only sales changed up to this UTC date-time (newer Blueprint)'),
      query('ShipBy', 'only sales to ship by this date'),
      query('QuoteStatus', 'quote status, e.g. AUTHORISED'),
      query('OrderStatus', 'order status, e.g. AUTHORISED'),
      query('CombinedPickStatus', 'combined pick status'),
      query('CombinedPackStatus', 'combined pack status'),
      query('CombinedShippingStatus', 'combined shipping status'),
      query('CombinedInvoiceStatus', 'combined invoice status'),
      query('CreditNoteStatus', 'credit note status'),
      query('ExternalID', 'the external id'),
      query('Status', 'sale status, e.g. INVOICED, VOIDED'),
      query('ReadyForShipping', 'true or false', { type: 'boolean' }),
      query('OrderLocationID', 'the order location GUID'),
    ],
  }),
  op({
    name: 'cin7.sales.get',
    description: 'Get one sale with quote, order, invoices and credit notes (costs a call per sale)',
    method: 'GET',
    path: '/sale',
    params: [
      query('ID', 'the sale GUID', { required: true }),
      query('CombineAdditionalCharges', 'true to combine additional charges', { type: 'boolean' }),
      query('HideInventoryMovements', 'true to leave inventory movements out', { type: 'boolean' }),
      query('IncludeTransactions', 'true to add transactions', { type: 'boolean' }),
      query('CountryFormat', 'Regular, Code2 or Code'),
    ],
  }),
  op({
    name: 'cin7.webhooks.list',
    description: 'List the webhooks of the account (secrets included in plain text, as Cin7 returns them)',
    method: 'GET',
    path: '/webhooks',
    params: [],
  }),
  op({
    name: 'cin7.webhooks.create',
    description:
      'Create a webhook (Type, IsActive, ExternalURL, ExternalAuthorizationType; at most 5 of a type)',
    method: 'POST',
    path: '/webhooks',
    params: [body('Webhook: Type, IsActive, ExternalURL, ExternalAuthorizationType, ExternalBearerToken, …')],
  }),
  op({
    name: 'cin7.webhooks.update',
    description: 'Update a webhook by ID (e.g. IsActive true to switch it back on)',
    method: 'PUT',
    path: '/webhooks',
    params: [body('Webhook with ID')],
  }),
  op({
    name: 'cin7.webhooks.delete',
    description: 'Delete a webhook by ID',
    method: 'DELETE',
    path: '/webhooks',
    params: [query('ID', 'the webhook GUID', { required: true })],
  }),
  op({
    name: 'cin7.ref.paymentTerms',
    description: 'Payment terms (a customer needs one by name)',
    method: 'GET',
    path: '/ref/paymentterm',
    paged: true,
    params: [
      page,
      limit,
      query('ID', 'the payment term GUID'),
      query('Name', 'names starting with this'),
      query('Method', 'the method, e.g. number of days'),
      query('IsActive', 'true or false', { type: 'boolean' }),
      query('IsDefault', 'true or false', { type: 'boolean' }),
    ],
  }),
  op({
    name: 'cin7.ref.taxRules',
    description: 'Tax rules (a customer needs a sale tax rule by name)',
    method: 'GET',
    path: '/ref/tax',
    paged: true,
    params: [
      page,
      limit,
      query('ID', 'the tax rule GUID'),
      query('Name', 'names starting with this'),
      query('IsActive', 'true or false', { type: 'boolean' }),
      query('IsTaxForSale', 'true or false', { type: 'boolean' }),
      query('IsTaxForPurchase', 'true or false', { type: 'boolean' }),
      query('Account', 'the tax account code'),
    ],
  }),
  op({
    name: 'cin7.ref.accounts',
    description: 'Chart of accounts (a customer needs receivable and revenue account codes)',
    method: 'GET',
    path: '/ref/account',
    paged: true,
    params: [
      page,
      limit,
      query('Code', 'the account code'),
      query('Name', 'names starting with this'),
      query('Class', 'the account class'),
      query('Type', 'the account type'),
      query('Status', 'ACTIVE or ARCHIVED'),
    ],
  }),
  op({
    name: 'cin7.ref.priceTiers',
    description: 'Price tier names (one unpaged list)',
    method: 'GET',
    path: '/ref/priceTier',
    params: [],
  }),
  op({
    name: 'cin7.ref.carriers',
    description: 'Carriers',
    method: 'GET',
    path: '/ref/carrier',
    paged: true,
    params: [
      page,
      limit,
      query('CarrierID', 'the carrier GUID'),
      query('Description', 'descriptions starting with this'),
    ],
  }),
  op({
    name: 'cin7.ref.locations',
    description: 'Locations (warehouses)',
    method: 'GET',
    path: '/ref/location',
    paged: true,
    params: [
      page,
      limit,
      query('ID', 'the location GUID'),
      query('Deprecated', 'true or false', { type: 'boolean' }),
      query('Name', 'names starting with this'),
    ],
  }),
  op({
    name: 'cin7.ref.attributeSets',
    description: 'Attribute sets: what AdditionalAttribute1…10 mean for customers of each set',
    method: 'GET',
    path: '/ref/attributeset',
    paged: true,
    params: [page, limit, query('ID', 'the attribute set GUID'), query('Name', 'names starting with this')],
  }),
] as const;

export type Cin7OperationName = (typeof CIN7_OPERATIONS)[number]['name'];

const byName = new Map<string, OperationDef>(CIN7_OPERATIONS.map((o) => [o.name, o]));

/** The definition of a Cin7 operation; an unknown name is a programming error. */
export function cin7Operation(name: Cin7OperationName | string): OperationDef {
  const def = byName.get(name);
  if (!def) throw new InputError('cin7 operation', `unknown operation "${name}"`, 'see `cin7-ghl ops list`');
  return def;
}
