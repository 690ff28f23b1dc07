/**
 * Client conformance: every request the Cin7 client sends — path, query-parameter names and value
 * forms, headers, JSON bodies — validates against the nnhansg OpenAPI subset made strict
 * (`test/helpers/cin7-spec.ts`, with its named Blueprint corrections for bodies). Where the client
 * uses what the subset lacks, the correction is named here with the Blueprint line that allows it.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CIN7_OPERATIONS } from '../../src/cin7/operation-defs.js';
import { CIN7_SUBSET_PATH, type Cin7Spec, loadCin7Spec, specPath } from '../helpers/cin7-spec.js';
import { requireSpecs } from '../helpers/requirements.js';
import { type RecordedRequest, type SandboxClient, newCustomer, sandboxClient } from './helpers.js';

const specs = requireSpecs('cin7 client conformance');

/**
 * Query parameters the client may send that the subset does not list, each with its source.
 * (The subset is a third party's rendering; Cin7's Blueprint URI templates win.)
 */
const QUERY_CORRECTIONS: { id: string; op: string; params: string[]; reason: string }[] = [
  {
    id: 'sale-country-format',
    op: 'GET /sale',
    params: ['CountryFormat'],
    reason: 'Blueprint template: GET /sale?ID={ID}&…&CountryFormat={CountryFormat} (the subset omits it)',
  },
  {
    id: 'sale-list-updated-until',
    op: 'GET /saleList',
    params: ['UpdatedUntil'],
    reason: 'Newer Blueprint [A25] adds UpdatedUntil to saleList (NOTES §4)',
  },
  {
    id: 'attribute-set-endpoint',
    op: 'GET /ref/attributeset',
    params: ['ID', 'Page', 'Limit', 'Name'],
    reason:
      'Not in the subset; Blueprint template GET /ref/attributeset?ID={ID}&Page={Page}&Limit={Limit}&Name={Name}',
  },
];

/** Parameter names per operation, from the subset's own `parameters` (resolving `$ref`s). */
function subsetQueryParams(): Map<string, Set<string>> {
  const doc = parse(readFileSync(CIN7_SUBSET_PATH, 'utf8')) as {
    paths: Record<string, Record<string, { parameters?: { $ref?: string; name?: string; in?: string }[] }>>;
    components: { parameters: Record<string, { name: string; in: string }> };
  };
  const out = new Map<string, Set<string>>();
  for (const [p, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const names = new Set<string>();
      for (const param of op.parameters ?? []) {
        const resolved = param.$ref
          ? doc.components.parameters[param.$ref.split('/').pop() as string]
          : param;
        if (resolved?.in === 'query' && resolved.name) names.add(resolved.name);
      }
      out.set(`${method.toUpperCase()} ${p}`.toLowerCase(), names);
    }
  }
  return out;
}

const DATE_PARAMS = new Set(['ModifiedSince', 'CreatedSince', 'UpdatedSince', 'UpdatedUntil', 'ShipBy']);
const BOOL_PARAMS = new Set([
  'IncludeDeprecated',
  'IncludeProductPrices',
  'ReadyForShipping',
  'CombineAdditionalCharges',
  'HideInventoryMovements',
  'IncludeTransactions',
  'IsActive',
  'IsDefault',
  'IsTaxForSale',
  'IsTaxForPurchase',
  'Deprecated',
]);
const GUID_PARAMS = new Set(['ID', 'CarrierID', 'OrderLocationID']);

/** Everything wrong with one recorded request, as text (empty when it conforms). */
function problems(spec: Cin7Spec, params: Map<string, Set<string>>, r: RecordedRequest): string[] {
  const out: string[] = [];
  const path = specPath(r.url.pathname);
  const key = `${r.method} ${path}`;
  const allowed = new Set(params.get(key.toLowerCase()) ?? []);
  const known = params.has(key.toLowerCase());
  for (const c of QUERY_CORRECTIONS)
    if (c.op.toLowerCase() === key.toLowerCase()) for (const p of c.params) allowed.add(p);
  if (!known && !QUERY_CORRECTIONS.some((c) => c.op.toLowerCase() === key.toLowerCase()))
    out.push(`${key}: not an operation of the subset`);
  for (const [name, value] of r.url.searchParams) {
    if (!allowed.has(name)) out.push(`${key}: query parameter ${name} is not in the spec (spelled exactly)`);
    if (DATE_PARAMS.has(name) && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(value))
      out.push(`${key}: ${name}=${value} is not yyyy-MM-ddTHH:mm:ss (UTC)`);
    if (BOOL_PARAMS.has(name) && value !== 'true' && value !== 'false')
      out.push(`${key}: ${name}=${value} not a boolean`);
    if (
      GUID_PARAMS.has(name) &&
      !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)
    )
      out.push(`${key}: ${name}=${value} not a GUID`);
    if (
      (name === 'Page' || name === 'Limit') &&
      !(/^\d+$/.test(value) && Number(value) >= 1 && (name === 'Page' || Number(value) <= 1000))
    )
      out.push(`${key}: ${name}=${value} out of range`);
  }
  if (!r.headers['api-auth-accountid'] || !r.headers['api-auth-applicationkey'])
    out.push(`${key}: auth headers missing`);
  if (r.body !== undefined) {
    if (r.headers['content-type'] !== 'application/json')
      out.push(`${key}: body without Content-Type application/json`);
    const v = spec.request(r.method, path, r.body);
    out.push(...v.errors.map((e) => `${key} body ${e}`));
  }
  return out;
}

describe.skipIf(!specs.available)('Cin7 client requests conform to the strict spec', () => {
  let t: SandboxClient;
  const spec = specs.available ? loadCin7Spec() : (undefined as unknown as Cin7Spec);
  const params = specs.available ? subsetQueryParams() : new Map<string, Set<string>>();

  beforeAll(async () => {
    t = await sandboxClient({ customers: 30, salesPerCustomer: 2, seed: 11 });
    // Drive every client method once, the way the product uses them.
    const c = t.client;
    await c.me();
    for await (const _ of c.customerPages(
      { IncludeDeprecated: true, ModifiedSince: '2020-01-01T00:00:00' },
      { limit: 10 },
    )) {
    }
    for await (const _ of c.customers({ ContactFilter: 'someone@example.com', IncludeProductPrices: true })) {
    }
    for await (const _ of c.customers({ Name: 'A' })) {
    }
    const created = await c.createCustomer(
      newCustomer('Conformance Co', { Tags: 'x,y', DisplayName: 'Conf' }),
    );
    await c.getCustomer(created.ID);
    await c.updateCustomer(created.ID, {
      Comments: 'changed',
      Contacts: [
        { ID: created.Contacts[0]?.ID, MarketingConsent: 2 },
        { Name: 'New person', Email: 'np@example.com' },
      ],
      Addresses: [{ Line1: '3 Side St', Country: 'Canada', Type: 'Business' }],
    });
    await c.deprecateCustomer(created.ID);
    const sales = [];
    for await (const s of c.sales({ UpdatedSince: '2020-01-01T00:00:00', Status: 'INVOICED' }, { limit: 50 }))
      sales.push(s);
    for await (const _ of c.sales({
      CreatedSince: '2020-01-01T00:00:00',
      UpdatedUntil: '2099-01-01T00:00:00',
      ReadyForShipping: false,
    })) {
    }
    if (sales[0])
      await c.getSale(sales[0].SaleID, { CombineAdditionalCharges: true, IncludeTransactions: false });
    const hook = await c.createWebhook({
      Type: 'Sale/InvoiceAuthorised',
      IsActive: true,
      ExternalURL: 'http://127.0.0.1:9/webhooks/cin7/sales',
      ExternalAuthorizationType: 'bearerauth',
      ExternalBearerToken: 'conformance-token',
    });
    await c.listWebhooks();
    await c.updateWebhook({
      ID: hook.ID,
      Type: 'Sale/InvoiceAuthorised',
      IsActive: false,
      ExternalURL: 'http://127.0.0.1:9/webhooks/cin7/sales',
      ExternalAuthorizationType: 'bearerauth',
      ExternalBearerToken: 'conformance-token',
    });
    await c.deleteWebhook(hook.ID);
    await c.paymentTerms({ IsActive: true });
    await c.taxRules({ IsTaxForSale: true });
    await c.accounts({ Status: 'ACTIVE' });
    await c.priceTiers();
    await c.carriers();
    await c.locations({ Deprecated: false });
    await c.attributeSets({ Name: 'Customer' });
  });
  afterAll(async () => t?.close());

  it('sent a request for every catalog path and method', () => {
    const sent = new Set(t.requests.map((r) => `${r.method} ${specPath(r.url.pathname)}`));
    for (const op of CIN7_OPERATIONS) expect(sent, op.name).toContain(`${op.method} ${op.path}`);
  });

  it('every request conforms (path, parameter names and forms, headers, body)', () => {
    const found = t.requests.flatMap((r) => problems(spec, params, r));
    expect(found).toEqual([]);
    expect(t.requests.filter((r) => r.body !== undefined).length).toBeGreaterThanOrEqual(5);
  });

  it('can fail: a misspelt parameter, a bad date form and an unknown body field are caught', () => {
    const base = t.requests.find((r) => r.method === 'PUT' && r.url.pathname.endsWith('/customer'));
    if (!base) throw new Error('no PUT recorded');
    const bad: RecordedRequest = {
      ...base,
      url: new URL(`${t.sandbox.baseUrl}/customer?modifiedSince=2020-01-01&IncludeDeprecated=yes`),
      method: 'GET',
      body: undefined,
    };
    const found = problems(spec, params, bad);
    expect(found.some((p) => p.includes('modifiedSince is not in the spec'))).toBe(true);
    expect(found.some((p) => p.includes('IncludeDeprecated=yes'))).toBe(true);
    const badBody = { ...base, body: { ...(base.body as object), Nickname: 'x' } };
    expect(problems(spec, params, badBody).join('\n')).toContain('additional properties (Nickname)');
  });

  it('names each query correction with its source', () => {
    for (const c of QUERY_CORRECTIONS) {
      expect(c.reason.length).toBeGreaterThan(20);
      // Each one is really absent from the subset (else it would not be a correction).
      const listed = params.get(c.op.toLowerCase()) ?? new Set<string>();
      expect(
        c.params.some((p) => !listed.has(p)),
        c.id,
      ).toBe(true);
    }
  });
});
