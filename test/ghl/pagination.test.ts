import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaticTokenProvider } from '../../src/ghl/auth.js';
import { GhlClient } from '../../src/ghl/client.js';
import { ghlHttpRules } from '../../src/ghl/http-rules.js';
import { HttpClient } from '../../src/http/client.js';
import { type GhlSandbox, startGhlSandbox } from '../../sandbox/ghl/index.js';

const CONTACTS = 1_234;

describe('GHL list endpoints as async iterators (against the sandbox)', () => {
  let sb: GhlSandbox;
  let http: HttpClient;
  let client: GhlClient;

  beforeAll(async () => {
    sb = await startGhlSandbox({ seed: 5, contacts: CONTACTS, rateLimit: { limit: 1000, windowMs: 10_000 } });
    http = new HttpClient({
      rules: [ghlHttpRules({ rateLimit: { requests: 1000, windowMs: 10_000 }, timeoutMs: 10_000 })],
    });
    client = new GhlClient({
      http,
      baseUrl: sb.baseUrl,
      auth: new StaticTokenProvider(sb.token, sb.locationId),
    });
  });
  afterAll(async () => {
    await sb?.close();
  });

  const calls = (operation: string) =>
    http.counter
      .snapshot()
      .calls.filter((c) => c.operation === operation)
      .reduce((n, c) => n + c.count, 0);

  it('search: every contact once, 500 a page, by searchAfter', async () => {
    const ids: string[] = [];
    const sizes: number[] = [];
    for await (const page of client.searchContactPages({
      sort: [{ field: 'dateAdded', direction: 'asc' }],
    })) {
      sizes.push(page.contacts.length);
      ids.push(...page.contacts.map((c) => c.id));
    }
    expect(sizes).toEqual([500, 500, 234]);
    expect(new Set(ids).size).toBe(CONTACTS);
    expect(calls('ghl.contacts.search')).toBe(3);
  });

  it('GET /contacts/: every contact once, by startAfter + startAfterId', async () => {
    const ids: string[] = [];
    let pages = 0;
    for await (const page of client.contactListPages({ limit: 100 })) {
      pages++;
      ids.push(...page.contacts.map((c) => String(c.id)));
    }
    expect(pages).toBe(13);
    expect(new Set(ids).size).toBe(CONTACTS);
  });

  it('business contacts and businesses, by skip; task search by skip', async () => {
    const business = await client.createBusiness({ name: 'Paging Co' });
    const some = (await client.searchContacts({ pageLimit: 60 })).contacts.map((c) => c.id);
    await client.bulkBusiness({ ids: some, businessId: business.id });
    const seen: string[] = [];
    let pages = 0;
    for await (const page of client.businessContactPages(business.id, { limit: 25 })) {
      pages++;
      seen.push(...page.contacts.map((c) => String(c.id)));
    }
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual([...some].sort());

    const businesses: string[] = [];
    for await (const page of client.businessPages({ limit: 2 })) businesses.push(...page.map((b) => b.id));
    const all = await client.listBusinesses({ limit: 100 });
    expect(businesses.sort()).toEqual(all.map((b) => b.id).sort());

    const tasks: string[] = [];
    for await (const page of client.taskSearchPages({ limit: 7 }))
      tasks.push(...page.map((t) => String(t.id)));
    const everyTask = await client.searchTasks({ limit: 1000 });
    expect(tasks.length).toBeGreaterThan(7);
    expect(tasks.sort()).toEqual(everyTask.map((t) => String(t.id)).sort());
  });

  it('maxPages stops early', async () => {
    let pages = 0;
    for await (const _ of client.searchContactPages({ pageLimit: 100 }, { maxPages: 2 })) pages++;
    expect(pages).toBe(2);
  });
});
