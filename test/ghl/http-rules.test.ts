import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../../src/http/client.js';
import {
  ApiError,
  AuthError,
  NotFoundError,
  RateLimitError,
  ScopeError,
  ValidationError,
  apiErrorJson,
} from '../../src/http/errors.js';
import { rateKeyId } from '../../src/http/keys.js';
import { SlotLimiter } from '../../src/http/rate-limit/limiter.js';
import { MemorySlotStore } from '../../src/http/rate-limit/memory.js';
import type { RequestSpec } from '../../src/http/types.js';
import { GHL_API_VERSION, GHL_SCOPE_MESSAGE, ghlHttpRules } from '../../src/ghl/http-rules.js';
import { recordingClock } from '../http/helpers/fake-clock.js';
import { rateLimitedServer, runCalls } from '../http/helpers/load.js';
import { type Answer, type Arrival, type TestServer, startTestServer } from '../http/helpers/test-server.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function serve(handler: (req: Arrival) => Answer): Promise<TestServer> {
  const s = await startTestServer(handler);
  servers.push(s);
  return s;
}

const LOCATION = 'loc_7Hq2';
const fast = { baseDelayMs: 20, maxDelayMs: 200 };

function rules(windowMs = 10_000) {
  return ghlHttpRules({ rateLimit: { requests: 100, windowMs }, timeoutMs: 5_000, dailyLimit: 200_000 });
}

function spec(server: TestServer, extra: Partial<RequestSpec> = {}): RequestSpec {
  return {
    api: 'ghl',
    operation: 'ghl.contacts.get',
    method: 'GET',
    baseUrl: server.url,
    path: '/contacts/c1',
    rateKey: LOCATION,
    scope: 'contacts.readonly',
    ...extra,
  };
}

async function failure(http: HttpClient, s: RequestSpec): Promise<ApiError> {
  const e = await http.request(s).catch((x: unknown) => x);
  if (!(e instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(e)}`);
  return e;
}

describe('GHL rules: errors', () => {
  it('puts the 422 message array and the traceId in a ValidationError', async () => {
    const server = await serve(() => ({
      status: 422,
      body: {
        statusCode: 422,
        message: ['email must be an email', 'firstName must be shorter than or equal to 255 characters'],
        error: 'Unprocessable Entity',
        traceId: '4f7a1c2e-trace',
      },
    }));
    const http = new HttpClient({ rules: [rules()], retry: fast });
    const e = await failure(
      http,
      spec(server, { operation: 'ghl.contacts.create', method: 'POST', path: '/contacts/' }),
    );
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.messages).toEqual([
      'email must be an email',
      'firstName must be shorter than or equal to 255 characters',
    ]);
    expect(e.traceId).toBe('4f7a1c2e-trace');
    expect(e.vendorCode).toBe('Unprocessable Entity');
    expect(apiErrorJson(e)).toEqual({
      operation: 'ghl.contacts.create',
      status: 422,
      message: ['email must be an email', 'firstName must be shorter than or equal to 255 characters'],
      traceId: '4f7a1c2e-trace',
    });
    expect(server.arrivals.length).toBe(1);
  });

  it('turns a 401 for a missing scope into a ScopeError naming the scope, not retried', async () => {
    const server = await serve(() => ({
      status: 401,
      body: { statusCode: 401, message: GHL_SCOPE_MESSAGE },
    }));
    const http = new HttpClient({ rules: [rules()], retry: fast });
    const e = await failure(http, spec(server, { scope: 'contacts.write', method: 'PUT' }));
    expect(e).toBeInstanceOf(ScopeError);
    expect((e as ScopeError).scope).toBe('contacts.write');
    expect(e.hint).toContain('contacts.write');
    expect(server.arrivals.length).toBe(1);
  });

  it('turns any other 401 into an AuthError', async () => {
    const server = await serve(() => ({
      status: 401,
      body: { statusCode: 401, message: 'Invalid token: access token is invalid', error: 'Unauthorized' },
    }));
    const http = new HttpClient({ rules: [rules()], retry: fast });
    const e = await failure(http, spec(server));
    expect(e).toBeInstanceOf(AuthError);
    expect(e).not.toBeInstanceOf(ScopeError);
    expect(server.arrivals.length).toBe(1);
  });

  it('reports "not found" on a 404 or a 400 that says so, never on a bare 400', async () => {
    const answers: Record<string, Answer> = {
      '/404': { status: 404, body: { statusCode: 404, message: 'Contact not found' } },
      '/400nf': { status: 400, body: { statusCode: 400, message: 'Contact not found', traceId: 't-1' } },
      '/400': { status: 400, body: { statusCode: 400, message: 'Bad Request', error: 'Bad Request' } },
    };
    const server = await serve((req) => answers[req.path] as Answer);
    const http = new HttpClient({ rules: [rules()], retry: fast });
    expect(await failure(http, spec(server, { path: '/404' }))).toBeInstanceOf(NotFoundError);
    const nf = await failure(http, spec(server, { path: '/400nf' }));
    expect(nf).toBeInstanceOf(NotFoundError);
    expect(nf.traceId).toBe('t-1');
    const bare = await failure(http, spec(server, { path: '/400' }));
    expect(bare).toBeInstanceOf(ValidationError);
    expect(bare).not.toBeInstanceOf(NotFoundError);
  });
});

describe('GHL rules: headers and rate limits', () => {
  it('sends Version 2021-07-28 and accepts JSON', async () => {
    const server = await serve(() => ({ status: 200, body: { contact: { id: 'c1' } } }));
    const http = new HttpClient({ rules: [rules()] });
    await http.request(spec(server, { headers: { authorization: 'Bearer t' } }));
    expect(server.arrivals[0]?.headers.version).toBe(GHL_API_VERSION);
    expect(server.arrivals[0]?.headers.accept).toBe('application/json');
    expect(server.arrivals[0]?.headers.authorization).toBe('Bearer t');
  });

  it('waits for the window on a 429 (interval header, else the configured window), for a POST too', async () => {
    const withHeader = await serve((req) =>
      req.n === 1
        ? {
            status: 429,
            headers: { 'x-ratelimit-interval-milliseconds': '300', 'x-ratelimit-remaining': '0' },
          }
        : { status: 201, body: { contact: { id: 'n' } } },
    );
    // The limiter keeps the real clock, so `clock.sleeps` holds the retry waits only.
    const limiter = () => new SlotLimiter(new MemorySlotStore());
    const clock = recordingClock();
    const http = new HttpClient({ rules: [rules(250)], clock, limiter: limiter(), retry: fast });
    const res = await http.request(
      spec(withHeader, { operation: 'ghl.contacts.create', method: 'POST', path: '/contacts/', body: {} }),
    );
    expect(res.status).toBe(201);
    expect(withHeader.arrivals.length).toBe(2);
    expect(clock.sleeps).toEqual([300]);

    const bare = await serve((req) => (req.n === 1 ? { status: 429 } : { status: 200, body: {} }));
    const clock2 = recordingClock();
    const http2 = new HttpClient({ rules: [rules(250)], clock: clock2, limiter: limiter(), retry: fast });
    await http2.request(spec(bare));
    expect(clock2.sleeps).toEqual([250]);
  });

  it('does not re-send a POST that got a 5xx unless it is marked idempotent', async () => {
    const server = await serve((req) =>
      req.n === 1 || req.n === 2 ? { status: 502 } : { status: 201, body: {} },
    );
    const http = new HttpClient({ rules: [rules()], retry: fast });
    const create = spec(server, {
      operation: 'ghl.contacts.create',
      method: 'POST',
      path: '/contacts/',
      body: {},
    });
    expect(await failure(http, create)).toMatchObject({ status: 502, outcomeUnknown: true });
    expect(server.arrivals.length).toBe(1);
    await expect(http.request({ ...create, idempotent: true })).resolves.toMatchObject({
      status: 201,
      attempts: 2,
    });
  });

  it('believes X-RateLimit-Remaining when it is lower than the free slots', async () => {
    const server = await serve(() => ({
      status: 200,
      headers: {
        'x-ratelimit-remaining': '3',
        'x-ratelimit-max': '100',
        'x-ratelimit-interval-milliseconds': '10000',
      },
      body: {},
    }));
    const store = new MemorySlotStore();
    const http = new HttpClient({ rules: [rules()], limiter: new SlotLimiter(store) });
    await http.request(spec(server));
    const key = rateKeyId('ghl', LOCATION);
    for (let i = 0; i < 50 && store.slots(key).filter((t) => t <= Date.now()).length !== 3; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(store.slots(key).filter((t) => t <= Date.now()).length).toBe(3);
  });

  it('tracks the daily budget per location from the daily headers', async () => {
    const server = await serve(() => ({
      status: 200,
      headers: { 'x-ratelimit-limit-daily': '200000', 'x-ratelimit-daily-remaining': '150000' },
      body: {},
    }));
    const ghl = rules();
    expect(ghl.budget(LOCATION)).toBeNull();
    const http = new HttpClient({ rules: [ghl] });
    await http.request(spec(server));
    expect(ghl.budget(LOCATION)).toMatchObject({
      limit: 200_000,
      remaining: 150_000,
      reserve: 10_000,
      usable: 140_000,
      paceMs: 0,
    });
    expect(ghl.budget('another-location')).toBeNull();
  });

  it('gives up with a RateLimitError when 429s never stop, after a bounded number of re-sends', async () => {
    const server = await serve(() => ({ status: 429, headers: { 'retry-after': '0' } }));
    const http = new HttpClient({ rules: [rules()], retry: { ...fast, maxRateLimitRetries: 2 } });
    expect(await failure(http, spec(server))).toBeInstanceOf(RateLimitError);
    expect(server.arrivals.length).toBe(3);
  });
});

describe('GHL rules under faults', () => {
  it('1,000 GET/PUT calls with 20% injected 429s and 5% injected 5xx all succeed', async () => {
    let seed = 42;
    const random = () => {
      // mulberry32: a seeded generator, so a failure can be replayed
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    let injected429 = 0;
    let injected5xx = 0;
    const server = await rateLimitedServer({
      limit: 100,
      windowMs: 1_000,
      ghlHeaders: true,
      fault: () => {
        const r = random();
        if (r < 0.2) {
          injected429++;
          return { status: 429, body: { statusCode: 429, message: 'Injected fault: 429' } };
        }
        if (r < 0.25) {
          injected5xx++;
          return { status: r < 0.225 ? 500 : 503, body: { statusCode: 500, message: 'Injected fault' } };
        }
        return null;
      },
    });
    servers.push(server);
    const http = new HttpClient({ rules: [rules(1_000)] });
    const { failures } = await runCalls([http], 1_000, (i) =>
      spec(
        server,
        i % 2 === 0 ? { path: `/contacts/c${i}` } : { method: 'PUT', path: `/contacts/c${i}`, body: { i } },
      ),
    );
    console.log(
      `1,000 GHL calls with faults: ${server.arrivals.length} attempts, ${injected429} injected 429, ${injected5xx} injected 5xx, ${server.tooMany()} real 429`,
    );
    expect(failures).toEqual([]);
    expect(injected429).toBeGreaterThan(150);
    expect(injected5xx).toBeGreaterThan(25);
    expect(server.tooMany()).toBe(0);
  });
});
