import {
  type ApiErrorInit,
  type ApiName,
  ApiError,
  AuthError,
  BadResponseError,
  NotFoundError,
  RateLimitError,
  ValidationError,
} from './errors.js';
import type { LimiterFeedback } from './rate-limit/types.js';
import type {
  CallInfo,
  Outcome,
  ParsedErrorBody,
  RateLimitSpec,
  ResponseInfo,
  RetryPolicy,
  VendorRules,
} from './types.js';

/** The hooks of `VendorRules`; any left out get the generic behaviour. */
export type RuleHooks = Partial<
  Pick<
    VendorRules,
    | 'headers'
    | 'classify'
    | 'rateLimitWaitMs'
    | 'parseError'
    | 'toError'
    | 'validateSuccess'
    | 'limiterFeedback'
    | 'observe'
    | 'paceMs'
  >
>;

export interface RulesBase {
  api: ApiName;
  rateLimit?: RateLimitSpec | undefined;
  timeoutMs?: number | undefined;
  retry?: Partial<RetryPolicy> | undefined;
}

/**
 * Builds complete vendor rules from the parts that differ from the generic HTTP behaviour:
 * 2xx ok; 429 rate limited; 408/500/502/503/504 retryable; anything else fatal; JSON expected.
 *
 * @example
 * const rules = defineRules({ api: 'test', rateLimit: { requests: 100, windowMs: 1000 } });
 * const cin7ish = defineRules({ api: 'x' }, { classify: (r) => (r.status === 503 ? 'rate_limited' : genericClassify(r)) });
 */
export function defineRules(base: RulesBase, hooks: RuleHooks = {}): VendorRules {
  return {
    api: base.api,
    rateLimit: base.rateLimit,
    timeoutMs: base.timeoutMs,
    retry: base.retry,
    headers: hooks.headers ?? (() => ({ accept: 'application/json' })),
    classify: hooks.classify ?? genericClassify,
    rateLimitWaitMs: hooks.rateLimitWaitMs ?? (() => undefined),
    parseError: hooks.parseError ?? genericParseError,
    toError: hooks.toError ?? ((call, res, parsed) => errorForStatus(errorInit(call, res, parsed))),
    validateSuccess: hooks.validateSuccess ?? expectJsonOrEmpty,
    limiterFeedback: hooks.limiterFeedback ?? (() => undefined),
    observe: hooks.observe ?? (() => {}),
    paceMs: hooks.paceMs ?? (() => 0),
  };
}

const RETRYABLE_STATUSES = new Set([408, 500, 502, 503, 504]);

/** 2xx/3xx ok, 429 rate limited, 408/500/502/503/504 retryable, the rest fatal. */
export function genericClassify(res: ResponseInfo): Outcome {
  if (res.status < 400) return 'ok';
  if (res.status === 429) return 'rate_limited';
  if (RETRYABLE_STATUSES.has(res.status)) return 'retryable';
  return 'fatal';
}

/**
 * Reads the usual JSON error shapes — `{message: string|string[]}`, `{error}`, `{errors: [...]}`,
 * `{traceId}` — and falls back to a short text excerpt for HTML or plain bodies.
 */
export function genericParseError(res: ResponseInfo): ParsedErrorBody {
  const body = res.json;
  if (isRecord(body)) {
    const messages = [...stringsOf(body.message), ...stringsOf(body.errors)];
    const error = typeof body.error === 'string' ? body.error : undefined;
    if (messages.length === 0 && error) messages.push(error);
    return {
      messages,
      vendorCode:
        error ??
        (typeof body.code === 'string' || typeof body.code === 'number' ? String(body.code) : undefined),
      traceId: typeof body.traceId === 'string' ? body.traceId : undefined,
    };
  }
  const excerpt = textExcerpt(res.text);
  return { messages: excerpt ? [excerpt] : [] };
}

/** The shared fields of a typed error for a failed answer. */
export function errorInit(call: CallInfo, res: ResponseInfo, parsed: ParsedErrorBody): ApiErrorInit {
  return {
    api: call.api,
    operation: call.operation,
    method: call.method,
    path: call.path,
    status: res.status,
    messages: parsed.messages,
    vendorCode: parsed.vendorCode,
    traceId: parsed.traceId,
    attempts: call.attempts,
    outcomeUnknown: res.status >= 500 && call.method !== 'GET' && call.method !== 'HEAD',
  };
}

/**
 * The error class for a status: 401/403 auth, 404 not found, 400/409/422 validation, 429 rate
 * limit, 5xx a retryable `ApiError`, anything else a plain `ApiError`.
 */
export function errorForStatus(init: ApiErrorInit): ApiError {
  const status = init.status ?? 0;
  if (status === 401 || status === 403) return new AuthError(init);
  if (status === 404) return new NotFoundError(init);
  if (status === 400 || status === 409 || status === 422) return new ValidationError(init);
  if (status === 429) return new RateLimitError(init);
  if (status >= 500) return new ApiError(init, 'api_server_error', { retryable: true });
  return new ApiError(init, 'api_request_failed');
}

/**
 * A success answer must be JSON or empty. A body cut short mid-JSON is retryable (the connection
 * broke); anything else — an HTML page, plain text — is not.
 */
export function expectJsonOrEmpty(call: CallInfo, res: ResponseInfo): ApiError | null {
  if (!res.notJson) return null;
  return badBody(call, res);
}

/** The `BadResponseError` for a body that is not the JSON expected. */
export function badBody(call: CallInfo, res: ResponseInfo): BadResponseError {
  const html = looksLikeHtml(res);
  const truncated = !html && /^\s*[[{]/.test(res.text);
  const what = html
    ? 'an HTML page'
    : truncated
      ? 'truncated JSON'
      : res.text.trim() === ''
        ? 'an empty body'
        : 'a body that is not JSON';
  const excerpt = textExcerpt(res.text);
  return new BadResponseError({
    api: call.api,
    operation: call.operation,
    method: call.method,
    path: call.path,
    status: res.status,
    messages: [`expected JSON but got ${what}${excerpt ? `: ${excerpt}` : ''}`],
    attempts: call.attempts,
    retryable: truncated,
  });
}

export function looksLikeHtml(res: ResponseInfo): boolean {
  return /html/i.test(res.contentType) || /^\s*<(!doctype|html|head|body|\?xml)/i.test(res.text);
}

/** A header as a finite number, or undefined. */
export function headerNumber(headers: Record<string, string>, name: string): number | undefined {
  const v = headers[name.toLowerCase()];
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** Standard `X-RateLimit-*`-style feedback from explicitly named headers. */
export function feedbackFromHeaders(
  headers: Record<string, string>,
  names: { remaining: string; limit?: string; windowMs?: string },
): LimiterFeedback | undefined {
  const remaining = headerNumber(headers, names.remaining);
  const limit = names.limit ? headerNumber(headers, names.limit) : undefined;
  const windowMs = names.windowMs ? headerNumber(headers, names.windowMs) : undefined;
  if (remaining === undefined && limit === undefined && windowMs === undefined) return undefined;
  return {
    ...(remaining === undefined ? {} : { remaining: Math.max(0, Math.floor(remaining)) }),
    ...(limit === undefined ? {} : { limit }),
    ...(windowMs === undefined ? {} : { windowMs }),
  };
}

/** At most 200 characters of a body, tags stripped, for an error message. */
export function textExcerpt(text: string): string {
  const plain = text
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return plain.length > 200 ? `${plain.slice(0, 197)}...` : plain;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Strings out of a string, an array of strings, or an array of `{message}` objects. */
export function stringsOf(v: unknown): string[] {
  if (typeof v === 'string') return v.trim() === '' ? [] : [v];
  if (Array.isArray(v)) {
    return v.flatMap((item) => {
      if (typeof item === 'string') return [item];
      if (isRecord(item) && typeof item.message === 'string') return [item.message];
      return [];
    });
  }
  return [];
}
