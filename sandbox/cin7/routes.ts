import type { Router, SandboxRequest, SandboxResponse } from '../shared/server.js';
import { parseJsonObject } from './customer-input.js';
import type { CustomerRecord } from './customer-store.js';
import { Query, readPage, slicePage } from './query.js';
import {
  ACCOUNTS,
  ATTRIBUTE_SETS,
  CARRIERS,
  LOCATIONS,
  PAYMENT_TERMS,
  PRICE_TIERS,
  TAX_RULES,
  meBody,
} from './reference.js';
import { Cin7HttpError, badRequest, errorResponse, ok } from './responses.js';
import { saleDetail, saleRow } from './sale-model.js';
import type { Cin7Tenant } from './tenant.js';
import type { Cin7Customer } from './types.js';

/** The real API's base path; the sandbox serves every route under it. */
export const BASE_PATH = '/ExternalApi/v2';

type Handler = (req: SandboxRequest, q: Query) => SandboxResponse;

/** Registers the Cin7 API routes (paths case-insensitive, as the real API's are). */
export function addApiRoutes(router: Router, tenant: Cin7Tenant): void {
  const wrap =
    (h: Handler) =>
    (req: SandboxRequest): SandboxResponse => {
      try {
        return h(req, new Query(req.query));
      } catch (err) {
        if (err instanceof Cin7HttpError)
          return errorResponse(err.status, err.exceptions, tenant.knobs.errorShape);
        throw err;
      }
    };
  const add = (method: string, path: string, name: string, h: Handler) =>
    router.add(method, `${BASE_PATH}${path}`, name, wrap(h));

  add('GET', '/me', 'cin7.me', () => ok(meBody()));

  add('GET', '/customer', 'cin7.customers.list', (_req, q) => {
    const page = readPage(q, tenant.knobs.maxPageSize);
    const includePrices = q.bool('IncludeProductPrices', false);
    const found = tenant.customers.query(
      {
        id: q.guid('ID'),
        name: q.string('Name'),
        contactFilter: q.string('ContactFilter'),
        modifiedSince: q.date('ModifiedSince'),
        includeDeprecated: q.bool('IncludeDeprecated', false),
      },
      { offset: (page.page - 1) * page.limit, limit: page.limit },
    );
    const list = found.items.map((r) => customerOut(tenant, r, { includePrices, withOwnerIds: false }));
    return ok({ Total: found.total, Page: page.page, CustomerList: list });
  });

  add('POST', '/customer', 'cin7.customers.create', (req) => {
    const r = tenant.createCustomer(parseJsonObject(req.rawBody));
    return ok({
      Total: 1,
      Page: 1,
      CustomerList: [customerOut(tenant, r, { includePrices: false, withOwnerIds: true })],
    });
  });

  add('PUT', '/customer', 'cin7.customers.update', (req) => {
    const r = tenant.updateCustomer(parseJsonObject(req.rawBody));
    return ok({
      Total: 1,
      Page: 1,
      CustomerList: [customerOut(tenant, r, { includePrices: false, withOwnerIds: true })],
    });
  });

  add('GET', '/saleList', 'cin7.sales.list', (_req, q) => {
    const page = readPage(q, tenant.knobs.maxPageSize);
    const matches = tenant.sales.query(
      {
        search: q.string('Search'),
        createdSince: q.date('CreatedSince'),
        updatedSince: q.date('UpdatedSince'),
        updatedUntil: q.date('UpdatedUntil'),
        shipBy: q.date('ShipBy'),
        status: q.string('Status'),
        quoteStatus: q.string('QuoteStatus'),
        orderStatus: q.string('OrderStatus'),
        combinedPickStatus: q.string('CombinedPickStatus'),
        combinedPackStatus: q.string('CombinedPackStatus'),
        combinedShippingStatus: q.string('CombinedShippingStatus'),
        combinedInvoiceStatus: q.string('CombinedInvoiceStatus'),
        creditNoteStatus: q.string('CreditNoteStatus'),
        externalId: q.string('ExternalID'),
        orderLocationId: q.guid('OrderLocationID'),
        readyForShipping: q.optionalBool('ReadyForShipping'),
      },
      (id) => tenant.customerName(id),
    );
    const rows = slicePage(matches, page).map((s) => saleRow(s, tenant.customerName(s.customerId)));
    return ok({ Total: matches.length, Page: page.page, SaleList: rows });
  });

  add('GET', '/sale', 'cin7.sales.get', (_req, q) => {
    const id = q.guid('ID');
    if (!id) throw badRequest('Required parameter ID is not provided.');
    const sale = tenant.sales.get(id);
    if (!sale) throw badRequest(`Sale with ID ${id} not found.`);
    const c = tenant.customers.get(sale.customerId)?.data;
    const contact = c?.Contacts.find((k) => k.Default) ?? c?.Contacts[0] ?? null;
    const billing = c?.Addresses.find((a) => a.Type === 'Billing') ?? c?.Addresses[0] ?? null;
    const location = tenantLocationName(sale.locationId);
    return ok(
      saleDetail(
        sale,
        {
          name: c?.Name ?? '',
          contact: contact ? { Name: contact.Name, Phone: contact.Phone, Email: contact.Email } : null,
          billing: billing
            ? {
                Line1: billing.Line1,
                Line2: billing.Line2,
                City: billing.City,
                State: billing.State,
                Postcode: billing.Postcode,
                Country: billing.Country,
              }
            : null,
          taxRule: c?.TaxRule ?? 'Tax Exempt',
          paymentTerm: c?.PaymentTerm ?? '30 days',
          priceTier: c?.PriceTier ?? null,
          salesRep: c?.SalesRepresentative ?? null,
          carrier: c?.Carrier ?? null,
        },
        location,
      ),
    );
  });

  add('GET', '/webhooks', 'cin7.webhooks.list', () => ok({ Webhooks: tenant.webhooks.list() }));
  add('POST', '/webhooks', 'cin7.webhooks.create', (req) =>
    ok({ Webhooks: [tenant.webhooks.create(parseJsonObject(req.rawBody))] }),
  );
  add('PUT', '/webhooks', 'cin7.webhooks.update', (req) =>
    ok({ Webhooks: [tenant.webhooks.update(parseJsonObject(req.rawBody))] }),
  );
  add('DELETE', '/webhooks', 'cin7.webhooks.delete', (_req, q) => {
    const id = q.string('ID');
    if (!id) throw badRequest('Required parameter ID is not provided.');
    tenant.webhooks.delete(id.trim());
    return ok({ Webhooks: [] });
  });

  addReferenceRoutes(add);
}

type Add = (method: string, path: string, name: string, h: Handler) => void;

function prefix(value: string, q: string | undefined): boolean {
  return q === undefined || value.toLowerCase().startsWith(q.toLowerCase());
}

function same(value: string | null, q: string | undefined): boolean {
  return q === undefined || (value ?? '').toLowerCase() === q.toLowerCase();
}

function flag(value: boolean, q: boolean | undefined): boolean {
  return q === undefined || value === q;
}

function paged<T>(q: Query, items: T[], listKey: string, maxPageSize: number): SandboxResponse {
  const page = readPage(q, maxPageSize);
  return ok({ Total: items.length, Page: page.page, [listKey]: slicePage(items, page) });
}

function addReferenceRoutes(add: Add): void {
  const cap = 1000;
  add('GET', '/ref/paymentterm', 'cin7.ref.paymentTerms', (_r, q) => {
    const id = q.guid('ID');
    const items = PAYMENT_TERMS.filter(
      (t) =>
        (id === undefined || t.ID === id) &&
        prefix(t.Name, q.string('Name')) &&
        same(t.Method, q.string('Method')) &&
        flag(t.IsActive, q.optionalBool('IsActive')) &&
        flag(t.IsDefault, q.optionalBool('IsDefault')),
    );
    return paged(q, items, 'PaymentTermList', cap);
  });
  add('GET', '/ref/tax', 'cin7.ref.taxRules', (_r, q) => {
    const id = q.guid('ID');
    const items = TAX_RULES.filter(
      (t) =>
        (id === undefined || t.ID === id) &&
        prefix(t.Name, q.string('Name')) &&
        flag(t.IsActive, q.optionalBool('IsActive')) &&
        flag(t.IsTaxForSale, q.optionalBool('IsTaxForSale')) &&
        flag(t.IsTaxForPurchase, q.optionalBool('IsTaxForPurchase')) &&
        same(t.Account, q.string('Account')),
    );
    return paged(q, items, 'TaxRuleList', cap);
  });
  add('GET', '/ref/account', 'cin7.ref.accounts', (_r, q) => {
    const items = ACCOUNTS.filter(
      (a) =>
        same(a.Code, q.string('Code')) &&
        prefix(a.Name, q.string('Name')) &&
        same(a.Type, q.string('Type')) &&
        same(a.Class, q.string('Class')) &&
        same(a.Status, q.string('Status')),
    );
    return paged(q, items, 'AccountsList', cap);
  });
  add('GET', '/ref/priceTier', 'cin7.ref.priceTiers', () => ok({ PriceTiers: PRICE_TIERS }));
  add('GET', '/ref/carrier', 'cin7.ref.carriers', (_r, q) => {
    const id = q.guid('CarrierID');
    const items = CARRIERS.filter(
      (c) => (id === undefined || c.CarrierID === id) && prefix(c.Description, q.string('Description')),
    );
    return paged(q, items, 'CarrierList', cap);
  });
  add('GET', '/ref/location', 'cin7.ref.locations', (_r, q) => {
    const id = q.guid('ID');
    const items = LOCATIONS.filter(
      (l) =>
        (id === undefined || l.ID === id) &&
        prefix(l.Name, q.string('Name')) &&
        flag(l.IsDeprecated, q.optionalBool('Deprecated')),
    );
    return paged(q, items, 'LocationList', cap);
  });
  add('GET', '/ref/attributeset', 'cin7.ref.attributeSets', (_r, q) => {
    const id = q.guid('ID');
    const items = ATTRIBUTE_SETS.filter(
      (s) => (id === undefined || s.ID === id) && prefix(s.Name, q.string('Name')),
    );
    return paged(q, items, 'AttributeSetList', cap);
  });
}

function tenantLocationName(id: string): string {
  return LOCATIONS.find((l) => l.ID === id)?.Name ?? 'Main Warehouse';
}

/**
 * A customer as an answer carries it. Write answers (POST/PUT) add `CustomerID` to each contact and
 * address, as the Blueprint's POST/PUT examples do and its GET example does not.
 */
export function customerOut(
  tenant: Cin7Tenant,
  r: CustomerRecord,
  o: { includePrices: boolean; withOwnerIds: boolean },
): Cin7Customer | Record<string, unknown> {
  const children = tenant.customers.childrenOf(r.data.ID);
  if (!o.includePrices && !o.withOwnerIds && children.length === 0) return r.data;
  const c = r.data;
  const out: Record<string, unknown> = { ...c, ChildCustomers: children };
  if (o.withOwnerIds) {
    out.Addresses = c.Addresses.map(({ ID, ...a }) => ({ ID, CustomerID: c.ID, ...a }));
    out.Contacts = c.Contacts.map(({ ID, ...k }) => ({ ID, CustomerID: c.ID, ...k }));
  }
  if (o.includePrices) out.ProductPrices = [];
  return out;
}
