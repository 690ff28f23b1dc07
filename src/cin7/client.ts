import { InputError } from '../errors/index.js';
import type { HttpClient } from '../http/client.js';
import { BadResponseError } from '../http/errors.js';
import type { HttpResponse, QueryValue } from '../http/types.js';
import { registerSecret } from '../log/redact.js';
import { type RawRecord, mergeCustomer } from './customer-merge.js';
import { type Cin7OperationName, cin7Operation } from './operation-defs.js';
import { type PageResult, pages } from './pager.js';
import {
  type Cin7Customer,
  type Cin7Me,
  type Cin7RefItem,
  type Cin7Sale,
  type Cin7SaleListItem,
  type Cin7Webhook,
  customerListSchema,
  customerSchema,
  meSchema,
  refListSchema,
  saleListSchema,
  saleSchema,
  webhookListSchema,
} from './schemas.js';

export interface Cin7ClientOptions {
  /** The one HTTP layer, with `cin7HttpRules` registered. */
  http: HttpClient;
  /** Config `cin7.baseUrl`: the root `/customer` etc. are appended to (the sandbox's in tests). */
  baseUrl: string;
  accountId: string;
  /** The API application key: sent on every call and used (hashed) as the rate-limit key. */
  applicationKey: string;
  /** Records per page to ask for, 1–1000 (config `cin7.pageSize`; default 1000). */
  pageSize?: number;
}

/** Query, body and parsing of one call. */
export interface Cin7CallArgs<T> {
  query?: Record<string, QueryValue>;
  body?: unknown;
  signal?: AbortSignal;
  parse?: (body: unknown) => T;
}

/** `GET /customer` filters, by their Cin7 names. */
export interface CustomerQuery {
  ID?: string;
  Name?: string;
  ContactFilter?: string;
  /** ISO 8601 UTC; see `formatCin7Param`. */
  ModifiedSince?: string;
  IncludeDeprecated?: boolean;
  IncludeProductPrices?: boolean;
}

/** `GET /saleList` filters, by their Cin7 names. */
export interface SaleListQuery {
  Search?: string;
  CreatedSince?: string;
  UpdatedSince?: string;
  UpdatedUntil?: string;
  ShipBy?: string;
  Status?: string;
  QuoteStatus?: string;
  OrderStatus?: string;
  CombinedPickStatus?: string;
  CombinedPackStatus?: string;
  CombinedShippingStatus?: string;
  CombinedInvoiceStatus?: string;
  CreditNoteStatus?: string;
  ExternalID?: string;
  ReadyForShipping?: boolean;
  OrderLocationID?: string;
}

export interface PageOptions {
  /** Resume at this page. */
  startPage?: number;
  /** Page size to ask for (default: the client's, lowered to what the server honours). */
  limit?: number;
  signal?: AbortSignal;
}

/** A page of a list, typed. */
export type Cin7Page<T> = PageResult<T>;

/** A webhook to create or update (Cin7's field names). */
export interface Cin7WebhookInput {
  ID?: string;
  Type: string;
  IsActive: boolean;
  ExternalURL: string;
  ExternalAuthorizationType: 'noauth' | 'basicauth' | 'bearerauth';
  ExternalUserName?: string | null;
  ExternalPassword?: string | null;
  ExternalBearerToken?: string | null;
  ExternalHeaders?: { Key: string; Value: string }[];
}

/** The reference lists a customer record names (`cin7.ref.*`). */
export type Cin7RefName =
  | 'paymentTerms'
  | 'taxRules'
  | 'accounts'
  | 'priceTiers'
  | 'carriers'
  | 'locations'
  | 'attributeSets';

const REF_LIST_KEYS: Record<Cin7RefName, string> = {
  paymentTerms: 'PaymentTermList',
  taxRules: 'TaxRuleList',
  accounts: 'AccountsList',
  priceTiers: 'PriceTiers',
  carriers: 'CarrierList',
  locations: 'LocationList',
  attributeSets: 'AttributeSetList',
};

/**
 * The Cin7 Core v2 client: every catalog operation (`src/cin7/operation-defs.ts`) as a method, sent
 * through the one HTTP layer with its catalog name (counted per operation) and the application key
 * as rate-limit key. Answers are validated leniently (`schemas.ts`); lists are async iterators that
 * adapt to a smaller page size the server honours.
 *
 * @example
 * const cin7 = new Cin7Client({ http, baseUrl: config.cin7.baseUrl, accountId, applicationKey });
 * const me = await cin7.me();
 * for await (const c of cin7.customers({ ModifiedSince: '2025-01-01T00:00:00', IncludeDeprecated: true })) handle(c);
 * await cin7.updateCustomer(id, { Comments: 'VIP' });
 */
export class Cin7Client {
  readonly #http: HttpClient;
  readonly #baseUrl: string;
  readonly #accountId: string;
  readonly #applicationKey: string;
  #pageSize: number;
  /** The page size each list endpoint was seen to honour, by operation. */
  readonly #honoured = new Map<string, number>();

  constructor(options: Cin7ClientOptions) {
    if (!options.accountId || !options.applicationKey) {
      throw new InputError(
        'Cin7Client',
        'account id or application key missing',
        'set cin7.accountId (CIN7_ACCOUNT_ID) and CIN7_APPLICATION_KEY, or run `cin7-ghl connect cin7`',
      );
    }
    this.#http = options.http;
    this.#baseUrl = options.baseUrl;
    this.#accountId = options.accountId;
    this.#applicationKey = options.applicationKey;
    this.#pageSize = Math.min(1000, Math.max(1, Math.trunc(options.pageSize ?? 1000)));
    registerSecret(options.applicationKey);
  }

  get accountId(): string {
    return this.#accountId;
  }

  get baseUrl(): string {
    return this.#baseUrl;
  }

  /** The page size list calls ask for on `operation` (lowered once a server cap was seen). */
  pageSizeFor(operation: Cin7OperationName): number {
    return Math.min(this.#pageSize, this.#honoured.get(operation) ?? this.#pageSize);
  }

  /**
   * One call of a catalog operation, answered with the full response. `ops call` uses this with no
   * `parse`, to hand back the body verbatim.
   *
   * @example
   * const res = await cin7.request('cin7.customers.list', { query: { Page: 1, Limit: 10 } });
   */
  request<T = unknown>(name: Cin7OperationName, args: Cin7CallArgs<T> = {}): Promise<HttpResponse<T>> {
    const def = cin7Operation(name);
    return this.#http.request<T>({
      api: 'cin7',
      operation: def.name,
      method: def.method,
      baseUrl: this.#baseUrl,
      path: def.path,
      headers: {
        'api-auth-accountid': this.#accountId,
        'api-auth-applicationkey': this.#applicationKey,
      },
      rateKey: this.#applicationKey,
      ...(def.idempotent ? { idempotent: true } : {}),
      ...(args.query ? { query: args.query } : {}),
      ...(args.body !== undefined ? { body: args.body } : {}),
      ...(args.signal ? { signal: args.signal } : {}),
      ...(args.parse ? { parse: args.parse } : {}),
    });
  }

  /** `GET /me`: the account; a cheap credentials check (403 → `AuthError`). */
  async me(signal?: AbortSignal): Promise<Cin7Me> {
    return (await this.request('cin7.me', { parse: (b) => meSchema.parse(b), ...sig(signal) })).body;
  }

  // ---------------------------------------------------------------------------------------------
  // Customers

  /**
   * Customer pages (`Total`/`Page` from each answer), adapting to a smaller honoured page size.
   *
   * @example
   * for await (const page of cin7.customerPages({ IncludeDeprecated: true })) console.log(page.page, page.rows.length);
   */
  customerPages(
    query: CustomerQuery = {},
    options: PageOptions = {},
  ): AsyncGenerator<Cin7Page<Cin7Customer>> {
    return this.#pages('cin7.customers.list', query, options, async (q, signal) => {
      const res = await this.request('cin7.customers.list', {
        query: q,
        parse: (b) => customerListSchema.parse(b),
        ...sig(signal),
      });
      return { rows: res.body.CustomerList, total: res.body.Total, attempts: res.attempts };
    });
  }

  /** Every customer matching `query`, one at a time (pages read as needed). */
  async *customers(query: CustomerQuery = {}, options: PageOptions = {}): AsyncGenerator<Cin7Customer> {
    for await (const page of this.customerPages(query, options)) yield* page.rows;
  }

  /** One customer by ID, deprecated ones included; null when there is none. */
  async getCustomer(id: string, signal?: AbortSignal): Promise<Cin7Customer | null> {
    const raw = await this.getCustomerRaw(id, signal);
    return raw === null ? null : parseCustomer(raw);
  }

  /** One customer by ID exactly as Cin7 sent it (what a full-record PUT starts from); null when none. */
  async getCustomerRaw(id: string, signal?: AbortSignal): Promise<RawRecord | null> {
    const res = await this.request('cin7.customers.get', {
      query: { ID: requireId(id, 'cin7.customers.get'), IncludeDeprecated: true },
      ...sig(signal),
    });
    const list = listOf(res.body, 'CustomerList', 'cin7.customers.get');
    return (list.find(isRecord) as RawRecord | undefined) ?? null;
  }

  /**
   * Creates a customer (Cin7 has no upsert; `Name` must be unique). Returns it as saved.
   *
   * @example
   * await cin7.createCustomer({ Name: 'Acme', Status: 'Active', Currency: 'USD', PaymentTerm: '30 days',
   *   AccountReceivable: '610', RevenueAccount: '200', TaxRule: 'Tax Exempt' });
   */
  async createCustomer(input: RawRecord, signal?: AbortSignal): Promise<Cin7Customer> {
    const res = await this.request('cin7.customers.create', {
      body: input,
      parse: (b) => customerListSchema.parse(b),
      ...sig(signal),
    });
    return firstCustomer(res.body.CustomerList, 'cin7.customers.create');
  }

  /**
   * Read-modify-write: reads the customer, merges `patch` into the full record (contacts and
   * addresses matched by ID and kept otherwise, see `mergeCustomer`), and PUTs it. Two calls.
   * Returns the raw PUT answer too, for `ops call`.
   *
   * @example
   * const saved = await cin7.updateCustomer(id, { Tags: 'vip,wholesale' });
   */
  async updateCustomer(id: string, patch: RawRecord, signal?: AbortSignal): Promise<Cin7Customer> {
    return (await this.updateCustomerRaw(id, patch, signal)).customer;
  }

  /** `updateCustomer`, also giving the PUT's answer body verbatim. */
  async updateCustomerRaw(
    id: string,
    patch: RawRecord,
    signal?: AbortSignal,
  ): Promise<{ customer: Cin7Customer; body: unknown }> {
    const current = await this.getCustomerRaw(id, signal);
    if (current === null) {
      throw new InputError(
        'cin7.customers.update',
        `no customer with ID ${id}`,
        'check the ID (cin7.customers.list); Cin7 cannot create with PUT',
      );
    }
    const res = await this.request('cin7.customers.update', {
      body: mergeCustomer(current, patch),
      ...sig(signal),
    });
    const parsed = customerListSchema.safeParse(res.body);
    if (!parsed.success) throw badShape('cin7.customers.update', 'PUT', parsed.error.message);
    return { customer: firstCustomer(parsed.data.CustomerList, 'cin7.customers.update'), body: res.body };
  }

  /** Retires a customer (Cin7 has no delete): a read-modify-write with `Status: Deprecated`. */
  async deprecateCustomer(id: string, signal?: AbortSignal): Promise<Cin7Customer> {
    return this.updateCustomer(id, { Status: 'Deprecated' }, signal);
  }

  // ---------------------------------------------------------------------------------------------
  // Sales

  /**
   * Sale-list pages. There is no customer filter: page with `UpdatedSince` and group by `CustomerID`.
   *
   * @example
   * for await (const page of cin7.salePages({ UpdatedSince: '2025-01-01T00:00:00' })) aggregate(page.rows);
   */
  salePages(
    query: SaleListQuery = {},
    options: PageOptions = {},
  ): AsyncGenerator<Cin7Page<Cin7SaleListItem>> {
    return this.#pages('cin7.sales.list', query, options, async (q, signal) => {
      const res = await this.request('cin7.sales.list', {
        query: q,
        parse: (b) => saleListSchema.parse(b),
        ...sig(signal),
      });
      return { rows: res.body.SaleList, total: res.body.Total, attempts: res.attempts };
    });
  }

  /** Every sale-list row matching `query`. */
  async *sales(query: SaleListQuery = {}, options: PageOptions = {}): AsyncGenerator<Cin7SaleListItem> {
    for await (const page of this.salePages(query, options)) yield* page.rows;
  }

  /** One sale with its sections (one call per sale: prefer `sales()` rows for aggregates). */
  async getSale(
    id: string,
    options: {
      CombineAdditionalCharges?: boolean;
      HideInventoryMovements?: boolean;
      IncludeTransactions?: boolean;
    } = {},
    signal?: AbortSignal,
  ): Promise<Cin7Sale> {
    const res = await this.request('cin7.sales.get', {
      query: { ID: requireId(id, 'cin7.sales.get'), ...options },
      parse: (b) => saleSchema.parse(b),
      ...sig(signal),
    });
    return res.body;
  }

  // ---------------------------------------------------------------------------------------------
  // Webhooks

  async listWebhooks(signal?: AbortSignal): Promise<Cin7Webhook[]> {
    return (
      await this.request('cin7.webhooks.list', { parse: (b) => webhookListSchema.parse(b), ...sig(signal) })
    ).body;
  }

  /** Creates a webhook; the answer is `{Webhooks: [created]}` (a bare object is accepted too). */
  async createWebhook(input: Cin7WebhookInput, signal?: AbortSignal): Promise<Cin7Webhook> {
    const { ID: _ignored, ...body } = input;
    const res = await this.request('cin7.webhooks.create', {
      body,
      parse: (b) => webhookListSchema.parse(b),
      ...sig(signal),
    });
    return firstOf(res.body, 'cin7.webhooks.create');
  }

  async updateWebhook(input: Cin7WebhookInput & { ID: string }, signal?: AbortSignal): Promise<Cin7Webhook> {
    const res = await this.request('cin7.webhooks.update', {
      body: input,
      parse: (b) => webhookListSchema.parse(b),
      ...sig(signal),
    });
    return firstOf(res.body, 'cin7.webhooks.update');
  }

  async deleteWebhook(id: string, signal?: AbortSignal): Promise<void> {
    await this.request('cin7.webhooks.delete', {
      query: { ID: requireId(id, 'cin7.webhooks.delete') },
      ...sig(signal),
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Reference data

  /**
   * Every item of a reference list (all pages), as loose JSON objects.
   *
   * @example
   * const terms = await cin7.reference('paymentTerms', { IsActive: true });
   */
  async reference(
    name: Cin7RefName,
    query: Record<string, QueryValue> = {},
    signal?: AbortSignal,
  ): Promise<Cin7RefItem[]> {
    const operation = `cin7.ref.${name}` as Cin7OperationName;
    const schema = refListSchema(REF_LIST_KEYS[name]);
    if (name === 'priceTiers') {
      const res = await this.request(operation, { parse: (b) => schema.parse(b), ...sig(signal) });
      return res.body.items;
    }
    const out: Cin7RefItem[] = [];
    const it = this.#pages(operation, query, signal ? { signal } : {}, async (q, s) => {
      const res = await this.request(operation, { query: q, parse: (b) => schema.parse(b), ...sig(s) });
      return { rows: res.body.items, total: res.body.Total ?? res.body.items.length, attempts: res.attempts };
    });
    for await (const page of it) out.push(...page.rows);
    return out;
  }

  paymentTerms(query: Record<string, QueryValue> = {}): Promise<Cin7RefItem[]> {
    return this.reference('paymentTerms', query);
  }
  taxRules(query: Record<string, QueryValue> = {}): Promise<Cin7RefItem[]> {
    return this.reference('taxRules', query);
  }
  accounts(query: Record<string, QueryValue> = {}): Promise<Cin7RefItem[]> {
    return this.reference('accounts', query);
  }
  priceTiers(): Promise<Cin7RefItem[]> {
    return this.reference('priceTiers');
  }
  carriers(query: Record<string, QueryValue> = {}): Promise<Cin7RefItem[]> {
    return this.reference('carriers', query);
  }
  locations(query: Record<string, QueryValue> = {}): Promise<Cin7RefItem[]> {
    return this.reference('locations', query);
  }
  attributeSets(query: Record<string, QueryValue> = {}): Promise<Cin7RefItem[]> {
    return this.reference('attributeSets', query);
  }

  // ---------------------------------------------------------------------------------------------

  #pages<T, Q extends object>(
    operation: Cin7OperationName,
    query: Q,
    options: PageOptions,
    fetch: (
      q: Record<string, QueryValue>,
      signal: AbortSignal | undefined,
    ) => Promise<{ rows: T[]; total: number; attempts: number }>,
  ): AsyncGenerator<Cin7Page<T>> {
    const limit = Math.min(options.limit ?? this.#pageSize, this.pageSizeFor(operation));
    return pages<T>(
      (page, size) =>
        fetch({ ...(query as Record<string, QueryValue>), Page: page, Limit: size }, options.signal),
      {
        limit,
        ...(options.startPage !== undefined ? { startPage: options.startPage } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        onPageSize: (n) => this.#honoured.set(operation, n),
      },
    );
  }
}

function sig(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal ? { signal } : {};
}

function requireId(id: string, operation: string): string {
  if (typeof id !== 'string' || id.trim() === '') {
    throw new InputError(operation, 'ID is missing', 'give the record GUID');
  }
  return id.trim();
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function listOf(body: unknown, key: string, operation: string): unknown[] {
  const list = isRecord(body) ? body[key] : undefined;
  if (list === null || list === undefined) return [];
  if (!Array.isArray(list)) throw badShape(operation, 'GET', `${key} is not an array`);
  return list;
}

function parseCustomer(raw: RawRecord): Cin7Customer {
  const parsed = customerSchema.safeParse(raw);
  if (!parsed.success) throw badShape('cin7.customers.get', 'GET', parsed.error.message);
  return parsed.data;
}

function firstCustomer(list: Cin7Customer[], operation: string): Cin7Customer {
  const c = list[0];
  if (!c) throw badShape(operation, operation.endsWith('create') ? 'POST' : 'PUT', 'CustomerList is empty');
  return c;
}

function firstOf(list: Cin7Webhook[], operation: string): Cin7Webhook {
  const w = list[0];
  if (!w) throw badShape(operation, operation.endsWith('create') ? 'POST' : 'PUT', 'Webhooks is empty');
  return w;
}

function badShape(operation: string, method: 'GET' | 'POST' | 'PUT', problem: string): BadResponseError {
  return new BadResponseError({
    api: 'cin7',
    operation,
    method,
    path: cin7Operation(operation).path,
    status: 200,
    messages: [`the response body does not have the expected shape: ${problem}`],
    attempts: 1,
  });
}
