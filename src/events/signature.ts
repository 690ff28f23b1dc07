/**
 * Signing of outbound events: `X-Cin7Ghl-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "<t>.<raw body>" under the subscription secret>`. The timestamp lets a receiver refuse replays;
 * docs/events.md has the receiver's side (the tests run that very snippet).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-cin7ghl-signature';
export const EVENT_HEADER = 'x-cin7ghl-event';
export const DELIVERY_HEADER = 'x-cin7ghl-delivery';

/** A new subscription secret. */
export function newSubscriptionSecret(): string {
  return `whsec_${randomBytes(24).toString('base64url')}`;
}

/**
 * The signature header value for `body` sent at `timestamp` (unix seconds).
 *
 * @example
 * signatureHeader('whsec_…', Math.floor(Date.now() / 1000), '{"id":"evt_1"}') // 't=1700000000,v1=5f…'
 */
export function signatureHeader(secret: string, timestamp: number, body: string): string {
  const v1 = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${v1}`;
}

/** Checks a signature header (what a receiver does); false when wrong or older than `toleranceSeconds`. */
export function verifySignatureHeader(
  secret: string,
  header: string,
  body: string,
  options: { toleranceSeconds?: number; nowSeconds?: number } = {},
): boolean {
  const parts = Object.fromEntries(header.split(',').map((p) => p.trim().split('=', 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || typeof parts.v1 !== 'string') return false;
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - t) > (options.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(`${t}.${body}`).digest('hex'));
  const given = Buffer.from(parts.v1);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
