import type { Clock } from '../http/clock.js';
import { DailyBudget, type DailyBudgetOptions, type DailyBudgetView } from '../http/daily-budget.js';
import { AuthError, NotFoundError, ScopeError, ValidationError } from '../http/errors.js';
import { rateKeyId } from '../http/keys.js';
import {
  defineRules,
  errorForStatus,
  errorInit,
  feedbackFromHeaders,
  genericClassify,
  headerNumber,
  isRecord,
  stringsOf,
  textExcerpt,
} from '../http/rules.js';
import type {
  ParsedErrorBody,
  RateLimitSpec,
  ResponseInfo,
  RetryPolicy,
  VendorRules,
} from '../http/types.js';

/** The only `Version` the v2 contacts spec allows. */
export const GHL_API_VERSION = '2021-07-28';

/** GHL's 401 message when the token lacks the operation's scope. */
export const GHL_SCOPE_MESSAGE = 'The token is not authorized for this scope.';

export interface GhlHttpRulesOptions {
  /** Config `ghl.rateLimit`: 100 requests per 10 s per location (scaled down in tests). */
  rateLimit: RateLimitSpec;
  /** Config `ghl.timeoutMs`. */
  timeoutMs?: number;
  /** Config `ghl.dailyLimit`: the daily limit assumed when an answer gives the remaining count only. */
  dailyLimit?: number;
  /** Daily budget pacing (reserve, when to start slowing down). */
  daily?: Omit<DailyBudgetOptions, 'clock'>;
  retry?: Partial<RetryPolicy>;
  clock?: Clock;
}

/** The GHL rules, plus the daily budget per location for planning (reconciliation headroom). */
export interface GhlHttpRules extends VendorRules {
  readonly dailyBudget: DailyBudget;
  /** What is known of a location's daily budget; null until a GHL answer reported it today. */
  budget(locationId: string): DailyBudgetView | null;
}

/**
 * GHL's behaviour for the HTTP layer: `Version` header; the 100 / 10 s per-location limit, fed by
 * `X-RateLimit-Remaining` / `-Max` / `-Interval-Milliseconds`; the daily budget from
 * `X-RateLimit-Daily-Remaining` / `X-RateLimit-Limit-Daily`, paced as it runs out; a 429 waits for
 * `Retry-After` or the window; errors typed: 401 with the scope message → `ScopeError`, other
 * 401 → `AuthError`, 404 or a 400 saying "not found" → `NotFoundError`, other 400 and 422 →
 * `ValidationError` (422's `message` array kept), with the vendor `traceId`.
 *
 * @example
 * const ghl = ghlHttpRules({ rateLimit: config.ghl.rateLimit, timeoutMs: config.ghl.timeoutMs, dailyLimit: config.ghl.dailyLimit });
 * const http = new HttpClient({ rules: [ghl, cin7HttpRules(config.cin7)] });
 * ghl.budget(locationId)?.usable
 */
export function ghlHttpRules(options: GhlHttpRulesOptions): GhlHttpRules {
  const windowMs = options.rateLimit.windowMs;
  const daily = new DailyBudget({ ...options.daily, ...(options.clock ? { clock: options.clock } : {}) });
  const rules = defineRules(
    { api: 'ghl', rateLimit: options.rateLimit, timeoutMs: options.timeoutMs, retry: options.retry },
    {
      headers: () => ({ accept: 'application/json', version: GHL_API_VERSION }),
      classify: genericClassify,
      rateLimitWaitMs: (res) => headerNumber(res.headers, 'x-ratelimit-interval-milliseconds') ?? windowMs,
      parseError: parseGhlError,
      toError: (call, res, parsed) => {
        const init = errorInit(call, res, parsed);
        const text = parsed.messages.join(' ');
        if (res.status === 401) {
          return /not authorized for this scope/i.test(text)
            ? new ScopeError({ ...init, scope: call.scope })
            : new AuthError(init);
        }
        if (res.status === 403) return new AuthError(init);
        if (res.status === 404) return new NotFoundError(init);
        if (res.status === 400)
          return /not found/i.test(text) ? new NotFoundError(init) : new ValidationError(init);
        return errorForStatus(init);
      },
      limiterFeedback: (res) =>
        feedbackFromHeaders(res.headers, {
          remaining: 'x-ratelimit-remaining',
          limit: 'x-ratelimit-max',
          windowMs: 'x-ratelimit-interval-milliseconds',
        }),
      observe: (keyId, res) => {
        const remaining = headerNumber(res.headers, 'x-ratelimit-daily-remaining');
        const limit = headerNumber(res.headers, 'x-ratelimit-limit-daily');
        if (remaining === undefined && limit === undefined) return;
        daily.observe(keyId, { remaining, limit: limit ?? options.dailyLimit });
      },
      paceMs: (keyId) => daily.paceMs(keyId),
    },
  );
  return {
    ...rules,
    dailyBudget: daily,
    budget: (locationId) => daily.view(rateKeyId('ghl', locationId)),
  };
}

/** `{statusCode, message: string | string[], error, traceId}`, or a text excerpt. */
export function parseGhlError(res: ResponseInfo): ParsedErrorBody {
  const headerTrace = res.headers['x-trace-id'] ?? res.headers.traceid;
  const body = res.json;
  if (!isRecord(body)) {
    const excerpt = textExcerpt(res.text);
    return { messages: excerpt ? [excerpt] : [], traceId: headerTrace };
  }
  const messages = stringsOf(body.message);
  const error = typeof body.error === 'string' ? body.error : undefined;
  if (messages.length === 0 && error) messages.push(error);
  return {
    messages,
    vendorCode: error,
    traceId: typeof body.traceId === 'string' ? body.traceId : headerTrace,
  };
}
