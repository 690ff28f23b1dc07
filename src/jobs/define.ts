import type { ZodType } from 'zod';
import { InputError } from '../errors/index.js';

/** What a job kind is: its name, payload schema and retry/expiry policy. */
export interface JobDefinition<P> {
  /** Queue name: letters, digits, `_`, `-`, `.`; e.g. `sync.cin7-to-ghl`. */
  name: string;
  /** Validates the payload on send and again on receive. Must describe a JSON object. */
  schema: ZodType<P>;
  /** Retries after the first attempt; then the job goes to the kind's dead-letter queue. */
  retryLimit: number;
  /** Base of the exponential backoff (attempt n waits about base × 2^n, with jitter); 0 = retry at once. */
  retryDelaySeconds: number;
  /** Upper bound of one backoff wait (default 1 hour). */
  retryDelayMaxSeconds?: number;
  /**
   * How long one attempt may run. A job still active after this (its process was killed, or it
   * hangs) is failed and retried. Short for small jobs (seconds), long for long ones.
   */
  expireInSeconds: number;
  /**
   * Deduplication key. When set, the kind's queue keeps at most one queued and one running job per
   * key: a send while one is queued returns null, and two copies never run at once.
   */
  singletonKey?: (payload: P) => string;
  /** How long completed jobs are kept (default 1 day). */
  deleteAfterSeconds?: number;
}

/** A defined job kind, passed to `JobQueue.send`, `work`, `schedule`. */
export interface JobKind<P> extends Readonly<JobDefinition<P>> {
  /** The kind's dead-letter queue: jobs that failed after their last retry, with their error. */
  readonly deadLetterName: string;
  /** pg-boss queue policy: `stately` with a singleton key, else `standard`. */
  readonly policy: 'standard' | 'stately';
}

/** The queue settings of any kind, whatever its payload type (for lists of kinds). */
export type JobKindSettings = Pick<
  JobKind<unknown>,
  | 'name'
  | 'deadLetterName'
  | 'policy'
  | 'retryLimit'
  | 'retryDelaySeconds'
  | 'retryDelayMaxSeconds'
  | 'expireInSeconds'
  | 'deleteAfterSeconds'
>;

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,80}$/;

/**
 * Declares a job kind (checked here, so a mistake fails at import time, not at the first send).
 *
 * @example
 * export const syncCustomer = defineJob({
 *   name: 'sync.customer',
 *   schema: z.object({ customerId: z.string() }),
 *   retryLimit: 5, retryDelaySeconds: 10, expireInSeconds: 60,
 *   singletonKey: (p) => p.customerId,
 * });
 */
export function defineJob<P>(definition: JobDefinition<P>): JobKind<P> {
  const where = `defineJob(${JSON.stringify(definition.name)})`;
  if (!NAME.test(definition.name) || definition.name.endsWith('.dead')) {
    throw new InputError(
      where,
      'invalid job name',
      'use letters, digits, "_", "-", "." (up to 80 characters), not ending in ".dead"',
    );
  }
  checkInt(where, 'retryLimit', definition.retryLimit, 0, 1000);
  checkInt(where, 'retryDelaySeconds', definition.retryDelaySeconds, 0, 86_400);
  checkInt(where, 'expireInSeconds', definition.expireInSeconds, 1, 86_400);
  if (definition.retryDelayMaxSeconds !== undefined)
    checkInt(where, 'retryDelayMaxSeconds', definition.retryDelayMaxSeconds, 1, 86_400);
  if (definition.deleteAfterSeconds !== undefined)
    checkInt(where, 'deleteAfterSeconds', definition.deleteAfterSeconds, 1, 90 * 86_400);
  return Object.freeze({
    ...definition,
    deadLetterName: `${definition.name}.dead`,
    policy: definition.singletonKey ? 'stately' : 'standard',
  });
}

function checkInt(where: string, key: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InputError(where, `${key} is ${value}`, `use a whole number from ${min} to ${max}`);
  }
}
