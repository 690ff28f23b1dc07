import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../../src/http/client.js';
import { defineRules } from '../../src/http/rules.js';
import { rateLimitedServer, runCalls } from './helpers/load.js';
import { type TestServer, startTestServer } from './helpers/test-server.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('HttpClient timing', () => {
  it('honours Retry-After: 2 in real time', async () => {
    const server = await startTestServer((req) =>
      req.n === 1 ? { status: 429, headers: { 'retry-after': '2' } } : { status: 200, body: {} },
    );
    servers.push(server);
    const http = new HttpClient({ rules: [defineRules({ api: 'test' })] });
    const res = await http.request({
      api: 'test',
      operation: 'test.create',
      method: 'POST',
      url: server.url,
      body: {},
    });
    expect(res.attempts).toBe(2);
    const [a, b] = server.arrivals.map((x) => x.at) as [number, number];
    expect(b - a).toBeGreaterThanOrEqual(2_000 - 2);
    expect(b - a).toBeLessThan(2_000 + 500);
  });

  it('300 calls through a limiter at 100 per second: no 429 from a sliding 1 s window, in 2 s to 2.5 s', async () => {
    const server = await rateLimitedServer({ limit: 100, windowMs: 1_000 });
    servers.push(server);
    const rules = defineRules({ api: 'test', rateLimit: { requests: 100, windowMs: 1_000 } });
    const http = new HttpClient({ rules: [rules] });
    const { ms, failures } = await runCalls([http], 300, (i) => ({
      api: 'test',
      operation: 'test.get',
      method: 'GET',
      url: `${server.url}/item/${i}`,
      rateKey: 'one-key',
    }));
    console.log(`300 calls at 100/s (memory limiter): ${ms} ms, peak ${server.window.peak} per window`);
    expect(failures).toEqual([]);
    expect(server.tooMany()).toBe(0);
    expect(server.arrivals.length).toBe(300);
    expect(ms).toBeGreaterThanOrEqual(2_000);
    expect(ms).toBeLessThanOrEqual(2_500);
  });
});
