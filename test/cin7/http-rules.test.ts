import { afterEach, describe, expect, it } from 'vitest';
import { cin7HttpRules, classifyCin7, parseCin7Error } from '../../src/cin7/http-rules.js';
import { HttpClient } from '../../src/http/client.js';
import {
  ApiError,
  AuthError,
  BadResponseError,
  NotFoundError,
  RateLimitError,
  ValidationError,
} from '../../src/http/errors.js';
import { SlotLimiter } from '../../src/http/rate-limit/limiter.js';
import { MemorySlotStore } from '../../src/http/rate-limit/memory.js';
import type { RequestSpec, ResponseInfo } from '../../src/http/types.js';
import { recordingClock } from '../http/helpers/fake-clock.js';
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
function script(...answers: Answer[]): (req: Arrival) => Answer {
  return (req) => answers[Math.min(req.n, answers.length) - 1] as Answer;
}

const WINDOW = 200; // the 60 s window, scaled down
const fast = { baseDelayMs: 20, maxDelayMs: 200 };

function client(clock = recordingClock()) {
  const rules = cin7HttpRules({ rateLimit: { requests: 60, windowMs: WINDOW }, timeoutMs: 5_000 });
  // The limiter keeps the real clock, so `clock.sleeps` holds the retry waits only.
  const http = new HttpClient({
    rules: [rules],
    clock,
    limiter: new SlotLimiter(new MemorySlotStore()),
    retry: fast,
  });
  return { http, clock };
}

function spec(server: TestServer, extra: Partial<RequestSpec> = {}): RequestSpec {
  return {
    api: 'cin7',
    operation: 'cin7.customers.list',
    method: 'GET',
    baseUrl: `${server.url}/ExternalApi/v2`,
    path: '/customer',
    query: { Page: 1, Limit: 1000 },
    headers: { 'api-auth-accountid': 'acc-1', 'api-auth-applicationkey': 'app-key-secret-1' },
    rateKey: 'app-key-secret-1',
    ...extra,
  };
}

async function failure(http: HttpClient, s: RequestSpec): Promise<ApiError> {
  const e = await http.request(s).catch((x: unknown) => x);
  if (!(e instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(e)}`);
  return e;
}

const ok: Answer = { status: 200, body: { Total: 0, Page: 1, CustomerList: [] } };

describe('Cin7 rules: rate limits', () => {
  it('waits out a 503 and a 429 for one window each, without failing the caller', async () => {
    const server = await serve(
      script(
        { status: 503, raw: 'You reached 60 calls per minute API limit' },
        { status: 429, body: [{ ErrorCode: 429, Exception: 'Too many requests' }] },
        ok,
      ),
    );
    const { http, clock } = client();
    const res = await http.request(spec(server));
    expect(res.body).toEqual({ Total: 0, Page: 1, CustomerList: [] });
    expect(res.attempts).toBe(3);
    expect(clock.sleeps).toEqual([WINDOW, WINDOW]);
    expect(http.counter.snapshot().totals.cin7).toMatchObject({ calls: 3, rateLimited: 2, retries: 2 });
  });

  it('re-sends a POST answered 503 (not processed), but not one answered 500', async () => {
    const server = await serve(
      script({ status: 503 }, { status: 200, body: { CustomerList: [{ ID: 'x' }] } }),
    );
    const { http } = client();
    const create = spec(server, { operation: 'cin7.customers.create', method: 'POST', body: { Name: 'A' } });
    await expect(http.request(create)).resolves.toMatchObject({ attempts: 2 });

    const broken = await serve(() => ({
      status: 500,
      body: { ErrorCode: 500, Exception: 'Unexpected error' },
    }));
    const e = await failure(http, { ...create, baseUrl: `${broken.url}/ExternalApi/v2` });
    expect(e.status).toBe(500);
    expect(e.outcomeUnknown).toBe(true);
    expect(broken.arrivals.length).toBe(1);
  });

  it('uses Retry-After when Cin7 sends one', async () => {
    const server = await serve(script({ status: 503, headers: { 'retry-after': '0.05' } }, ok));
    const { http, clock } = client();
    await http.request(spec(server));
    expect(clock.sleeps).toEqual([50]);
  });

  it('fails with RateLimitError only after the bounded number of re-sends', async () => {
    const server = await serve(() => ({ status: 503 }));
    const rules = cin7HttpRules({
      rateLimit: { requests: 60, windowMs: 10 },
      retry: { maxRateLimitRetries: 3 },
    });
    const http = new HttpClient({ rules: [rules] });
    expect(await failure(http, spec(server))).toBeInstanceOf(RateLimitError);
    expect(server.arrivals.length).toBe(4);
  });
});

describe('Cin7 rules: bodies and errors', () => {
  it('treats HTML on a 200 as a BadResponseError, not retried', async () => {
    const server = await serve(() => ({
      status: 200,
      raw: '<!DOCTYPE html><html><head><title>Page not found</title></head><body>Page not found</body></html>',
      contentType: 'text/html; charset=utf-8',
    }));
    const { http } = client();
    const e = await failure(http, spec(server));
    expect(e).toBeInstanceOf(BadResponseError);
    expect(e.message).toContain('HTML');
    expect(e.message).toContain('Page not found');
    expect(server.arrivals.length).toBe(1);
  });

  it('treats plain text and an empty body on a 200 as errors, and accepts a 204', async () => {
    const server = await serve((req) =>
      req.path.endsWith('/text')
        ? { status: 200, raw: 'OK' }
        : req.path.endsWith('/empty')
          ? { status: 200, raw: '' }
          : { status: 204 },
    );
    const { http } = client();
    expect(await failure(http, spec(server, { path: '/text' }))).toBeInstanceOf(BadResponseError);
    expect(await failure(http, spec(server, { path: '/empty' }))).toBeInstanceOf(BadResponseError);
    await expect(http.request(spec(server, { path: '/none', method: 'DELETE' }))).resolves.toMatchObject({
      status: 204,
      body: null,
    });
  });

  it('reads an error object and an error array', async () => {
    const server = await serve((req) =>
      req.path.endsWith('/one')
        ? { status: 400, body: { ErrorCode: 400, Exception: "Required attribute 'Name' is not provided." } }
        : {
            status: 400,
            body: [
              { ErrorCode: 400, Exception: 'Customer with Name "A" already exists.' },
              { ErrorCode: 400, Exception: 'Currency is required.' },
            ],
          },
    );
    const { http } = client();
    const one = await failure(http, spec(server, { path: '/one', method: 'POST', body: {} }));
    expect(one).toBeInstanceOf(ValidationError);
    expect(one.messages).toEqual(["Required attribute 'Name' is not provided."]);
    expect(one.vendorCode).toBe('400');
    const many = await failure(http, spec(server, { path: '/many', method: 'POST', body: {} }));
    expect(many.messages).toEqual(['Customer with Name "A" already exists.', 'Currency is required.']);
  });

  it('maps 403 to AuthError and 404 to NotFoundError', async () => {
    const server = await serve((req) =>
      req.path.endsWith('/forbidden')
        ? { status: 403, body: { ErrorCode: 403, Exception: 'Incorrect credentials' } }
        : { status: 404, raw: '<html><body>Not Found</body></html>', contentType: 'text/html' },
    );
    const { http } = client();
    expect(await failure(http, spec(server, { path: '/forbidden' }))).toBeInstanceOf(AuthError);
    const nf = await failure(http, spec(server, { path: '/nope' }));
    expect(nf).toBeInstanceOf(NotFoundError);
    expect(nf.messages).toEqual(['Not Found']);
  });
});

describe('classifyCin7 and parseCin7Error', () => {
  const info = (status: number, text: string): ResponseInfo => {
    let json: unknown;
    let notJson = false;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      notJson = true;
    }
    return { status, headers: {}, text, json, notJson, contentType: '' };
  };

  it('classifies 429 and 503 as rate limited, 500/502/504 as retryable', () => {
    expect([200, 204, 429, 503, 500, 502, 504, 400, 403, 404].map((s) => classifyCin7(info(s, '')))).toEqual([
      'ok',
      'ok',
      'rate_limited',
      'rate_limited',
      'retryable',
      'retryable',
      'retryable',
      'fatal',
      'fatal',
      'fatal',
    ]);
  });

  it('parses objects, arrays, {Errors: [...]} and text', () => {
    expect(parseCin7Error(info(400, '{"ErrorCode":400,"Exception":"bad"}'))).toEqual({
      messages: ['bad'],
      vendorCode: '400',
    });
    expect(
      parseCin7Error(info(400, '{"Errors":[{"ErrorCode":7,"Exception":"x"},{"Exception":"y"}]}')),
    ).toEqual({
      messages: ['x', 'y'],
      vendorCode: '7',
    });
    expect(parseCin7Error(info(500, 'Internal failure'))).toEqual({
      messages: ['Internal failure'],
      vendorCode: undefined,
    });
  });
});
