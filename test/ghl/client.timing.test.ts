/**
 * GhlClient and the GHL sandbox's sliding rate window, with every window scaled 10× (100 calls per
 * 1 s): 1,000 GET/PUT calls on one location take between the bound (1000 − 100) / 100 × 1 s = 9 s
 * and 1.25 × the bound, with no 429 from the window; with 20 % injected 429s and 5 % injected 5xx
 * every call still succeeds; a POST that got a 5xx is re-sent only when marked idempotent, while
 * one that got a 429 is re-sent.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { StaticTokenProvider } from '../../src/ghl/auth.js';
import { GhlClient } from '../../src/ghl/client.js';
import { ghlHttpRules } from '../../src/ghl/http-rules.js';
import { HttpClient } from '../../src/http/client.js';
import { ApiError } from '../../src/http/errors.js';
import { type GhlSandbox, startGhlSandbox } from '../../sandbox/ghl/index.js';

const BOUND_MS = ((1000 - 100) / 100) * 1000;

describe('GHL client against the sandbox rate window, scaled 10×', () => {
  let sb: GhlSandbox;
  let ids: string[];

  beforeAll(async () => {
    sb = await startGhlSandbox({ seed: 31, contacts: 50, timeScale: 10 });
    const boot = newClient().client;
    ids = (await boot.searchContacts({ pageLimit: 50 })).contacts.map((c) => c.id);
    expect(ids).toHaveLength(50);
  });
  afterAll(async () => {
    await sb?.close();
  });
  beforeEach(() => {
    // Each test's client has its own limiter: calls of an earlier one must not share its window.
    sb.control.resetRateLimits();
  });
  afterEach(() => {
    sb.control.set({ faults: {} });
  });

  function newClient(): { client: GhlClient; http: HttpClient } {
    const http = new HttpClient({
      rules: [ghlHttpRules({ rateLimit: { requests: 100, windowMs: 1_000 }, timeoutMs: 10_000 })],
    });
    const client = new GhlClient({
      http,
      baseUrl: sb.baseUrl,
      auth: new StaticTokenProvider(sb.token, sb.locationId),
    });
    return { client, http };
  }

  const results = (http: HttpClient, operation: string) =>
    Object.fromEntries(
      http.counter
        .snapshot()
        .calls.filter((c) => c.operation === operation)
        .map((c) => [c.result, c.count]),
    );

  /** 1,000 calls at once, alternating GET and PUT of the 50 contacts. */
  async function thousandCalls(client: GhlClient): Promise<{ ms: number; failures: unknown[] }> {
    const failures: unknown[] = [];
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 1_000 }, (_, i) => {
        const id = ids[i % ids.length]!;
        const call = i % 2 === 0 ? client.getContact(id) : client.updateContact(id, { city: `City ${i}` });
        return call.catch((e: unknown) => {
          failures.push(e);
        });
      }),
    );
    return { ms: Date.now() - started, failures };
  }

  it('1,000 GET/PUT calls: no 429 from the sliding window, 9 s to 11.25 s', async () => {
    const { client, http } = newClient();
    const before = sb.control.stats();
    const { ms, failures } = await thousandCalls(client);
    const after = sb.control.stats();
    console.log(
      `1,000 GHL calls through GhlClient at 100 per 1 s: ${ms} ms, ${after.rateLimited - before.rateLimited} 429s`,
    );
    expect(failures).toEqual([]);
    expect(after.rateLimited - before.rateLimited).toBe(0);
    expect(http.counter.snapshot().totals.ghl).toMatchObject({ calls: 1_000, rateLimited: 0, retries: 0 });
    expect(ms).toBeGreaterThanOrEqual(BOUND_MS);
    expect(ms).toBeLessThanOrEqual(BOUND_MS * 1.25);
  });

  it('with 20% injected 429s and 5% injected 5xx, every call eventually succeeds', async () => {
    sb.control.set({ faults: { statusRates: { '429': 0.2, '500': 0.02, '503': 0.03 } } });
    const { client, http } = newClient();
    const before = sb.control.stats();
    const { ms, failures } = await thousandCalls(client);
    const after = sb.control.stats();
    const totals = http.counter.snapshot().totals.ghl!;
    const injected = (s: string) => (after.byStatus[s] ?? 0) - (before.byStatus[s] ?? 0);
    console.log(
      `1,000 GHL calls with faults: ${ms} ms, ${totals.calls} attempts, ${injected('429')} 429s, ${injected('500') + injected('503')} 5xx, ${totals.retries} retries`,
    );
    expect(failures).toEqual([]);
    expect(injected('429')).toBeGreaterThan(100);
    expect(injected('500') + injected('503')).toBeGreaterThan(20);
    expect(totals.calls).toBe(1_000 + totals.retries);
  });

  it('a POST that got a 5xx is not re-sent unless idempotent; one that got a 429 is', async () => {
    const { client, http } = newClient();
    sb.control.set({
      faults: { statusRates: { '503': 1 }, operations: ['ghl.contacts.create', 'ghl.contacts.upsert'] },
    });
    const create = await client
      .createContact({ firstName: 'Once', email: 'once@example.com' })
      .catch((e) => e);
    expect(create).toBeInstanceOf(ApiError);
    expect(create).toMatchObject({ status: 503, attempts: 1, outcomeUnknown: true });
    expect(results(http, 'ghl.contacts.create')).toEqual({ '503': 1 });
    // Upsert is idempotent (it matches on email): re-sent up to the attempt bound.
    const upsert = await client
      .upsertContact({ firstName: 'Again', email: 'again@example.com' })
      .catch((e) => e);
    expect(upsert).toMatchObject({ status: 503, attempts: 4 });
    expect(results(http, 'ghl.contacts.upsert')).toEqual({ '503': 4 });

    // A 429 was not processed: even a plain create is re-sent after the window.
    sb.control.set({ faults: { statusRates: { '429': 1 }, operations: ['ghl.contacts.create'] } });
    const lift = setTimeout(() => sb.control.set({ faults: {} }), 1_500);
    try {
      const created = await client.createContact({ firstName: 'Later', email: 'later@example.com' });
      expect(created.id).toBeTruthy();
    } finally {
      clearTimeout(lift);
    }
    const attempts = results(http, 'ghl.contacts.create');
    expect(attempts['429']).toBeGreaterThanOrEqual(1);
    expect(attempts['201']).toBe(1);
    expect(sb.control.findContacts({ email: 'later@example.com' })).toHaveLength(1);
    expect(sb.control.findContacts({ email: 'once@example.com' })).toHaveLength(0);
  });
});
