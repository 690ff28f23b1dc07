import { AppError } from '../errors/index.js';
import { redactText } from '../log/redact.js';

/** `ghl`, `cin7`, or any name a test or a future vendor registers rules under. */
export type ApiName = 'ghl' | 'cin7' | (string & {});

/** What every vendor call error knows about the call that failed. */
export interface ApiErrorInit {
  api: ApiName;
  /** Catalog name of the operation, e.g. `ghl.contacts.get`. */
  operation: string;
  method: string;
  /** The URL path only: never the query string, which may carry secrets. */
  path: string;
  /** HTTP status, or null when no answer came back (network error, timeout). */
  status: number | null;
  /** The vendor's messages, in order (GHL's 422 sends several). */
  messages: string[];
  /** The vendor's own error code (GHL `error`, Cin7 `ErrorCode`), when it sent one. */
  vendorCode?: string | undefined;
  /** The vendor's trace id (GHL `traceId`), for support tickets. */
  traceId?: string | undefined;
  /** Overrides the class default. */
  retryable?: boolean;
  /** True when the request may have been applied although it failed (a write that got a 5xx or no answer). */
  outcomeUnknown?: boolean;
  /** How many attempts were made. */
  attempts?: number;
  hint?: string;
  cause?: unknown;
}

/**
 * A vendor call failed. `code` is our stable error code (`api_not_found`, `api_rate_limited`, …);
 * the vendor's code is `vendorCode`. `message` is "what, where" followed by the vendor's messages
 * joined with "; "; `messages` keeps them apart. `retryable` means a later retry may succeed;
 * `outcomeUnknown` means the call may have taken effect, so repeating a non-idempotent write could
 * duplicate it.
 *
 * @example
 * try { await http.request(spec); } catch (e) { if (e instanceof NotFoundError) return null; throw e; }
 */
export class ApiError extends AppError {
  readonly api: ApiName;
  readonly operation: string;
  readonly method: string;
  readonly path: string;
  readonly status: number | null;
  readonly messages: string[];
  readonly vendorCode: string | undefined;
  readonly traceId: string | undefined;
  readonly retryable: boolean;
  readonly outcomeUnknown: boolean;
  readonly attempts: number;

  constructor(init: ApiErrorInit, code = 'api_error', defaults: { retryable?: boolean; hint?: string } = {}) {
    const messages = (init.messages.length > 0 ? init.messages : [defaultText(init.status)]).map((m) =>
      redactText(m),
    );
    const where = `${init.operation} (${init.method} ${init.path})`;
    const outcome = init.status === null ? 'got no answer' : `answered ${init.status}`;
    const hint = init.hint ?? defaults.hint;
    super(code, `${where} ${outcome}: ${messages.join('; ')}`, {
      ...(hint === undefined ? {} : { hint }),
      cause: init.cause,
      details: {
        api: init.api,
        operation: init.operation,
        method: init.method,
        path: init.path,
        status: init.status,
        ...(init.vendorCode === undefined ? {} : { vendorCode: init.vendorCode }),
        ...(init.traceId === undefined ? {} : { traceId: init.traceId }),
      },
    });
    this.api = init.api;
    this.operation = init.operation;
    this.method = init.method;
    this.path = init.path;
    this.status = init.status;
    this.messages = messages;
    this.vendorCode = init.vendorCode;
    this.traceId = init.traceId;
    this.retryable = init.retryable ?? defaults.retryable ?? false;
    this.outcomeUnknown = init.outcomeUnknown ?? false;
    this.attempts = init.attempts ?? 1;
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      messages: this.messages,
      retryable: this.retryable,
      outcomeUnknown: this.outcomeUnknown,
      attempts: this.attempts,
    };
  }
}

/** The credentials were refused (GHL 401 other than a missing scope, Cin7 403). */
export class AuthError extends ApiError {
  constructor(init: ApiErrorInit) {
    super(init, 'api_auth', {
      hint: `Check the ${init.api} credentials; reconnect the account if they were revoked.`,
    });
  }
}

/** The token lacks a scope the operation needs (GHL 401 "The token is not authorized for this scope."). */
export class ScopeError extends ApiError {
  /** The scope the operation needs, when the caller said so (`RequestSpec.scope`). */
  readonly scope: string | undefined;
  constructor(init: ApiErrorInit & { scope?: string | undefined }) {
    super(init, 'api_scope', {
      hint: init.scope
        ? `Reconnect ${init.api} granting the scope "${init.scope}".`
        : `Reconnect ${init.api} granting the scopes this operation needs.`,
    });
    this.scope = init.scope;
    if (init.scope !== undefined && this.details) this.details.scope = init.scope;
  }
}

/** The vendor refused the call for its rate limit, or we gave up waiting for our own limiter. */
export class RateLimitError extends ApiError {
  /** How long the vendor (or the limiter) said to wait, when known. */
  readonly retryAfterMs: number | undefined;
  constructor(init: ApiErrorInit & { retryAfterMs?: number | undefined }) {
    super(init, 'api_rate_limited', {
      retryable: true,
      hint: 'Retry later; the rate limit recovers by itself. Lower the concurrency if this repeats.',
    });
    this.retryAfterMs = init.retryAfterMs;
  }
}

/** The vendor rejected the request's content (400, 422). `messages` lists every problem. */
export class ValidationError extends ApiError {
  constructor(init: ApiErrorInit) {
    super(init, 'api_validation', { hint: 'Fix the fields named in the message and send it again.' });
  }
}

/** The record or endpoint does not exist (404, or a GHL 400 whose message says "not found"). */
export class NotFoundError extends ApiError {
  constructor(init: ApiErrorInit) {
    super(init, 'api_not_found', { hint: 'Check the id; the record may have been deleted.' });
  }
}

/** No answer: connection refused or reset, DNS, TLS. */
export class NetworkError extends ApiError {
  constructor(init: ApiErrorInit, code = 'api_network') {
    super(init, code, {
      retryable: true,
      hint: `Check that ${init.api} is reachable from this machine (base URL, proxy, firewall).`,
    });
  }
}

/** No answer within the request's timeout. */
export class TimeoutError extends NetworkError {
  readonly timeoutMs: number;
  constructor(init: ApiErrorInit & { timeoutMs: number }) {
    super(init, 'api_timeout');
    this.timeoutMs = init.timeoutMs;
  }
}

/** The caller aborted the request through its `signal`. Never retried. */
export class AbortedError extends NetworkError {
  constructor(init: ApiErrorInit) {
    super({ ...init, retryable: false }, 'api_aborted');
  }
}

/** The answer could not be used: HTML or non-JSON where JSON was due, or a body failing validation. */
export class BadResponseError extends ApiError {
  constructor(init: ApiErrorInit) {
    super(init, 'api_bad_response', {
      hint: `Check the ${init.api} base URL (a wrong path can answer an HTML page) and try again.`,
    });
  }
}

/**
 * The JSON shape a failed call is reported in (`ops call` stderr, REST answers). A 422's
 * `message` stays an array, as the vendor sent it; otherwise it is one string.
 *
 * @example
 * apiErrorJson(e) // { operation: 'ghl.contacts.create', status: 422, message: ['email must be an email'], traceId: 'abc' }
 */
export function apiErrorJson(e: ApiError): {
  operation: string;
  status: number | null;
  message: string | string[];
  traceId: string | null;
} {
  return {
    operation: e.operation,
    status: e.status,
    message: e.status === 422 ? e.messages : e.messages.join('; '),
    traceId: e.traceId ?? null,
  };
}

/** True when `e` is a vendor call error. */
export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

function defaultText(status: number | null): string {
  if (status === null) return 'no response';
  return `HTTP ${status}`;
}
