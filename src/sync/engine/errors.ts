/**
 * How the engine tells a record that fails alone (kept as a failure, the run goes on) from an error
 * that stops the work (credentials, scopes) or only delays it (network, rate limit, 5xx: retried).
 */
import { AppError } from '../../errors/index.js';
import {
  ApiError,
  AuthError,
  BadResponseError,
  NotFoundError,
  ScopeError,
  ValidationError,
} from '../../http/errors.js';
import type { Json } from '../../store/schema.js';
import type { FailureStage, NewFailure } from '../repo/failures.js';

/** One record cannot be synced as it stands; `failure` is what gets stored. */
export class RecordError extends AppError {
  readonly failure: Omit<NewFailure, 'runId'>;
  constructor(failure: Omit<NewFailure, 'runId'>) {
    super(`sync_${failure.code}`, failure.error, {
      details: { stage: failure.stage, code: failure.code },
      // The vendor refused this record as it stands: the request was understood but cannot be applied.
      httpStatus: 422,
    });
    this.failure = failure;
  }
}

/** Another foreground run of the same kind is live. */
export class SyncBusyError extends AppError {
  override readonly httpStatus = 409;
}

/** Nothing to sync with: no connection configured (the message says how to make one). */
export class SyncSetupError extends AppError {
  override readonly httpStatus = 409;
}

/** True for errors that stop a whole run: refused credentials or a missing scope. */
export function isFatal(e: unknown): boolean {
  return e instanceof AuthError || e instanceof ScopeError;
}

/** What a contact is called in messages: its name, else its ids. */
export function contactLabel(record: {
  contactName?: string;
  cin7ContactId: string;
  cin7CustomerId: string;
}): string {
  const name = record.contactName?.trim();
  return name ? `"${name}"` : `contact ${record.cin7ContactId || '(none)'}`;
}

/**
 * The failure to store for an error of a GHL call, or null when the error is not the record's fault
 * (network, timeout, rate limit, 5xx, a bad answer: those are retried).
 */
export function failureFromError(
  e: unknown,
  at: {
    stage: FailureStage;
    cin7CustomerId: string;
    cin7ContactId: string;
    customerName: string;
    contactName: string;
    ghlContactId?: string | null;
    what: string;
    request?: Json | null;
    record?: Json | null;
  },
): Omit<NewFailure, 'runId'> | null {
  if (e instanceof RecordError) return e.failure;
  if (!(e instanceof ApiError) || e instanceof BadResponseError || isFatal(e)) return null;
  const who = `contact "${at.contactName || at.cin7ContactId}" of Cin7 customer "${at.customerName}"`;
  const base = {
    stage: at.stage,
    cin7CustomerId: at.cin7CustomerId,
    cin7ContactId: at.cin7ContactId,
    ghlContactId: at.ghlContactId ?? null,
    request: at.request ?? null,
    record: at.record ?? null,
    details: {
      operation: e.operation,
      status: e.status,
      messages: e.messages,
      ...(e.traceId ? { traceId: e.traceId } : {}),
    },
  };
  if (e instanceof NotFoundError) {
    return {
      ...base,
      code: 'ghl_contact_missing',
      error: `GHL has no contact ${at.ghlContactId ?? ''} any more (${at.what} of ${who} answered ${e.status}: ${e.messages.join('; ')}). It was probably deleted in GHL; the nightly reconciliation unlinks it, or delete the link and sync again.`,
    };
  }
  if (e instanceof ValidationError) {
    return {
      ...base,
      code: 'ghl_rejected',
      error: `GHL refused the ${at.what} of ${who} (${e.status}: ${e.messages.join('; ')}). Fix the value in Cin7, then run \`cin7-ghl failures retry\`.`,
    };
  }
  if (e.status !== null && e.status >= 400 && e.status < 500 && e.status !== 408 && e.status !== 429) {
    return {
      ...base,
      code: 'ghl_refused',
      error: `GHL answered ${e.status} to the ${at.what} of ${who}: ${e.messages.join('; ')}.`,
    };
  }
  return null;
}
