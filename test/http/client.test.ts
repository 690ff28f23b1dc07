import { afterEach, describe, expect, it } from 'vitest';
import { InputError, StoreError } from '../../src/errors/index.js';
import { HttpClient } from '../../src/http/client.js';
import { CallCounter } from '../../src/http/counter.js';
import {
  AbortedError,
  ApiError,
  BadResponseError,
  NetworkError,
  RateLimitError,
  TimeoutError,
  ValidationError,
} from '../../src/http/errors.js';
import { rateKeyId } from '../../src/http/keys.js';
import { SlotLimiter } from '../../src/http/rate-limit/limiter.js';
import { MemorySlotStore } from '../../src/http/rate-limit/memory.js';
import { defineRules } from '../../src/http/rules.js';
import type { RequestSpec } from '../../src/http/types.js';
import { FakeClock, recordingClock } from './helpers/fake-clock.js';
import { captureLogger } from './helpers/logs.js';
import { type Answer, type Arrival, type TestServer, startTestServer } from './helpers/test-server.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(handler: (req: Arrival) => Answer | Promise<Answer>): Promise<TestServer> {
  const s = await startTestServer(handler);
  servers.push(s);
  return s;
}

/** Answers from a script, one per arrival; the last one repeats. */
function script(...answers: Answer[]): (req: Arrival) => Answer {
  return (req) => answers[Math.min(req.n, answers.length) - 1] as Answer;
}

const testRules = defineRules({ api: 'test' });
const fast = { baseDelayMs: 40, maxDelayMs: 1_000 };

function get(server: TestServer, extra: Partial<RequestSpec> = {}): RequestSpec {
  return { api: 'test', operation: 'test.get', method: 'GET', baseUrl: server.url, path: '/thing', ...extra };
}

function post(server: TestServer, extra: Partial<RequestSpec> = {}): RequestSpec {
  return { ...get(server), operation: 'test.create', method: 'POST', body: { name: 'x' }, ...extra };
}

describe('HttpClient retries', () => {
  it('retries a GET failing twice with 503, with growing waits, then succeeds', async () => {
    const server = await serve(script({ status: 503 }, { status: 503 }, { status: 200, body: { ok: true } }));
    const clock = recordingClock();
    const http = new HttpClient({ rules: [testRules], clock, random: () => 0.9, retry: fast });
    const res = await http.request(get(server));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true });
    expect(res.attempts).toBe(3);
    expect(server.arrivals.length).toBe(3);
    // full jitter with random 0.9: 0.9 × 40 = 36, then 0.9 × 80 = 72
    expect(clock.sleeps).toEqual([36, 72]);
    const [a, b, c] = server.arrivals.map((x) => x.at) as [number, number, number];
    expect(b - a).toBeGreaterThanOrEqual(36 - 2);
    expect(c - b).toBeGreaterThanOrEqual(72 - 2);
  });

  it('never re-sends a POST that is not marked idempotent after a 5xx', async () => {
    const server = await serve(script({ status: 503 }, { status: 201, body: {} }));
    const http = new HttpClient({ rules: [testRules], retry: fast });
    const e = await http.request(post(server)).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).status).toBe(503);
    expect((e as ApiError).retryable).toBe(true);
    expect((e as ApiError).outcomeUnknown).toBe(true);
    expect(server.arrivals.length).toBe(1);
  });

  it('never re-sends a POST that is not marked idempotent after a network error', async () => {
    const server = await serve(script({ reset: true }, { status: 201, body: {} }));
    const http = new HttpClient({ rules: [testRules], retry: fast });
    const e = await http.request(post(server)).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(NetworkError);
    expect((e as NetworkError).outcomeUnknown).toBe(true);
    expect(server.arrivals.length).toBe(1);
  });

  it('re-sends a POST marked idempotent, and a GET after a network error', async () => {
    const server = await serve(script({ status: 502 }, { status: 201, body: { id: 1 } }));
    const http = new HttpClient({ rules: [testRules], retry: fast });
    const res = await http.request(post(server, { idempotent: true }));
    expect(res.status).toBe(201);
    expect(server.arrivals.length).toBe(2);

    const reset = await serve(script({ reset: true }, { status: 200, body: [] }));
    await expect(http.request(get(reset))).resolves.toMatchObject({ status: 200, attempts: 2 });
  });

  it('re-sends a POST that got a 429, after the wait', async () => {
    const server = await serve(
      script({ status: 429, headers: { 'retry-after': '0.2' } }, { status: 201, body: { id: 7 } }),
    );
    const clock = recordingClock();
    const http = new HttpClient({ rules: [testRules], clock, retry: fast });
    const res = await http.request(post(server));
    expect(res.body).toEqual({ id: 7 });
    expect(server.arrivals.length).toBe(2);
    expect(clock.sleeps).toEqual([200]);
    const [a, b] = server.arrivals.map((x) => x.at) as [number, number];
    expect(b - a).toBeGreaterThanOrEqual(200 - 2);
  });

  it('honours Retry-After: 2 (seconds) on a 429 and on a 503', async () => {
    for (const status of [429, 503]) {
      const server = await serve(
        script({ status, headers: { 'retry-after': '2' } }, { status: 200, body: {} }),
      );
      const clock = new FakeClock();
      const http = new HttpClient({ rules: [testRules], clock, retry: fast });
      const pending = http.request(get(server));
      while (clock.sleeps.length === 0) await new Promise((r) => setTimeout(r, 5));
      expect(clock.sleeps).toEqual([2_000]);
      await clock.advance(1_999);
      expect(server.arrivals.length).toBe(1);
      await clock.advance(1);
      await expect(pending).resolves.toMatchObject({ status: 200, attempts: 2 });
    }
  });

  it('honours Retry-After given as an HTTP date', async () => {
    const clock = new FakeClock(Date.parse('2026-10-21T07:27:58Z'));
    const server = await serve(
      script({ status: 429, headers: { 'retry-after': 'Wed, 21 Oct 2026 07:28:03 GMT' } }, { status: 200 }),
    );
    const http = new HttpClient({ rules: [testRules], clock, retry: fast });
    const pending = http.request(get(server));
    while (clock.sleeps.length === 0) await new Promise((r) => setTimeout(r, 5));
    expect(clock.sleeps).toEqual([5_000]);
    await clock.advance(5_000);
    await expect(pending).resolves.toMatchObject({ status: 200, body: null });
  });

  it('gives up on rate-limit answers after maxRateLimitRetries re-sends', async () => {
    const server = await serve(() => ({ status: 429, headers: { 'retry-after': '0' } }));
    const http = new HttpClient({ rules: [testRules], retry: { ...fast, maxRateLimitRetries: 3 } });
    const e = await http.request(get(server)).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RateLimitError);
    expect((e as RateLimitError).attempts).toBe(4);
    expect(server.arrivals.length).toBe(4);
  });

  it('stops after maxAttempts for errors', async () => {
    const server = await serve(() => ({ status: 500, body: { message: 'boom' } }));
    const http = new HttpClient({ rules: [testRules], retry: { ...fast, maxAttempts: 3 } });
    const e = await http.request(get(server)).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).code).toBe('api_server_error');
    expect((e as ApiError).messages).toEqual(['boom']);
    expect(server.arrivals.length).toBe(3);
  });

  it('does not schedule a retry that would end after maxElapsedMs', async () => {
    const server = await serve(() => ({ status: 503, headers: { 'retry-after': '5' } }));
    const http = new HttpClient({ rules: [testRules], retry: { ...fast, maxElapsedMs: 1_000 } });
    await expect(http.request(get(server))).rejects.toBeInstanceOf(ApiError);
    expect(server.arrivals.length).toBe(1);
  });

  it('does not retry a 4xx', async () => {
    const server = await serve(() => ({ status: 400, body: { message: 'bad field' } }));
    const http = new HttpClient({ rules: [testRules], retry: fast });
    const e = await http.request(get(server)).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ValidationError);
    expect(server.arrivals.length).toBe(1);
  });
});

describe('HttpClient timeouts and aborts', () => {
  it('times out a hung server with TimeoutError, and retries a GET a bounded number of times', async () => {
    const server = await serve(() => ({ hang: true }));
    const http = new HttpClient({ rules: [testRules], retry: { ...fast, maxAttempts: 2 } });
    const started = Date.now();
    const e = await http.request(get(server, { timeoutMs: 200 })).catch((x: unknown) => x);
    const took = Date.now() - started;
    expect(e).toBeInstanceOf(TimeoutError);
    expect((e as TimeoutError).timeoutMs).toBe(200);
    expect((e as TimeoutError).attempts).toBe(2);
    expect(server.arrivals.length).toBe(2);
    expect(took).toBeGreaterThanOrEqual(400 - 5);
  });

  it('does not retry a timed-out POST and flags its outcome unknown', async () => {
    const server = await serve(() => ({ hang: true }));
    const http = new HttpClient({ rules: [testRules], retry: fast });
    const e = await http.request(post(server, { timeoutMs: 150 })).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TimeoutError);
    expect((e as TimeoutError).outcomeUnknown).toBe(true);
    expect(server.arrivals.length).toBe(1);
  });

  it('stops at once when the caller aborts, while in flight or while waiting to retry', async () => {
    const hung = await serve(() => ({ hang: true }));
    const http = new HttpClient({ rules: [testRules], retry: fast });
    const ac = new AbortController();
    const pending = http.request(get(hung, { signal: ac.signal, timeoutMs: 10_000 }));
    setTimeout(() => ac.abort(), 50);
    await expect(pending).rejects.toBeInstanceOf(AbortedError);

    const slow = await serve(() => ({ status: 429, headers: { 'retry-after': '30' } }));
    const ac2 = new AbortController();
    const waiting = http.request(get(slow, { signal: ac2.signal }));
    setTimeout(() => ac2.abort(), 50);
    await expect(waiting).rejects.toBeInstanceOf(AbortedError);
    expect(slow.arrivals.length).toBe(1);
  });
});

describe('HttpClient bodies', () => {
  it('treats HTML on a 200 as a BadResponseError and does not retry it', async () => {
    const server = await serve(() => ({
      status: 200,
      raw: '<html><body><h1>Page not found</h1></body></html>',
      contentType: 'text/html',
    }));
    const http = new HttpClient({ rules: [testRules], retry: fast });
    const e = await http.request(get(server)).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(BadResponseError);
    expect((e as BadResponseError).message).toContain('Page not found');
    expect(server.arrivals.length).toBe(1);
  });

  it('retries a GET whose JSON was cut short', async () => {
    const server = await serve(
      script(
        { status: 200, raw: '{"contact":{"id":"a', contentType: 'application/json' },
        {
          status: 200,
          body: { contact: { id: 'abc' } },
        },
      ),
    );
    const http = new HttpClient({ rules: [testRules], retry: fast });
    await expect(http.request(get(server))).resolves.toMatchObject({
      body: { contact: { id: 'abc' } },
      attempts: 2,
    });
  });

  it('runs spec.parse and turns its failure into BadResponseError', async () => {
    const server = await serve(() => ({ status: 200, body: { count: 'three' } }));
    const http = new HttpClient({ rules: [testRules] });
    const parse = (b: unknown): number => {
      const n = (b as { count: unknown }).count;
      if (typeof n !== 'number') throw new Error('count is not a number');
      return n;
    };
    const e = await http.request({ ...get(server), parse }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(BadResponseError);
    expect((e as BadResponseError).message).toContain('count is not a number');
  });

  it('sends the query, JSON and form bodies and headers as given', async () => {
    const server = await serve(() => ({ status: 200, body: {} }));
    const http = new HttpClient({ rules: [testRules] });
    await http.request({
      ...get(server),
      path: '/a/b',
      query: { a: 1, b: ['x', 'y'], c: undefined, d: null, e: true },
      headers: { 'x-custom': 'yes' },
    });
    await http.request({ ...post(server), body: { n: 1 } });
    await http.request({
      ...post(server),
      body: undefined,
      form: { grant_type: 'refresh_token', skip: undefined },
    });
    const [g, j, f] = server.arrivals as [Arrival, Arrival, Arrival];
    expect(g.path).toBe('/a/b');
    expect(g.query.toString()).toBe('a=1&b=x&b=y&e=true');
    expect(g.headers['x-custom']).toBe('yes');
    expect(g.headers.accept).toBe('application/json');
    expect(j.headers['content-type']).toBe('application/json');
    expect(j.body).toBe('{"n":1}');
    expect(f.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(f.body).toBe('grant_type=refresh_token');
  });

  it('joins baseUrl and path with exactly one slash', async () => {
    const server = await serve(() => ({ status: 200, body: {} }));
    const http = new HttpClient({ rules: [testRules] });
    await http.request({ ...get(server), baseUrl: `${server.url}/v2/`, path: '/contacts/' });
    expect(server.arrivals[0]?.path).toBe('/v2/contacts/');
  });

  it('refuses an unknown api and an unusable URL with InputError', async () => {
    const http = new HttpClient({ rules: [testRules] });
    await expect(
      http.request({ api: 'nope', operation: 'x', method: 'GET', url: 'http://127.0.0.1:1/' }),
    ).rejects.toBeInstanceOf(InputError);
    await expect(
      http.request({ api: 'test', operation: 'x', method: 'GET', path: '/x' }),
    ).rejects.toBeInstanceOf(InputError);
  });
});

describe('HttpClient rate limiting, counting and logging', () => {
  it('takes a limiter slot per attempt under the hashed key, never the key in clear', async () => {
    const server = await serve(script({ status: 503 }, { status: 200, body: {} }));
    const store = new MemorySlotStore();
    const limiter = new SlotLimiter(store);
    const rules = defineRules({ api: 'test', rateLimit: { requests: 5, windowMs: 60_000 } });
    const http = new HttpClient({ rules: [rules], limiter, retry: fast });
    await http.request(get(server, { rateKey: 'secret-application-key-123' }));
    const slots = store.slots(rateKeyId('test', 'secret-application-key-123'));
    expect(slots.length).toBe(5);
    expect(slots.filter((t) => t > Date.now()).length).toBe(2); // both attempts cooling
    expect(store.slots('secret-application-key-123')).toEqual([]);
  });

  it('fails with a StoreError naming the cause when the limiter store is down', async () => {
    const server = await serve(() => ({ status: 200, body: {} }));
    const broken = {
      pollMs: 10,
      take: async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      },
      release: async () => ({ free: null }),
      block: async () => {},
    };
    const rules = defineRules({ api: 'test', rateLimit: { requests: 5, windowMs: 1_000 } });
    const http = new HttpClient({ rules: [rules], limiter: new SlotLimiter(broken) });
    const e = await http.request(get(server, { rateKey: 'k' })).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(StoreError);
    expect((e as StoreError).code).toBe('rate_limiter_unavailable');
    expect((e as StoreError).message).toContain('ECONNREFUSED');
    expect(server.arrivals.length).toBe(0);
  });

  it('counts calls, retries and rate-limit answers per api and operation', async () => {
    const server = await serve(
      script({ status: 429, headers: { 'retry-after': '0' } }, { status: 500 }, { status: 200 }),
    );
    const counter = new CallCounter();
    const http = new HttpClient({ rules: [testRules], counter, retry: fast });
    const before = counter.snapshot();
    await http.request(get(server));
    const d = CallCounter.diff(before, counter.snapshot());
    expect(d.calls).toEqual([
      { api: 'test', operation: 'test.get', result: '200', count: 1 },
      { api: 'test', operation: 'test.get', result: '429', count: 1 },
      { api: 'test', operation: 'test.get', result: '500', count: 1 },
    ]);
    expect(d.totals.test).toEqual({ calls: 3, rateLimited: 1, retries: 2, failures: 2 });
  });

  it('logs one debug line per attempt and a warn per retry, without header values or keys', async () => {
    const server = await serve(script({ status: 503 }, { status: 200, body: {} }));
    const capture = captureLogger();
    const rules = defineRules({ api: 'test', rateLimit: { requests: 5, windowMs: 1_000 } });
    const http = new HttpClient({ rules: [rules], logger: capture.logger, retry: fast });
    await http.request(
      get(server, {
        rateKey: 'app-key-in-clear-999',
        query: { token: 'query-secret-777' },
        headers: {
          authorization: 'Bearer tok-abc-123456',
          'api-auth-applicationkey': 'app-key-in-clear-999',
        },
      }),
    );
    const calls = capture.lines.filter((l) => l.msg === 'http call');
    expect(calls.map((l) => [l.operation, l.status, l.attempt])).toEqual([
      ['test.get', 503, 1],
      ['test.get', 200, 2],
    ]);
    expect(calls.every((l) => typeof l.ms === 'number' && l.level === 20)).toBe(true);
    const warns = capture.lines.filter((l) => l.msg === 'http retry');
    expect(warns.length).toBe(1);
    expect(warns[0]).toMatchObject({ level: 40, operation: 'test.get', attempt: 1, path: '/thing' });
    const text = capture.text();
    for (const secret of ['tok-abc-123456', 'app-key-in-clear-999', 'query-secret-777']) {
      expect(text).not.toContain(secret);
    }
  });

  it('masks a credential the vendor echoes back in an error body', async () => {
    const server = await serve(() => ({
      status: 403,
      body: { message: 'key echo-app-key-4242 is not valid' },
    }));
    const http = new HttpClient({ rules: [testRules] });
    const e = (await http
      .request(get(server, { headers: { 'api-auth-applicationkey': 'echo-app-key-4242' } }))
      .catch((x: unknown) => x)) as ApiError;
    expect(e.message).not.toContain('echo-app-key-4242');
    expect(e.messages).toEqual(['key [redacted] is not valid']);
  });

  it('puts the path but not the query in errors', async () => {
    const server = await serve(() => ({ status: 404, body: { message: 'nope' } }));
    const http = new HttpClient({ rules: [testRules] });
    const e = (await http
      .request(get(server, { query: { apiKey: 'query-secret-888' } }))
      .catch((x: unknown) => x)) as ApiError;
    expect(e.path).toBe('/thing');
    expect(JSON.stringify(e.toJSON())).not.toContain('query-secret-888');
    expect(e.message).not.toContain('query-secret-888');
  });
});
