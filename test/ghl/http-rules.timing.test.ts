import { afterEach, describe, expect, it } from 'vitest';
import { ghlHttpRules } from '../../src/ghl/http-rules.js';
import { HttpClient } from '../../src/http/client.js';
import { rateLimitedServer, runCalls } from '../http/helpers/load.js';
import type { TestServer } from '../http/helpers/test-server.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('GHL rate limit timing', () => {
  it('1,000 GET/PUT calls on one location at 100 per 1 s (window scaled 10×): no 429, 9 s to 11.25 s', async () => {
    const server = await rateLimitedServer({ limit: 100, windowMs: 1_000, ghlHeaders: true });
    servers.push(server);
    const rules = ghlHttpRules({ rateLimit: { requests: 100, windowMs: 1_000 }, timeoutMs: 10_000 });
    const http = new HttpClient({ rules: [rules] });
    const { ms, failures } = await runCalls([http], 1_000, (i) => ({
      api: 'ghl',
      operation: i % 2 === 0 ? 'ghl.contacts.get' : 'ghl.contacts.update',
      method: i % 2 === 0 ? 'GET' : 'PUT',
      baseUrl: server.url,
      path: `/contacts/c${i}`,
      ...(i % 2 === 0 ? {} : { body: { firstName: `n${i}` } }),
      rateKey: 'loc_timing',
    }));
    console.log(`1,000 GHL calls at 100 per 1 s: ${ms} ms, peak ${server.window.peak} per window`);
    expect(failures).toEqual([]);
    expect(server.tooMany()).toBe(0);
    expect(server.arrivals.length).toBe(1_000);
    expect(ms).toBeGreaterThanOrEqual(9_000);
    expect(ms).toBeLessThanOrEqual(11_250);
  });
});
