/**
 * Conformance of the Cin7 sandbox with the nnhansg OpenAPI subset made strict, corrected where Cin7's
 * own Blueprint examples disagree (each correction named in test/helpers/cin7-spec.ts and checked
 * here against the example that forces it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cin7Sandbox, startCin7Sandbox } from '../../../sandbox/cin7/index.js';
import { CIN7_CORRECTIONS, type Cin7Spec, blueprintExample, loadCin7Spec } from '../../helpers/cin7-spec.js';
import { requireSpecs } from '../../helpers/requirements.js';
import { NO_RATE_LIMIT, api, json, list, newCustomer } from './client.js';

const specs = requireSpecs('cin7 sandbox conformance');

/** Cin7's own examples, by the operation they belong to. */
const BLUEPRINT: { op: string; section: string; action: string; part: 'request' | 'response' }[] = [
  { op: 'GET /customer', section: '## Customer [/customer]', action: '### GET', part: 'response' },
  { op: 'POST /customer', section: '## Customer [/customer]', action: '### POST', part: 'response' },
  { op: 'PUT /customer', section: '## Customer [/customer]', action: '### PUT', part: 'response' },
  { op: 'POST /customer', section: '## Customer [/customer]', action: '### POST', part: 'request' },
  { op: 'PUT /customer', section: '## Customer [/customer]', action: '### PUT', part: 'request' },
  { op: 'GET /saleList', section: '## Sale List [/saleList]', action: '### GET', part: 'response' },
  { op: 'GET /sale', section: '## Sale [/sale]', action: '### GET', part: 'response' },
  { op: 'GET /me', section: '## Me [/me]', action: '### GET', part: 'response' },
  {
    op: 'GET /ref/paymentterm',
    section: '## Payment Term [/ref/paymentterm]',
    action: '### GET',
    part: 'response',
  },
  { op: 'GET /ref/tax', section: '## Tax [/ref/tax]', action: '### GET', part: 'response' },
  {
    op: 'GET /ref/account',
    section: '## Chart of Accounts [/ref/account]',
    action: '### GET',
    part: 'response',
  },
  {
    op: 'GET /ref/priceTier',
    section: '## Price Tiers [/ref/priceTier]',
    action: '### GET',
    part: 'response',
  },
  { op: 'GET /ref/carrier', section: '## Carrier [/ref/carrier]', action: '### GET', part: 'response' },
  { op: 'GET /ref/location', section: '## Location [/ref/location]', action: '### GET', part: 'response' },
  {
    op: 'GET /ref/attributeset',
    section: '## Attribute Set [/ref/attributeset]',
    action: '### GET',
    part: 'response',
  },
  { op: 'GET /webhooks', section: '## Webhooks [/webhooks]', action: '### GET', part: 'response' },
  { op: 'POST /webhooks', section: '## Webhooks [/webhooks]', action: '### POST', part: 'response' },
  { op: 'PUT /webhooks', section: '## Webhooks [/webhooks]', action: '### PUT', part: 'response' },
  { op: 'POST /webhooks', section: '## Webhooks [/webhooks]', action: '### POST', part: 'request' },
  { op: 'PUT /webhooks', section: '## Webhooks [/webhooks]', action: '### PUT', part: 'request' },
  { op: 'DELETE /webhooks', section: '## Webhooks [/webhooks]', action: '### Delete', part: 'response' },
];

/**
 * How each correction is justified. `blueprint`: some Blueprint example fails without it.
 * `newer`: it follows the newer Blueprint (NOTES), so the 2024 examples cannot show it; a sandbox
 * answer fails without it. `table`: the Blueprint's field table (no example shows it); checked with
 * a hand-written body. `tightens`: it only narrows the subset; a value it must reject is given.
 * `mechanism`: it exists for the validator's own use (named).
 */
const JUSTIFICATION: Record<
  string,
  { kind: 'blueprint' | 'newer' | 'table' | 'tightens' | 'mechanism'; note: string }
> = {
  'envelope-total-page-numbers': { kind: 'blueprint', note: 'GET /customer, /ref/* examples' },
  'nullable-optional-fields': { kind: 'blueprint', note: 'nulls in every customer and sale example' },
  'customer-product-prices': { kind: 'blueprint', note: 'GET /customer example with ProductPrices' },
  'customer-newer-fields': { kind: 'newer', note: 'DisplayName … ChildCustomers (NOTES §3)' },
  'customer-last-modified-format': { kind: 'tightens', note: 'LastModifiedOn must be UTC with Z' },
  'customer-status-required-on-post-only': {
    kind: 'table',
    note: 'PUT without Status allowed, without ID not',
  },
  'contact-customer-id-and-consent': { kind: 'blueprint', note: 'CustomerID in POST/PUT contact examples' },
  'address-customer-id-and-line1': { kind: 'blueprint', note: 'CustomerID in POST/PUT address examples' },
  'webhook-write-envelope': { kind: 'blueprint', note: 'POST/PUT /webhooks answer {Webhooks: […]}' },
  'webhook-type-and-auth-enums': { kind: 'tightens', note: 'unknown Type rejected' },
  'payment-term-duration-integer': { kind: 'blueprint', note: '"Duration": 10' },
  'tax-component-strings': { kind: 'blueprint', note: '"Percent": "10.0000000000"' },
  'account-for-payments-boolean': { kind: 'blueprint', note: '"ForPayments": false' },
  'location-is-deprecated-and-parent-name': { kind: 'blueprint', note: '"IsDeprecated": false' },
  'me-fields-and-dates': { kind: 'blueprint', note: 'TaxCalculationMethod … in GET /me' },
  'sale-list-dates': { kind: 'blueprint', note: '"OrderDate": "2017-09-29T00:00:00"' },
  'sale-list-newer-fields': { kind: 'newer', note: 'SaleInvoicesTotalAmount (NOTES §4)' },
  'sale-id-key': { kind: 'blueprint', note: 'GET /sale example has ID, not SaleID' },
  'sale-dates-and-flags': { kind: 'blueprint', note: '"ServiceOnly": false' },
  'sale-blueprint-sections': { kind: 'blueprint', note: 'Fulfilments, CreditNotes … in GET /sale' },
  'sale-address-postcode': { kind: 'blueprint', note: '"Postcode" in BillingAddress' },
  'sale-nested-quote-order': { kind: 'blueprint', note: 'Quote without SaleID' },
  'sale-line-product-fields': { kind: 'blueprint', note: 'ProductLength on quote lines' },
  'sale-additional-charge-comment': { kind: 'blueprint', note: '"Comment": ""' },
  'sale-invoice-fields': { kind: 'blueprint', note: '"LinkedFulfillmentNumber": "1"' },
  'attribute-set-endpoint': { kind: 'blueprint', note: 'GET /ref/attributeset example' },
  'error-model-array': { kind: 'mechanism', note: 'defines ErrorBody, used by spec.error()' },
};

function validateExample(spec: Cin7Spec, e: (typeof BLUEPRINT)[number]): string[] {
  const [method, path] = e.op.split(' ') as [string, string];
  const body = blueprintExample(e.section, e.action, e.part);
  const v = e.part === 'request' ? spec.request(method, path, body) : spec.response(method, path, body);
  return v.errors;
}

describe.skipIf(!specs.available)('cin7 spec helper (corrections named and needed)', () => {
  const spec = specs.available ? loadCin7Spec() : (undefined as unknown as Cin7Spec);

  it('classifies every correction, each with a reason', () => {
    expect(CIN7_CORRECTIONS.map((c) => c.id).sort()).toEqual(Object.keys(JUSTIFICATION).sort());
    for (const c of CIN7_CORRECTIONS) expect(c.reason.length).toBeGreaterThan(30);
  });

  it.each(BLUEPRINT)("accepts Cin7's own example: $op ($part)", (e) => {
    expect(validateExample(spec, e)).toEqual([]);
  });

  it('rejects the customer list example without corrections (Total/Page numbers, nulls)', () => {
    const raw = loadCin7Spec({ corrections: false });
    const errors = validateExample(raw, BLUEPRINT[0] as (typeof BLUEPRINT)[number]);
    expect(errors).toContain('/Total must be string');
    expect(errors).toContain('/Page must be string');
  });

  it.each(CIN7_CORRECTIONS.filter((c) => JUSTIFICATION[c.id]?.kind === 'blueprint').map((c) => c.id))(
    'correction %s is needed by a Blueprint example',
    (id) => {
      const without = loadCin7Spec({ corrections: CIN7_CORRECTIONS.filter((c) => c.id !== id) });
      const failing = BLUEPRINT.filter((e) => {
        try {
          return validateExample(without, e).length > 0;
        } catch {
          return true; // the operation itself only exists through this correction
        }
      });
      expect(failing.length, `no Blueprint example needs ${id}`).toBeGreaterThan(0);
    },
  );

  it('is strict: unknown properties, missing ids, wrong types and unknown webhook types fail', () => {
    const good = blueprintExample('## Customer [/customer]', '### GET', 'response') as {
      CustomerList: object[];
    };
    const c = { ...(good.CustomerList[0] as Record<string, unknown>) };
    expect(spec.schema('Customer', c).errors).toEqual([]);
    expect(spec.schema('Customer', { ...c, Nickname: 'x' }).errors).toContain(
      '/ must NOT have additional properties (Nickname)',
    );
    const { ID: _drop, ...noId } = c;
    expect(spec.schema('Customer', noId).errors).toContain("/ must have required property 'ID'");
    expect(spec.schema('Customer', { ...c, Discount: '5%' }).ok).toBe(false);
    expect(spec.schema('Customer', { ...c, LastModifiedOn: '2018-01-24T05:07:23.917' }).ok).toBe(false);
    expect(spec.request('POST', '/customer', { Name: 'No currency', Status: 'Active' }).ok).toBe(false);
    const hook = {
      Type: 'Customer/Created',
      IsActive: true,
      ExternalURL: 'http://127.0.0.1/x',
      ExternalAuthorizationType: 'noauth',
    };
    expect(spec.request('POST', '/webhooks', hook).ok).toBe(false);
    expect(spec.request('POST', '/webhooks', { ...hook, Type: 'Customer/Updated' }).ok).toBe(true);
    expect(spec.request('PUT', '/webhooks', { ...hook, Type: 'Customer/Updated' }).errors).toContain(
      "/ must have required property 'ID'",
    );
  });

  it('checks the table-based and tightening corrections with hand-written bodies', () => {
    const put = {
      ID: '7d6b441a-3067-42b1-9b81-2def95df827b',
      Name: 'Table Co',
      Currency: 'USD',
      PaymentTerm: '30 days',
      AccountReceivable: '610',
      RevenueAccount: '200',
      TaxRule: 'Tax Exempt',
    };
    const without = (id: string) =>
      loadCin7Spec({ corrections: CIN7_CORRECTIONS.filter((c) => c.id !== id) });
    // customer-status-required-on-post-only: the subset demands Status on PUT too and no ID.
    expect(spec.request('PUT', '/customer', put).errors).toEqual([]);
    expect(without('customer-status-required-on-post-only').request('PUT', '/customer', put).ok).toBe(false);
    const { ID: _id, ...noId } = put;
    expect(spec.request('PUT', '/customer', noId).errors).toContain("/ must have required property 'ID'");
    // customer-last-modified-format: a zone-less LastModifiedOn passes the subset, not the correction.
    const listBody = blueprintExample('## Customer [/customer]', '### GET', 'response') as {
      CustomerList: Record<string, unknown>[];
    };
    const zoneless = {
      ...listBody,
      CustomerList: [{ ...listBody.CustomerList[0], LastModifiedOn: '2018-01-24T05:07:23.917' }],
    };
    expect(without('customer-last-modified-format').response('GET', '/customer', zoneless).ok).toBe(true);
    expect(spec.response('GET', '/customer', zoneless).ok).toBe(false);
    // webhook-type-and-auth-enums: an unknown type passes the subset, not the correction.
    const hook = {
      Type: 'Customer/Deleted',
      IsActive: true,
      ExternalURL: 'http://127.0.0.1/h',
      ExternalAuthorizationType: 'noauth',
    };
    expect(without('webhook-type-and-auth-enums').request('POST', '/webhooks', hook).ok).toBe(true);
    expect(spec.request('POST', '/webhooks', hook).ok).toBe(false);
    // error-model-array: without it only the single object passes.
    expect(() => without('error-model-array').error([{ ErrorCode: 400, Exception: 'x' }])).not.toThrow();
    expect(without('error-model-array').error([{ ErrorCode: 400, Exception: 'x' }]).ok).toBe(false);
  });

  it('validates error bodies in both shapes', () => {
    expect(spec.error({ ErrorCode: 400, Exception: 'x' }).ok).toBe(true);
    expect(spec.error([{ ErrorCode: 400, Exception: 'x' }]).ok).toBe(true);
    expect(spec.error({ message: 'x' }).ok).toBe(false);
  });
});

describe.skipIf(!specs.available)('cin7 sandbox answers validate against the strict spec', () => {
  let s: Cin7Sandbox;
  let spec: Cin7Spec;

  beforeAll(async () => {
    spec = loadCin7Spec();
    s = await startCin7Sandbox({ seed: 7, customers: 120, salesPerCustomer: 4, rateLimit: NO_RATE_LIMIT });
  });
  afterAll(async () => {
    await s?.close();
  });

  const expectValid = (op: string, path: string, body: unknown) => {
    const v = spec.response(op, path, body);
    expect(v.errors, `${op} ${path}`).toEqual([]);
  };

  it.each([
    '/me',
    '/customer?Limit=1000&IncludeDeprecated=true',
    '/customer?Limit=5&IncludeProductPrices=true',
    '/saleList?Limit=1000',
    '/ref/paymentterm',
    '/ref/tax',
    '/ref/account',
    '/ref/priceTier',
    '/ref/carrier',
    '/ref/location',
    '/ref/attributeset',
    '/webhooks',
  ])('GET %s', async (path) => {
    const a = await api(s, 'GET', path);
    expect(a.status).toBe(200);
    expectValid('GET', path, a.body);
  });

  it('GET /sale for a sale of every status in the seed', async () => {
    const rows = list(await api(s, 'GET', '/saleList?Limit=1000'), 'SaleList');
    const byStatus = new Map<string, string>();
    for (const r of rows)
      if (!byStatus.has(String(r.Status))) byStatus.set(String(r.Status), String(r.SaleID));
    expect(byStatus.size).toBeGreaterThanOrEqual(10);
    for (const id of byStatus.values()) {
      const a = await api(s, 'GET', `/sale?ID=${id}`);
      expect(a.status).toBe(200);
      expectValid('GET', '/sale', a.body);
    }
  });

  it('POST and PUT /customer: requests and answers', async () => {
    const body = newCustomer('Conformance Trading');
    expect(spec.request('POST', '/customer', body).errors).toEqual([]);
    const created = await api(s, 'POST', '/customer', body);
    expect(created.status).toBe(200);
    expectValid('POST', '/customer', created.body);
    const record = list(created, 'CustomerList')[0] as Record<string, unknown>;
    const put = { ...record, Comments: 'updated' };
    expect(spec.request('PUT', '/customer', put).errors).toEqual([]);
    const updated = await api(s, 'PUT', '/customer', put);
    expect(updated.status).toBe(200);
    expectValid('PUT', '/customer', updated.body);
  });

  const NEWER_WITNESS: Record<string, string> = {
    'customer-newer-fields': '/customer?Limit=1',
    'sale-list-newer-fields': '/saleList?Limit=1',
  };

  it('names a sandbox answer for every correction from the newer Blueprint', () => {
    const newer = Object.entries(JUSTIFICATION)
      .filter(([, j]) => j.kind === 'newer')
      .map(([id]) => id);
    expect(Object.keys(NEWER_WITNESS).sort()).toEqual(newer.sort());
  });

  it.each(Object.entries(NEWER_WITNESS))(
    'correction %s admits what the sandbox sends (%s)',
    async (id, path) => {
      const without = loadCin7Spec({ corrections: CIN7_CORRECTIONS.filter((c) => c.id !== id) });
      const a = await api(s, 'GET', path);
      expectValid('GET', path, a.body);
      expect(without.response('GET', path, a.body).ok).toBe(false);
    },
  );

  it('POST, PUT, DELETE /webhooks: requests and answers', async () => {
    const body = {
      Type: 'Sale/OrderAuthorised',
      IsActive: true,
      ExternalURL: 'http://127.0.0.1:9/hook',
      ExternalAuthorizationType: 'basicauth',
      ExternalUserName: 'cin7',
      ExternalPassword: 'not-a-real-password',
      ExternalHeaders: [{ Key: 'X-Hook', Value: '1' }],
    };
    expect(spec.request('POST', '/webhooks', body).errors).toEqual([]);
    const created = await api(s, 'POST', '/webhooks', body);
    expectValid('POST', '/webhooks', created.body);
    const hook = list(created, 'Webhooks')[0] as Record<string, unknown>;
    const put = { ...hook, IsActive: false };
    expect(spec.request('PUT', '/webhooks', put).errors).toEqual([]);
    expectValid('PUT', '/webhooks', (await api(s, 'PUT', '/webhooks', put)).body);
    const del = await api(s, 'DELETE', `/webhooks?ID=${String(hook.ID)}`);
    expectValid('DELETE', '/webhooks', del.body);
    expect(json(del)).toEqual({ Webhooks: [] });
  });

  it('error answers (400, 403, 405) carry the Error model', async () => {
    const dupe = newCustomer('Error Shape Co');
    await api(s, 'POST', '/customer', dupe);
    const again = await api(s, 'POST', '/customer', dupe);
    expect(again.status).toBe(400);
    expect(spec.error(again.body).errors).toEqual([]);
    const forbidden = await api(s, 'GET', '/me', undefined, {});
    expect(forbidden.status).toBe(403);
    expect(spec.error(forbidden.body).errors).toEqual([]);
    const notAllowed = await api(s, 'DELETE', '/customer');
    expect(notAllowed.status).toBe(405);
    expect(spec.error(notAllowed.body).errors).toEqual([]);
  });
});
