import { AuthError, NotFoundError, ValidationError } from '../http/errors.js';
import { badBody, defineRules, errorForStatus, errorInit, isRecord, textExcerpt } from '../http/rules.js';
import type {
  Outcome,
  ParsedErrorBody,
  RateLimitSpec,
  ResponseInfo,
  RetryPolicy,
  VendorRules,
} from '../http/types.js';

export interface Cin7HttpRulesOptions {
  /** Config `cin7.rateLimit`: 60 calls per 60 s per application key (scaled down in tests). */
  rateLimit: RateLimitSpec;
  /** Config `cin7.timeoutMs`. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
}

/**
 * Cin7 Core's behaviour for the HTTP layer: 60 calls / 60 s keyed by the application key; 429 and
 * 503 both mean "rate limited, not processed", waited out (for `Retry-After` if ever sent, else one
 * window) and re-sent whatever the method, with a time bound of ten windows; a success body must
 * be JSON (Cin7 can answer 200 with an HTML "Page not found"), else `BadResponseError`; error bodies
 * read as `{ErrorCode, Exception}` or an array of them; 401/403 → `AuthError`, 404 →
 * `NotFoundError`, 400 → `ValidationError`. The `api-auth-*` headers come from the Cin7 client.
 *
 * @example
 * const http = new HttpClient({ rules: [cin7HttpRules({ rateLimit: config.cin7.rateLimit, timeoutMs: config.cin7.timeoutMs })] });
 */
export function cin7HttpRules(options: Cin7HttpRulesOptions): VendorRules {
  const windowMs = options.rateLimit.windowMs;
  return defineRules(
    {
      api: 'cin7',
      rateLimit: options.rateLimit,
      timeoutMs: options.timeoutMs,
      retry: {
        maxElapsedMs: Math.max(120_000, 10 * windowMs),
        maxRetryAfterMs: Math.max(120_000, 2 * windowMs),
        ...options.retry,
      },
    },
    {
      headers: () => ({ accept: 'application/json' }),
      classify: classifyCin7,
      rateLimitWaitMs: () => windowMs,
      parseError: parseCin7Error,
      toError: (call, res, parsed) => {
        const init = errorInit(call, res, parsed);
        if (res.status === 401 || res.status === 403) return new AuthError(init);
        if (res.status === 404) return new NotFoundError(init);
        if (res.status === 400) return new ValidationError(init);
        return errorForStatus(init);
      },
      validateSuccess: (call, res) => {
        if (res.status === 204) return null;
        if (res.notJson || res.text.trim() === '') return badBody(call, res);
        return null;
      },
    },
  );
}

/** 429 and 503 are Cin7's two rate-limit answers; 408/500/502/504 are transient. */
export function classifyCin7(res: ResponseInfo): Outcome {
  if (res.status < 400) return 'ok';
  if (res.status === 429 || res.status === 503) return 'rate_limited';
  if (res.status === 408 || res.status === 500 || res.status === 502 || res.status === 504)
    return 'retryable';
  return 'fatal';
}

/** `{ErrorCode, Exception}`, an array of them, or `{Errors: [...]}`; HTML and text as an excerpt. */
export function parseCin7Error(res: ResponseInfo): ParsedErrorBody {
  const body = res.json;
  const items: unknown[] = Array.isArray(body)
    ? body
    : isRecord(body) && Array.isArray(body.Errors)
      ? body.Errors
      : isRecord(body)
        ? [body]
        : [];
  const messages: string[] = [];
  let vendorCode: string | undefined;
  for (const item of items) {
    if (typeof item === 'string') {
      messages.push(item);
      continue;
    }
    if (!isRecord(item)) continue;
    const text = item.Exception ?? item.Message ?? item.message;
    if (typeof text === 'string' && text.trim() !== '') messages.push(text);
    const code = item.ErrorCode;
    if (vendorCode === undefined && (typeof code === 'number' || typeof code === 'string'))
      vendorCode = String(code);
  }
  if (messages.length === 0) {
    const excerpt = textExcerpt(res.text);
    if (excerpt) messages.push(excerpt);
  }
  return { messages, vendorCode };
}
