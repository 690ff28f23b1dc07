/**
 * The one error family of cin7-ghl-sync. Every error the product raises on purpose is an `AppError`;
 * vendor call failures are `ApiError` subclasses (see `src/http/errors.ts`), which extend it.
 *
 * Each error carries a stable `code`, a message saying what went wrong and where, and a `hint`
 * saying how to fix it. Nothing here may hold a secret: messages are shown in logs, pages and JSON.
 *
 * @example
 * throw new ConfigError('ghl.baseUrl', 'not a URL', 'set it to https://services.leadconnectorhq.com');
 */
export class AppError extends Error {
  readonly code: string;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown> | undefined;
  /** The HTTP status this error means when it ends a request (default: 500 in the server). */
  readonly httpStatus: number | undefined;

  constructor(
    code: string,
    message: string,
    options: { hint?: string; details?: Record<string, unknown>; cause?: unknown; httpStatus?: number } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
    this.details = options.details;
    this.httpStatus = options.httpStatus;
  }

  /** A JSON-safe view for logs, CLI `--json` output and API answers. */
  toJSON(): Record<string, unknown> {
    return {
      error: this.name,
      code: this.code,
      message: this.message,
      ...(this.hint ? { hint: this.hint } : {}),
      ...(this.details ? { details: this.details } : {}),
    };
  }
}

/** A configuration value is missing or wrong. `key` is the dotted path of the setting. */
export class ConfigError extends AppError {
  readonly key: string;
  constructor(key: string, problem: string, fix: string, options: { cause?: unknown } = {}) {
    super('config_invalid', `${key}: ${problem}`, { hint: fix, details: { key }, cause: options.cause });
    this.key = key;
  }
}

/** Several configuration problems found at once; each issue names its key and fix. */
export class ConfigErrors extends AppError {
  readonly issues: ConfigError[];
  constructor(source: string, issues: ConfigError[]) {
    const lines = issues.map((i) => `  - ${i.message}${i.hint ? ` (fix: ${i.hint})` : ''}`);
    super('config_invalid', `Invalid configuration in ${source}:\n${lines.join('\n')}`, {
      hint: 'Fix the keys listed above, then run `cin7-ghl config check`.',
      details: { source, issues: issues.map((i) => ({ key: i.key, message: i.message, hint: i.hint })) },
    });
    this.issues = issues;
  }
}

/** Bad input from a user or a caller (CLI flags, REST bodies, parameters). */
export class InputError extends AppError {
  constructor(where: string, problem: string, fix?: string) {
    super('input_invalid', `${where}: ${problem}`, {
      httpStatus: 400,
      ...(fix === undefined ? {} : { hint: fix }),
    });
  }
}

/** The store could not be opened or used. */
export class StoreError extends AppError {}

/** Another process holds the embedded store. */
export class StoreLockedError extends StoreError {
  readonly pid: number;
  readonly url: string | undefined;
  constructor(dataDir: string, pid: number, url?: string) {
    super(
      'store_locked',
      `The data directory ${dataDir} is in use by process ${pid}${url ? ` (service at ${url})` : ''}.`,
      {
        hint: url
          ? 'The command will go through the running service; if it cannot reach it, stop that process first.'
          : `Stop process ${pid}, or set DATABASE_URL to use PostgreSQL, which many processes can share.`,
        details: { pid, ...(url ? { url } : {}) },
      },
    );
    this.pid = pid;
    this.url = url;
  }
}

/** A secret could not be decrypted or the master key is missing or wrong. */
export class VaultError extends AppError {}

/** A requested record does not exist in our store (not a vendor 404: see `NotFoundError`). */
export class MissingRecordError extends AppError {
  constructor(kind: string, id: string) {
    super('record_missing', `No ${kind} with id ${id}.`, { details: { kind, id }, httpStatus: 404 });
  }
}

/** Webhook refused: the reason is safe to return to the sender. */
export class WebhookRejectedError extends AppError {
  readonly status: number;
  constructor(reason: string, status = 401) {
    super('webhook_rejected', reason, { details: { status }, httpStatus: status });
    this.status = status;
  }
}

/** True when `e` is an error of this family. */
export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

/** A message safe to print for any thrown value. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
