import type { ApiError, ApiName } from './errors.js';
import type { LimiterFeedback } from './rate-limit/types.js';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type QueryValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | ReadonlyArray<string | number | boolean>;

/** One outbound call, as a vendor client describes it to `HttpClient.request`. */
export interface RequestSpec<T = unknown> {
  /** Selects the vendor rules: `ghl`, `cin7`, or a name registered by a test. */
  api: ApiName;
  /** Catalog name, e.g. `ghl.contacts.get`; counted, logged and put in errors. */
  operation: string;
  method: HttpMethod;
  /** Absolute URL; or give `baseUrl` + `path`. */
  url?: string;
  baseUrl?: string;
  /** Appended to `baseUrl` (one slash between them). */
  path?: string;
  /** Added to the URL; `undefined`/`null` values are left out, arrays repeat the name. */
  query?: Record<string, QueryValue>;
  /** Extra headers (auth headers come from the vendor client). Never logged. */
  headers?: Record<string, string>;
  /** JSON body. */
  body?: unknown;
  /** `application/x-www-form-urlencoded` body (OAuth token calls). */
  form?: Record<string, string | number | boolean | undefined>;
  /** Marks a POST/PATCH as safe to repeat after an error (GET, HEAD, PUT and DELETE always are). */
  idempotent?: boolean;
  /**
   * The rate-limit bucket: GHL location id, Cin7 application key. Hashed before use, never stored
   * or logged in clear. Without it the call is not rate limited (e.g. OAuth token calls).
   */
  rateKey?: string;
  /** Per-attempt timeout; default from the vendor rules (config `*.timeoutMs`), else 30 s. */
  timeoutMs?: number;
  /** Aborts the call, including waits for the limiter and between retries. */
  signal?: AbortSignal;
  /** The scope the operation needs (from the catalog), named in a `ScopeError`. */
  scope?: string;
  /** Validates and narrows the parsed body; a throw becomes a `BadResponseError`. */
  parse?: (body: unknown) => T;
  /** Overrides the retry policy for this call. */
  retry?: Partial<RetryPolicy>;
}

/** A successful answer. */
export interface HttpResponse<T> {
  status: number;
  /** Response headers, names in lower case. */
  headers: Record<string, string>;
  /** The parsed JSON body (through `spec.parse` when given); `null` for an empty body. */
  body: T;
  /** The raw body text. */
  text: string;
  /** Attempts made, 1 when the first one succeeded. */
  attempts: number;
  /** Wall time of the whole call, retries and waits included. */
  durationMs: number;
}

/** How retries are bounded. Every field has a default; vendor rules and calls may override. */
export interface RetryPolicy {
  /** Attempts for errors (5xx, network, timeout), the first included. Default 4. */
  maxAttempts: number;
  /** Re-sends after rate-limit answers (429, Cin7 503), on top of `maxAttempts`. Default 8. */
  maxRateLimitRetries: number;
  /** First backoff cap; it doubles per retry up to `maxDelayMs` (full jitter: a random wait below the cap). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** No retry is scheduled that would end later than this after the first attempt. Default 120 s. */
  maxElapsedMs: number;
  /** A `Retry-After` (or rate-limit wait) longer than this fails the call instead. Default 120 s. */
  maxRetryAfterMs: number;
  /** Longest wait for a rate-limiter slot, per attempt. Default 10 min. */
  maxQueueMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 4,
  maxRateLimitRetries: 8,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  maxElapsedMs: 120_000,
  maxRetryAfterMs: 120_000,
  maxQueueMs: 600_000,
};

/** Requests allowed per window: the shape of config `ghl.rateLimit` / `cin7.rateLimit`. */
export interface RateLimitSpec {
  requests: number;
  windowMs: number;
}

/** An answer as the vendor rules see it. */
export interface ResponseInfo {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  text: string;
  /** The parsed body; `undefined` when empty or not JSON. */
  json: unknown;
  /** True when the body is not empty and does not parse as JSON. */
  notJson: boolean;
  contentType: string;
}

/** The call a response or error belongs to. */
export interface CallInfo {
  api: ApiName;
  operation: string;
  method: HttpMethod;
  /** URL path without the query. */
  path: string;
  scope: string | undefined;
  /** Attempts made so far, this one included. */
  attempts: number;
  /** Whether the request may be repeated after an error. */
  safe: boolean;
}

/**
 * What an answer means:
 * - `ok`: success;
 * - `rate_limited`: not processed because of the rate limit; re-sent after the wait whatever the method;
 * - `retryable`: a transient failure; re-sent only when the request is safe to repeat;
 * - `fatal`: fails the call at once.
 */
export type Outcome = 'ok' | 'rate_limited' | 'retryable' | 'fatal';

/** An error body, reduced to what the typed error needs. */
export interface ParsedErrorBody {
  messages: string[];
  vendorCode?: string | undefined;
  traceId?: string | undefined;
}

/**
 * How one vendor's API behaves, plugged into the one HTTP layer. Build one with `defineRules`,
 * which fills every hook you leave out with the generic behaviour.
 */
export interface VendorRules {
  readonly api: ApiName;
  /** The proactive limit per `rateKey`; absent means no limiting. */
  readonly rateLimit: RateLimitSpec | undefined;
  /** Default per-attempt timeout. */
  readonly timeoutMs: number | undefined;
  readonly retry: Partial<RetryPolicy> | undefined;
  /** Headers added to every call (not auth: the vendor clients add that). */
  headers(call: CallInfo): Record<string, string>;
  classify(res: ResponseInfo): Outcome;
  /**
   * How long a rate-limit answer says to wait, in ms, when it has no `Retry-After` (which the
   * client always honours first): e.g. GHL's interval header, or Cin7's window. `undefined`: backoff.
   */
  rateLimitWaitMs(res: ResponseInfo): number | undefined;
  parseError(res: ResponseInfo): ParsedErrorBody;
  /** The typed error for a failed answer. */
  toError(call: CallInfo, res: ResponseInfo, parsed: ParsedErrorBody): ApiError;
  /** Checks a success answer (e.g. JSON expected); an error fails (or, if retryable and safe, retries) the call. */
  validateSuccess(call: CallInfo, res: ResponseInfo): ApiError | null;
  /** What the answer's headers tell the limiter (remaining calls, window). */
  limiterFeedback(res: ResponseInfo): LimiterFeedback | undefined;
  /** Sees every answer for a rate-limited call (e.g. to track a daily budget). `keyId` is the hashed key. */
  observe(keyId: string, res: ResponseInfo): void;
  /** Extra wait before sending on this key (e.g. a daily budget running out); 0 for none. */
  paceMs(keyId: string): number;
}
