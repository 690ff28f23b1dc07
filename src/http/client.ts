import { AppError, InputError, StoreError, errorMessage } from '../errors/index.js';
import type { Logger } from '../log/logger.js';
import { isSecretName, registerSecret } from '../log/redact.js';
import { backoffDelay, parseRetryAfter } from './backoff.js';
import { type Clock, systemClock } from './clock.js';
import { CallCounter, type CallResult } from './counter.js';
import {
  AbortedError,
  type ApiError,
  type ApiErrorInit,
  BadResponseError,
  NetworkError,
  RateLimitError,
  TimeoutError,
} from './errors.js';
import { rateKeyId } from './keys.js';
import { LimiterWaitTimeoutError, SlotLimiter } from './rate-limit/limiter.js';
import { MemorySlotStore } from './rate-limit/memory.js';
import type { Lease, RateLimiter } from './rate-limit/types.js';
import {
  type CallInfo,
  DEFAULT_RETRY_POLICY,
  type HttpMethod,
  type HttpResponse,
  type QueryValue,
  type RequestSpec,
  type ResponseInfo,
  type RetryPolicy,
  type VendorRules,
} from './types.js';

export interface HttpClientOptions {
  /** One rules object per API name (`ghlHttpRules(...)`, `cin7HttpRules(...)`, test rules). */
  rules: VendorRules[];
  /** Default: an in-memory `SlotLimiter` (one process). Pass one over `PostgresSlotStore` to share. */
  limiter?: RateLimiter;
  /** Debug line per attempt, warn per retry. Default: silent. */
  logger?: Logger;
  counter?: CallCounter;
  clock?: Clock;
  /** The jitter source, in [0, 1). */
  random?: () => number;
  /** Overrides the rules' retry policy for every call (tests); a call's own `retry` wins over it. */
  retry?: Partial<RetryPolicy>;
  /** Timeout when neither the call nor the rules give one. Default 30 s. */
  defaultTimeoutMs?: number;
  /** Default: the global `fetch`. */
  fetch?: typeof fetch;
}

const SAFE_METHODS: ReadonlySet<HttpMethod> = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);

type Attempt =
  | { kind: 'answered'; info: ResponseInfo }
  | { kind: 'failed'; reason: 'network' | 'timeout' | 'aborted'; cause: unknown };

/**
 * The one outbound HTTP path: vendor rules, proactive rate limiting, timeouts, bounded retries with
 * exponential backoff and full jitter, typed errors, call counting and logging.
 *
 * Retries: an error (5xx the rules call retryable, network error, timeout) is retried only when the
 * request is safe to repeat (GET, HEAD, PUT, DELETE, or `idempotent: true`); an answer the rules
 * call rate limited (429; Cin7's 503) was not processed, so it is re-sent whatever the method,
 * after the wait it names (`Retry-After`, vendor interval headers) or a backoff.
 *
 * @example
 * const http = new HttpClient({ rules: [ghlHttpRules(config.ghl)], logger, counter });
 * const res = await http.request<{ contact: Contact }>({
 *   api: 'ghl', operation: 'ghl.contacts.get', method: 'GET',
 *   baseUrl: config.ghl.baseUrl, path: `/contacts/${id}`,
 *   headers: { authorization: `Bearer ${token}` }, rateKey: locationId, scope: 'contacts.readonly',
 * });
 */
export class HttpClient {
  readonly counter: CallCounter;
  readonly limiter: RateLimiter;
  private readonly rules = new Map<string, VendorRules>();
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly logger: Logger | undefined;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: HttpClientOptions) {
    for (const r of options.rules) this.rules.set(r.api, r);
    this.clock = options.clock ?? systemClock;
    this.counter = options.counter ?? new CallCounter();
    this.limiter =
      options.limiter ??
      new SlotLimiter(new MemorySlotStore(this.clock), {
        clock: this.clock,
        onError: (e) => this.options.logger?.warn({ err: e }, 'rate limiter release failed'),
      });
    this.random = options.random ?? Math.random;
    this.logger = options.logger;
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  }

  /** The rules registered for `api`. */
  rulesFor(api: string): VendorRules {
    const rules = this.rules.get(api);
    if (!rules) {
      throw new InputError(
        'HttpClient.request',
        `no vendor rules registered for api "${api}"`,
        `pass rules for it in new HttpClient({ rules: [...] }); registered: ${[...this.rules.keys()].join(', ') || 'none'}`,
      );
    }
    return rules;
  }

  /**
   * Sends one call, with waits and retries as the rules say. Resolves with a success answer;
   * rejects with an `ApiError` subclass.
   */
  async request<T = unknown>(spec: RequestSpec<T>): Promise<HttpResponse<T>> {
    const rules = this.rulesFor(spec.api);
    const policy: RetryPolicy = {
      ...DEFAULT_RETRY_POLICY,
      ...rules.retry,
      ...this.options.retry,
      ...spec.retry,
    };
    const url = buildUrl(spec);
    const safe = spec.idempotent === true || SAFE_METHODS.has(spec.method);
    const timeoutMs = spec.timeoutMs ?? rules.timeoutMs ?? this.options.defaultTimeoutMs ?? 30_000;
    const keyId =
      spec.rateKey !== undefined && rules.rateLimit ? rateKeyId(spec.api, spec.rateKey) : undefined;
    const call: CallInfo = {
      api: spec.api,
      operation: spec.operation,
      method: spec.method,
      path: url.pathname,
      scope: spec.scope,
      attempts: 0,
      safe,
    };
    const init = buildInit(spec, rules.headers(call));
    const started = this.clock.now();
    let failures = 0;
    let rateLimited = 0;

    for (;;) {
      call.attempts++;
      let lease: Lease | undefined;
      if (keyId !== undefined && rules.rateLimit) {
        await this.pace(call, rules.paceMs(keyId), policy, spec.signal);
        lease = await this.acquire(call, keyId, rules, timeoutMs, policy, spec.signal);
      }
      const t0 = this.clock.now();
      const attempt = await this.send(url, init, timeoutMs, spec.signal);
      const ms = this.clock.now() - t0;
      if (lease)
        void lease.release(attempt.kind === 'answered' ? rules.limiterFeedback(attempt.info) : undefined);

      if (attempt.kind === 'failed') {
        this.record(call, attempt.reason, ms, lease);
        const error = this.failureError(call, attempt, timeoutMs);
        if (attempt.reason === 'aborted') throw error;
        failures++;
        if (safe && failures < policy.maxAttempts) {
          const wait = backoffDelay(failures, policy, this.random);
          if (this.withinBudget(started, wait, policy)) {
            await this.retryAfter(call, wait, attempt.reason, spec.signal);
            continue;
          }
        }
        throw error;
      }

      const info = attempt.info;
      this.record(call, info.status, ms, lease);
      if (keyId !== undefined) rules.observe(keyId, info);
      const outcome = rules.classify(info);

      if (outcome === 'ok') {
        const bad = rules.validateSuccess(call, info);
        if (bad) {
          failures++;
          if (bad.retryable && safe && failures < policy.maxAttempts) {
            const wait = backoffDelay(failures, policy, this.random);
            if (this.withinBudget(started, wait, policy)) {
              await this.retryAfter(call, wait, 'bad response', spec.signal);
              continue;
            }
          }
          throw bad;
        }
        return {
          status: info.status,
          headers: info.headers,
          body: this.parseBody(spec, call, info),
          text: info.text,
          attempts: call.attempts,
          durationMs: this.clock.now() - started,
        };
      }

      const parsed = rules.parseError(info);
      if (outcome === 'rate_limited') {
        this.counter.recordRateLimited(spec.api);
        rateLimited++;
        const said =
          parseRetryAfter(info.headers['retry-after'], this.clock.now()) ?? rules.rateLimitWaitMs(info);
        const wait = said ?? backoffDelay(rateLimited, policy, this.random);
        if (
          rateLimited <= policy.maxRateLimitRetries &&
          wait <= policy.maxRetryAfterMs &&
          this.withinBudget(started, wait, policy)
        ) {
          await this.retryAfter(call, wait, `rate limited (${info.status})`, spec.signal);
          continue;
        }
        const base = rules.toError(call, info, parsed);
        throw new RateLimitError({ ...initOf(base), retryAfterMs: wait, outcomeUnknown: false, cause: base });
      }

      if (outcome === 'retryable') {
        failures++;
        if (safe && failures < policy.maxAttempts) {
          const said = parseRetryAfter(info.headers['retry-after'], this.clock.now());
          const wait = said ?? backoffDelay(failures, policy, this.random);
          if (wait <= policy.maxRetryAfterMs && this.withinBudget(started, wait, policy)) {
            await this.retryAfter(call, wait, `answered ${info.status}`, spec.signal);
            continue;
          }
        }
      }
      throw rules.toError(call, info, parsed);
    }
  }

  private async pace(call: CallInfo, ms: number, policy: RetryPolicy, signal?: AbortSignal): Promise<void> {
    if (ms <= 0) return;
    if (ms > policy.maxQueueMs) {
      throw new RateLimitError({
        ...baseInit(call, null),
        messages: [
          `the daily call budget is nearly spent; the next call may go in ${Math.ceil(ms / 1000)} s`,
        ],
        retryAfterMs: ms,
      });
    }
    this.logger?.debug(
      { api: call.api, operation: call.operation, waitMs: ms },
      'http pacing for daily budget',
    );
    await this.wait(call, ms, signal);
  }

  private async acquire(
    call: CallInfo,
    keyId: string,
    rules: VendorRules,
    timeoutMs: number,
    policy: RetryPolicy,
    signal?: AbortSignal,
  ): Promise<Lease> {
    const limit = rules.rateLimit as { requests: number; windowMs: number };
    try {
      return await this.limiter.acquire(keyId, {
        limit: limit.requests,
        windowMs: limit.windowMs,
        leaseMs: timeoutMs + 1_000,
        signal,
        maxWaitMs: policy.maxQueueMs,
      });
    } catch (e) {
      if (e instanceof LimiterWaitTimeoutError) {
        throw new RateLimitError({
          ...baseInit(call, null),
          messages: [`waited ${e.waitedMs} ms for a rate-limit slot on ${keyId} without getting one`],
          cause: e,
        });
      }
      if (signal?.aborted)
        throw new AbortedError({ ...baseInit(call, null), messages: ['aborted by the caller'] });
      if (e instanceof AppError) throw e;
      throw new StoreError(
        'rate_limiter_unavailable',
        `${call.operation}: the rate limiter failed: ${errorMessage(e)}`,
        {
          hint: 'Check the database connection; the shared rate limiter keeps its state there (table http_rate_limits).',
          cause: e,
        },
      );
    }
  }

  private async send(url: URL, init: RequestInit, timeoutMs: number, signal?: AbortSignal): Promise<Attempt> {
    if (signal?.aborted) return { kind: 'failed', reason: 'aborted', cause: signal.reason };
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onAbort = () => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const res = await this.fetchImpl(url, { ...init, signal: controller.signal });
      const text = await res.text();
      return { kind: 'answered', info: toInfo(res, text) };
    } catch (cause) {
      if (timedOut) return { kind: 'failed', reason: 'timeout', cause };
      if (signal?.aborted) return { kind: 'failed', reason: 'aborted', cause };
      return { kind: 'failed', reason: 'network', cause };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private failureError(call: CallInfo, attempt: Attempt & { kind: 'failed' }, timeoutMs: number): ApiError {
    const init = baseInit(call, null);
    if (attempt.reason === 'timeout') {
      return new TimeoutError({
        ...init,
        messages: [`no answer within ${timeoutMs} ms`],
        timeoutMs,
        outcomeUnknown: !call.safe,
      });
    }
    if (attempt.reason === 'aborted')
      return new AbortedError({ ...init, messages: ['aborted by the caller'] });
    const code = causeCode(attempt.cause);
    return new NetworkError({
      ...init,
      messages: [`connection failed${code ? ` (${code})` : ''}: ${errorMessage(attempt.cause)}`],
      outcomeUnknown: code !== 'ECONNREFUSED' && code !== 'ENOTFOUND',
      cause: attempt.cause,
    });
  }

  private parseBody<T>(spec: RequestSpec<T>, call: CallInfo, info: ResponseInfo): T {
    const raw = info.json === undefined ? null : info.json;
    if (!spec.parse) return raw as T;
    try {
      return spec.parse(raw);
    } catch (e) {
      throw new BadResponseError({
        ...baseInit(call, info.status),
        messages: [`the response body does not have the expected shape: ${errorMessage(e)}`],
        cause: e,
      });
    }
  }

  private withinBudget(started: number, wait: number, policy: RetryPolicy): boolean {
    return this.clock.now() + wait - started <= policy.maxElapsedMs;
  }

  private async retryAfter(
    call: CallInfo,
    waitMs: number,
    reason: string,
    signal?: AbortSignal,
  ): Promise<void> {
    this.counter.recordRetry(call.api);
    this.logger?.warn(
      {
        api: call.api,
        operation: call.operation,
        method: call.method,
        path: call.path,
        attempt: call.attempts,
        waitMs,
        reason,
      },
      'http retry',
    );
    await this.wait(call, waitMs, signal);
  }

  private async wait(call: CallInfo, ms: number, signal?: AbortSignal): Promise<void> {
    try {
      await this.clock.sleep(ms, signal);
    } catch {
      throw new AbortedError({ ...baseInit(call, null), messages: ['aborted by the caller'] });
    }
  }

  private record(call: CallInfo, result: CallResult, ms: number, lease: Lease | undefined): void {
    this.counter.record(call.api, call.operation, result);
    this.logger?.debug(
      {
        api: call.api,
        operation: call.operation,
        method: call.method,
        path: call.path,
        status: result,
        ms,
        attempt: call.attempts,
        ...(lease && lease.waitedMs > 0 ? { queuedMs: lease.waitedMs } : {}),
      },
      'http call',
    );
  }
}

function baseInit(call: CallInfo, status: number | null): ApiErrorInit {
  return {
    api: call.api,
    operation: call.operation,
    method: call.method,
    path: call.path,
    status,
    messages: [],
    attempts: call.attempts,
  };
}

function initOf(e: ApiError): ApiErrorInit {
  return {
    api: e.api,
    operation: e.operation,
    method: e.method,
    path: e.path,
    status: e.status,
    messages: e.messages,
    vendorCode: e.vendorCode,
    traceId: e.traceId,
    attempts: e.attempts,
  };
}

/** The full URL of a call, query included. */
export function buildUrl(spec: Pick<RequestSpec, 'url' | 'baseUrl' | 'path' | 'query' | 'operation'>): URL {
  let url: URL;
  try {
    if (spec.url !== undefined) url = new URL(spec.url);
    else if (spec.baseUrl !== undefined) {
      const base = spec.baseUrl.replace(/\/+$/, '');
      const path = spec.path === undefined || spec.path === '' ? '' : `/${spec.path.replace(/^\/+/, '')}`;
      url = new URL(base + path);
    } else throw new TypeError('neither url nor baseUrl given');
  } catch (e) {
    throw new InputError(
      spec.operation,
      `cannot build the request URL: ${errorMessage(e)}`,
      'give an absolute `url`, or `baseUrl` (http(s)://…) and `path`',
    );
  }
  for (const [name, value] of Object.entries(spec.query ?? {})) appendQuery(url, name, value);
  return url;
}

function appendQuery(url: URL, name: string, value: QueryValue): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) {
    for (const v of value) url.searchParams.append(name, String(v));
    return;
  }
  url.searchParams.append(name, String(value));
}

function buildInit(spec: RequestSpec<unknown>, ruleHeaders: Record<string, string>): RequestInit {
  const headers = new Headers(ruleHeaders);
  let body: string | undefined;
  if (spec.form !== undefined) {
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(spec.form)) if (v !== undefined) form.append(k, String(v));
    body = form.toString();
    headers.set('content-type', 'application/x-www-form-urlencoded');
  } else if (spec.body !== undefined) {
    body = JSON.stringify(spec.body);
    headers.set('content-type', 'application/json');
  }
  for (const [k, v] of Object.entries(spec.headers ?? {})) {
    headers.set(k, v);
    // Defence in depth: a vendor echoing a credential in an error body gets it masked.
    if (isSecretName(k)) {
      registerSecret(v);
      registerSecret(v.replace(/^(Bearer|Basic)\s+/i, ''));
    }
  }
  return { method: spec.method, headers, ...(body === undefined ? {} : { body }) };
}

function toInfo(res: Response, text: string): ResponseInfo {
  const headers: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    headers[name.toLowerCase()] = value;
  });
  let json: unknown;
  let notJson = false;
  if (text.trim() !== '') {
    try {
      json = JSON.parse(text);
    } catch {
      notJson = true;
    }
  }
  return { status: res.status, headers, text, json, notJson, contentType: headers['content-type'] ?? '' };
}

function causeCode(e: unknown): string | undefined {
  let current: unknown = e;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as Error & { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    current = current.cause;
  }
  return undefined;
}
