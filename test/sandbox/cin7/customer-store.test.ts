/** GET /customer: paging and its cap, filters, order, and how the real API's paths and parameters read. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cin7Sandbox, startCin7Sandbox } from '../../../sandbox/cin7/index.js';
import { type Json, NO_RATE_LIMIT, api, authHeaders, json, list, newCustomer } from './client.js';

const N = 260;

async function allPages(
  s: Cin7Sandbox,
  query: string,
  limit: number,
): Promise<{ pages: Json[][]; total: number }> {
  const pages: Json[][] = [];
  let total = 0;
  for (let page = 1; page < 100; page++) {
    const a = await api(s, 'GET', `/customer?${query}&Page=${page}&Limit=${limit}`);
    expect(a.status, a.text).toBe(200);
    total = Number(json(a).Total);
    const rows = list(a, 'CustomerList');
    if (rows.length === 0) break;
    pages.push(rows);
  }
  return { pages, total };
}

describe('cin7 sandbox GET /customer', () => {
  let s: Cin7Sandbox;
  let seeded: Json[];
  beforeAll(async () => {
    s = await startCin7Sandbox({
      seed: 21,
      customers: N,
      salesPerCustomer: 0,
      maxPageSize: 1000,
      rateLimit: NO_RATE_LIMIT,
    });
    seeded = s.customers() as unknown as Json[];
  });
  afterAll(async () => {
    await s?.close();
  });

  it('defaults to Page 1, Limit 100 and counts every match in Total', async () => {
    const a = await api(s, 'GET', '/customer?IncludeDeprecated=true');
    expect(json(a).Page).toBe(1);
    expect(json(a).Total).toBe(N);
    expect(list(a, 'CustomerList')).toHaveLength(100);
  });

  it('hides deprecated customers unless IncludeDeprecated=true', async () => {
    const active = seeded.filter((c) => c.Status === 'Active').length;
    expect(active).toBeLessThan(N);
    expect(json(await api(s, 'GET', '/customer')).Total).toBe(active);
  });

  it('pages through every customer exactly once, in ID order, not modification order', async () => {
    const { pages, total } = await allPages(s, 'IncludeDeprecated=true', 70);
    expect(total).toBe(N);
    expect(pages.map((p) => p.length)).toEqual([70, 70, 70, 50]);
    const ids = pages.flat().map((c) => String(c.ID));
    expect(new Set(ids).size).toBe(N);
    expect(ids).toEqual([...ids].sort());
    const times = pages.flat().map((c) => Date.parse(String(c.LastModifiedOn)));
    const ascending = [...times].sort((a, b) => a - b);
    const descending = [...ascending].reverse();
    expect(times).not.toEqual(ascending);
    expect(times).not.toEqual(descending);
  });

  it('rejects Page or Limit below 1 and non-numbers with 400; caps Limit above 1000', async () => {
    for (const q of ['Limit=0', 'Page=0', 'Limit=abc', 'Page=-1']) {
      const a = await api(s, 'GET', `/customer?${q}`);
      expect(a.status, q).toBe(400);
    }
    const big = await api(s, 'GET', '/customer?IncludeDeprecated=true&Limit=5000');
    expect(big.status).toBe(200);
    expect(list(big, 'CustomerList')).toHaveLength(N);
  });

  it('ModifiedSince is inclusive and takes zone-less or Z times', async () => {
    const sorted = [...seeded].sort(
      (a, b) => Date.parse(String(a.LastModifiedOn)) - Date.parse(String(b.LastModifiedOn)),
    );
    const pivot = sorted[Math.floor(N / 2)] as Json;
    const at = String(pivot.LastModifiedOn);
    const atMs = Date.parse(at);
    const expected = seeded.filter((c) => Date.parse(String(c.LastModifiedOn)) >= atMs).map((c) => c.ID);
    for (const value of [at, at.replace(/Z$/, '')]) {
      const a = await api(
        s,
        'GET',
        `/customer?IncludeDeprecated=true&Limit=1000&ModifiedSince=${encodeURIComponent(value)}`,
      );
      const ids = list(a, 'CustomerList').map((c) => c.ID);
      expect(ids).toContain(pivot.ID);
      expect(ids.sort()).toEqual([...expected].sort());
    }
    const bad = await api(s, 'GET', '/customer?ModifiedSince=yesterday');
    expect(bad.status).toBe(400);
  });

  it('a narrow ModifiedSince (time index) and a wide one (scan) give the same ordered answer', async () => {
    const times = seeded.map((c) => Date.parse(String(c.LastModifiedOn))).sort((a, b) => a - b);
    for (const cut of [times[N - 5] as number, times[5] as number]) {
      const since = new Date(cut).toISOString();
      const a = await api(s, 'GET', `/customer?IncludeDeprecated=true&Limit=1000&ModifiedSince=${since}`);
      const got = list(a, 'CustomerList').map((c) => String(c.ID));
      const want = seeded
        .filter((c) => Date.parse(String(c.LastModifiedOn)) >= cut)
        .map((c) => String(c.ID))
        .sort();
      expect(got).toEqual(want);
    }
  });

  it('Name filters by case-insensitive prefix', async () => {
    const target = seeded[3] as Json;
    const prefix = String(target.Name).slice(0, 4).toUpperCase();
    const a = await api(
      s,
      'GET',
      `/customer?IncludeDeprecated=true&Limit=1000&Name=${encodeURIComponent(prefix)}`,
    );
    const names = list(a, 'CustomerList').map((c) => String(c.Name));
    expect(names).toContain(target.Name);
    for (const n of names) expect(n.toLowerCase().startsWith(prefix.toLowerCase())).toBe(true);
    const want = seeded.filter((c) => String(c.Name).toLowerCase().startsWith(prefix.toLowerCase())).length;
    expect(names).toHaveLength(want);
  });

  it('ContactFilter matches a contact-name prefix or an exact email (case-insensitive), not an email substring', async () => {
    const withEmail = seeded.find((c) =>
      (c.Contacts as Json[]).some(
        (k) => typeof k.Email === 'string' && /^[^@\s]+@[^@\s]+\.[a-z]+$/.test(String(k.Email)),
      ),
    ) as Json;
    const contact = (withEmail.Contacts as Json[]).find((k) => typeof k.Email === 'string') as Json;
    const email = String(contact.Email);
    const byEmail = list(
      await api(
        s,
        'GET',
        `/customer?IncludeDeprecated=true&ContactFilter=${encodeURIComponent(email.toUpperCase())}`,
      ),
      'CustomerList',
    );
    expect(byEmail.map((c) => c.ID)).toContain(withEmail.ID);
    for (const c of byEmail)
      expect((c.Contacts as Json[]).some((k) => String(k.Email).toLowerCase() === email.toLowerCase())).toBe(
        true,
      );
    const substring = email.slice(1, -2);
    const none = list(
      await api(s, 'GET', `/customer?IncludeDeprecated=true&ContactFilter=${encodeURIComponent(substring)}`),
      'CustomerList',
    );
    expect(none.map((c) => c.ID)).not.toContain(withEmail.ID);
    const namePrefix = String(contact.Name).slice(0, 3).toLowerCase();
    const byName = list(
      await api(
        s,
        'GET',
        `/customer?IncludeDeprecated=true&Limit=1000&ContactFilter=${encodeURIComponent(namePrefix)}`,
      ),
      'CustomerList',
    );
    expect(byName.map((c) => c.ID)).toContain(withEmail.ID);
    const want = seeded.filter((c) =>
      (c.Contacts as Json[]).some((k) => String(k.Name).toLowerCase().startsWith(namePrefix)),
    );
    expect(byName).toHaveLength(want.length);
  });

  it('ID returns one customer; a malformed ID answers 400', async () => {
    const target = seeded[7] as Json;
    const one = list(
      await api(s, 'GET', `/customer?ID=${String(target.ID).toUpperCase()}&IncludeDeprecated=true`),
      'CustomerList',
    );
    expect(one.map((c) => c.ID)).toEqual([target.ID]);
    expect((await api(s, 'GET', '/customer?ID=not-a-guid')).status).toBe(400);
  });

  it('reads paths and parameter names case-insensitively, as ASP.NET does', async () => {
    const a = await fetch(`${s.rootUrl}/externalapi/v2/Customer?page=2&limit=10&includedeprecated=TRUE`, {
      headers: authHeaders(s),
      signal: AbortSignal.timeout(30_000),
    });
    const body = (await a.json()) as Json;
    expect(a.status).toBe(200);
    expect(body.Page).toBe(2);
    expect((body.CustomerList as Json[]).length).toBe(10);
    expect(body.Total).toBe(N);
  });

  it('answers a wrong path with 404 and an HTML page (not JSON)', async () => {
    const a = await api(s, 'GET', '/Customers');
    expect(a.status).toBe(404);
    expect(a.headers.get('content-type')).toContain('text/html');
    expect(a.body).toBeUndefined();
  });

  it('offset paging is live: a customer deprecated mid-listing shifts later pages (one is skipped)', async () => {
    const first = list(await api(s, 'GET', '/customer?Page=1&Limit=50'), 'CustomerList');
    const secondBefore = list(await api(s, 'GET', '/customer?Page=2&Limit=50'), 'CustomerList');
    s.control.deprecateCustomer(String(first[0]?.ID));
    const secondAfter = list(await api(s, 'GET', '/customer?Page=2&Limit=50'), 'CustomerList');
    expect(secondAfter[0]?.ID).toBe(secondBefore[1]?.ID);
    // Undo for the other tests.
    s.control.editCustomer(String(first[0]?.ID), { Status: 'Active' });
  });

  it('an edit does not move a customer between pages (order is by ID)', async () => {
    const page2 = list(
      await api(s, 'GET', '/customer?IncludeDeprecated=true&Page=2&Limit=50'),
      'CustomerList',
    );
    const target = page2[10] as Json;
    s.control.editCustomer(String(target.ID), { Comments: 'moved?' });
    const again = list(
      await api(s, 'GET', '/customer?IncludeDeprecated=true&Page=2&Limit=50'),
      'CustomerList',
    );
    expect(again[10]?.ID).toBe(target.ID);
    expect(again[10]?.Comments).toBe('moved?');
  });
});

describe('cin7 sandbox page-size cap and wrong-path knob', () => {
  it('honours at most maxPageSize rows per page whatever Limit asks', async () => {
    const s = await startCin7Sandbox({
      seed: 22,
      customers: 600,
      salesPerCustomer: 0,
      maxPageSize: 250,
      rateLimit: NO_RATE_LIMIT,
    });
    try {
      const sizes: number[] = [];
      for (let page = 1; page <= 4; page++) {
        const a = await api(s, 'GET', `/customer?IncludeDeprecated=true&Page=${page}&Limit=1000`);
        expect(json(a).Total).toBe(600);
        sizes.push(list(a, 'CustomerList').length);
      }
      expect(sizes).toEqual([250, 250, 100, 0]);
    } finally {
      await s.close();
    }
  });

  it("answers 200 with an HTML 'Page not found' page when wrongPath is html200", async () => {
    const s = await startCin7Sandbox({ seed: 23, customers: 1, salesPerCustomer: 0, wrongPath: 'html200' });
    try {
      const a = await api(s, 'GET', '/Products');
      expect(a.status).toBe(200);
      expect(a.text).toContain('Page not found');
      expect(a.body).toBeUndefined();
      const created = await api(s, 'POST', '/customer', newCustomer('Still JSON'));
      expect(created.headers.get('content-type')).toContain('application/json');
    } finally {
      await s.close();
    }
  });
});
