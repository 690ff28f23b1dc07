import type { RetryPolicy } from './types.js';

/**
 * Exponential backoff with full jitter: a random wait between 0 and
 * `min(maxDelayMs, baseDelayMs · 2^(retry−1))`. Full jitter spreads retries of many callers apart,
 * so they do not hit a recovering server in step.
 *
 * @example
 * backoffDelay(1, policy, () => 0.5) // 125 with baseDelayMs 250
 * backoffDelay(3, policy, () => 0.5) // 500
 */
export function backoffDelay(
  retry: number,
  policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>,
  random: () => number = Math.random,
): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * cap);
}

/**
 * Reads a `Retry-After` header: delta seconds (`"2"`, `"1.5"`) or an HTTP date. Returns ms to wait
 * from `now` (0 for a date in the past), or `undefined` when absent or unreadable.
 *
 * @example
 * parseRetryAfter('2', Date.now()) // 2000
 * parseRetryAfter('Wed, 21 Oct 2026 07:28:00 GMT', Date.parse('Wed, 21 Oct 2026 07:27:58 GMT')) // 2000
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  if (Number.isNaN(at) || !/[a-z]/i.test(text)) return undefined;
  return Math.max(0, at - now);
}
