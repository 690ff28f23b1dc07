/**
 * `cin7-ghl rules test` against a spawned `cin7-ghl sandbox`: two customers and their sales made
 * through the Cin7 control API with known amounts, so their tags are written out by hand; the
 * command reads customer and sale pages only, and reports the calls it used.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SandboxProcess, runCli, startSandboxProcess } from '../helpers/cli.js';

let sb: SandboxProcess;
let cwd: string;
let env: Record<string, string>;
let root: string;
let wholesaleId: string;
let newbieId: string;

async function post(url: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${url}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function callsByRoute(): Promise<Record<string, number>> {
  const res = await fetch(`${root}/_sandbox/calls`, { signal: AbortSignal.timeout(10_000) });
  return { ...((await res.json()) as { byRoute: Record<string, number> }).byRoute };
}

async function totalOf(pathAndQuery: string): Promise<number> {
  const res = await fetch(`${sb.ready.cin7.baseUrl}${pathAndQuery}`, {
    headers: {
      'api-auth-accountid': sb.ready.cin7.accountId,
      'api-auth-applicationkey': sb.ready.cin7.applicationKey,
    },
    signal: AbortSignal.timeout(10_000),
  });
  return ((await res.json()) as { Total: number }).Total;
}

const CUSTOMER = {
  Status: 'Active',
  Currency: 'USD',
  PaymentTerm: '30 days',
  AccountReceivable: '610',
  RevenueAccount: '200',
  TaxRule: 'Tax Exempt',
};

beforeAll(async () => {
  sb = await startSandboxProcess(['--customers', '12', '--sales-per-customer', '2', '--seed', '13']);
  root = sb.ready.cin7.baseUrl.replace(/\/ExternalApi\/v2$/, '');
  cwd = mkdtempSync(path.join(tmpdir(), 'g1-cli-rules-'));
  writeFileSync(
    path.join(cwd, 'rules.yaml'),
    [
      'rules:',
      '  - { name: wholesale, tag: wholesale, when: { priceTier: { eq: Wholesale } } }',
      '  - { name: repeat, tag: repeat-buyer, when: { orderCount: { gte: 2 } } }',
      '  - { name: spend, tag: big-spender, when: { lifetimeSpend: { gte: 500 } } }',
      '  - { tag: "lifecycle:{stage}" }',
    ].join('\n'),
  );
  writeFileSync(
    path.join(cwd, 'cin7-ghl.sandbox.yaml'),
    'log:\n  level: warn\nsync:\n  tagRulesFile: rules.yaml\n',
  );
  env = {
    CIN7_BASE_URL: sb.ready.cin7.baseUrl,
    CIN7_ACCOUNT_ID: sb.ready.cin7.accountId,
    CIN7_APPLICATION_KEY: sb.ready.cin7.applicationKey,
  };
  const w = await post(`${root}/_sandbox/customers`, {
    ...CUSTOMER,
    Name: 'Rules Wholesale Co',
    PriceTier: 'Wholesale',
    Contacts: [{ Name: 'Will Sale', Email: 'will@rules.example', Default: true }],
  });
  wholesaleId = String(w.ID);
  const n = await post(`${root}/_sandbox/customers`, {
    ...CUSTOMER,
    Name: 'Rules Newbie',
    PriceTier: 'Tier 1',
    Contacts: [{ Name: 'Rules Newbie', Email: 'newbie@rules.example', Default: true }],
  });
  newbieId = String(n.ID);
  // Two completed sales of 2 × 150 = 300 USD each (tax exempt): 2 orders, 600 spent, both today.
  for (let i = 0; i < 2; i++) {
    await post(`${root}/_sandbox/sales`, {
      CustomerID: wholesaleId,
      Status: 'COMPLETED',
      Lines: [{ SKU: 'Bread', Quantity: 2, Price: 150 }],
    });
  }
  // A draft and a quote count for nothing.
  await post(`${root}/_sandbox/sales`, {
    CustomerID: newbieId,
    Lines: [{ SKU: 'Bread', Quantity: 1, Price: 900 }],
  });
  await post(`${root}/_sandbox/sales`, {
    CustomerID: newbieId,
    Status: 'ESTIMATED',
    Lines: [{ SKU: 'Bread', Quantity: 1, Price: 900 }],
  });
});

afterAll(async () => {
  if (sb) await sb.stop();
  if (cwd) rmSync(cwd, { recursive: true, force: true });
});

describe('cin7-ghl rules test', () => {
  it('--customer: the tags, the facts behind them, two calls, nothing written', async () => {
    const before = await callsByRoute();
    const r = await runCli(['rules', 'test', '--customer', wholesaleId, '--json'], { env, cwd });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.customers).toHaveLength(1);
    const c = out.customers[0];
    expect(c.name).toBe('Rules Wholesale Co');
    expect(c.tags).toEqual(['wholesale', 'repeat-buyer', 'big-spender', 'lifecycle:new']);
    expect(c.reasons).toEqual([
      { tag: 'wholesale', rule: 'wholesale', why: 'priceTier = Wholesale (eq Wholesale)' },
      { tag: 'repeat-buyer', rule: 'repeat', why: 'orderCount = 2 (gte 2)' },
      { tag: 'big-spender', rule: 'spend', why: 'lifetimeSpend = 600 (gte 500)' },
      { tag: 'lifecycle:new', rule: 'lifecycle:{stage}', why: 'lifecycleStage = new' },
    ]);
    expect(c.aggregates).toMatchObject({
      orderCount: 2,
      lifetimeSpend: 600,
      averageOrderValue: 300,
      currency: 'USD',
    });
    expect(out.calls).toEqual({ cin7: 2 });
    expect(out.writes).toBe(0);
    const after = await callsByRoute();
    expect(after['cin7.customers.list']! - (before['cin7.customers.list'] ?? 0)).toBe(1);
    expect(after['cin7.sales.list']! - (before['cin7.sales.list'] ?? 0)).toBe(1);
    expect(Object.keys(after).filter((k) => !['cin7.customers.list', 'cin7.sales.list'].includes(k))).toEqual(
      Object.keys(before).filter((k) => !['cin7.customers.list', 'cin7.sales.list'].includes(k)),
    );
  });

  it('every customer: one customer page and one sale page, tags for all, drafts and quotes left out', async () => {
    const customers = await totalOf('/customer?Limit=1');
    const sales = await totalOf('/saleList?Limit=1');
    const before = await callsByRoute();
    const r = await runCli(['rules', 'test', '--json'], { env, cwd });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.customersRead).toBe(customers);
    expect(out.salesRead).toBe(sales);
    expect(out.calls).toEqual({ cin7: 2 });
    const byId = new Map<string, { tags: string[] }>(
      out.customers.map((c: { customerId: string }) => [c.customerId, c]),
    );
    expect(byId.get(wholesaleId)?.tags).toEqual([
      'wholesale',
      'repeat-buyer',
      'big-spender',
      'lifecycle:new',
    ]);
    expect(byId.get(newbieId)?.tags).toEqual(['lifecycle:lead']);
    // Every customer gets exactly one lifecycle tag.
    for (const c of out.customers as Array<{ tags: string[] }>)
      expect(c.tags.filter((t) => t.startsWith('lifecycle:'))).toHaveLength(1);
    expect(out.byTag['lifecycle:lead']).toBeGreaterThanOrEqual(1);
    const after = await callsByRoute();
    expect(after['cin7.customers.list']! - (before['cin7.customers.list'] ?? 0)).toBe(1);
    expect(after['cin7.sales.list']! - (before['cin7.sales.list'] ?? 0)).toBe(1);
  });

  it('prints the tags and why as text', async () => {
    const r = await runCli(['rules', 'test', '--customer', wholesaleId], { env, cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      `Rules Wholesale Co (${wholesaleId}): wholesale, repeat-buyer, big-spender, lifecycle:new`,
    );
    expect(r.stdout).toContain('repeat-buyer ← rule "repeat": orderCount = 2 (gte 2)');
    expect(r.stdout).toMatch(/Calls: cin7 2\. Nothing was written\./);
  });

  it('a malformed rule fails at load, naming the key, the rule and the fix', async () => {
    const bad = mkdtempSync(path.join(cwd, 'bad-'));
    writeFileSync(
      path.join(bad, 'rules.yaml'),
      'rules:\n  - { name: loyal, tag: loyal, when: { orderCount: { gtt: 3 } } }\n',
    );
    writeFileSync(path.join(bad, 'cin7-ghl.sandbox.yaml'), 'sync:\n  tagRulesFile: rules.yaml\n');
    const r = await runCli(['rules', 'test'], { env, cwd: bad });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('rules[0].when.orderCount.gtt: rule "loyal": unknown operator "gtt"');
    expect(r.stderr).toContain('use one of eq, ne, gt, gte, lt, lte, in, between, exists');
  });
});
