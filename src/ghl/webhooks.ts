/**
 * GHL webhook verification, over the raw body bytes (never a re-serialised body): the Ed25519
 * `X-GHL-Signature` first, the RSA-SHA256 `x-wh-signature` when it is absent; then the timestamp
 * against a tolerance. Replays are stopped by the `webhookId` the verifier returns as the intake's
 * dedupe key (the inbox keeps one row per key). A rejection throws `WebhookRejectedError` with a
 * reason safe to send back, before anything is stored.
 */
import { type KeyObject, createPublicKey, verify } from 'node:crypto';
import type { Config } from '../config/load.js';
import { ConfigError, WebhookRejectedError, errorMessage } from '../errors/index.js';

/**
 * GHL's Ed25519 webhook key, as quoted from GHL's "Webhook Integration Guide" by several independent
 * sources (NOTES §7: unconfirmed from an official copy; override with `ghl.webhook.ed25519PublicKey`).
 */
export const GHL_ED25519_PUBLIC_KEY = `-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAi2HR1srL4o18O8BRa7gVJY7G7bupbN3H9AwJrHCDiOg=
-----END PUBLIC KEY-----
`;

/** GHL's RSA-4096 key for `x-wh-signature` (docs WebhookAuthentication.md, NOTES §7). */
export const GHL_RSA_PUBLIC_KEY = `-----BEGIN PUBLIC KEY-----
MIICIjANBgkqhkiG9w0BAQEFAAOCAg8AMIICCgKCAgEAokvo/r9tVgcfZ5DysOSC
Frm602qYV0MaAiNnX9O8KxMbiyRKWeL9JpCpVpt4XHIcBOK4u3cLSqJGOLaPuXw6
dO0t6Q/ZVdAV5Phz+ZtzPL16iCGeK9po6D6JHBpbi989mmzMryUnQJezlYJ3DVfB
csedpinheNnyYeFXolrJvcsjDtfAeRx5ByHQmTnSdFUzuAnC9/GepgLT9SM4nCpv
uxmZMxrJt5Rw+VUaQ9B8JSvbMPpez4peKaJPZHBbU3OdeCVx5klVXXZQGNHOs8gF
3kvoV5rTnXV0IknLBXlcKKAQLZcY/Q9rG6Ifi9c+5vqlvHPCUJFT5XUGG5RKgOKU
J062fRtN+rLYZUV+BjafxQauvC8wSWeYja63VSUruvmNj8xkx2zE/Juc+yjLjTXp
IocmaiFeAO6fUtNjDeFVkhf5LNb59vECyrHD2SQIrhgXpO4Q3dVNA5rw576PwTzN
h/AMfHKIjE4xQA1SZuYJmNnmVZLIZBlQAF9Ntd03rfadZ+yDiOXCCs9FkHibELhC
HULgCsnuDJHcrGNd5/Ddm5hxGQ0ASitgHeMZ0kcIOwKDOzOU53lDza6/Y09T7sYJ
PQe7z0cvj7aE4B+Ax1ZoZGPzpJlZtGXCsu9aTEGEnKzmsFqwcSsnw3JB31IGKAyk
T1hhTiaCeIY/OwwwNUY2yvcCAwEAAQ==
-----END PUBLIC KEY-----
`;

/**
 * Inbox rows of the `ghl` source (one per `webhookId`) must be kept at least this long, or a late
 * GHL retry (up to ~70 minutes) or a replay could be accepted twice. Whatever prunes the inbox
 * must respect it.
 */
export const GHL_WEBHOOK_DEDUPE_RETENTION_DAYS = 7;

/** Structurally the intake's `WebhookVerifier` (the server depends on this module, not the reverse). */
export type GhlWebhookVerifier = (raw: Uint8Array, headers: Headers) => { dedupeKey: string };

export interface GhlWebhookVerifierOptions {
  /** PEM; default GHL's published Ed25519 key. */
  ed25519PublicKey?: string | undefined;
  /** PEM; default GHL's published RSA key. */
  rsaPublicKey?: string | undefined;
  /** How far `timestamp` may be from now, in seconds (config `ghl.webhook.toleranceSeconds`, 4200). */
  toleranceSeconds: number;
  now?: () => number;
}

function parseKey(pem: string, expected: 'ed25519' | 'rsa', key: string): KeyObject {
  let k: KeyObject;
  try {
    k = createPublicKey(pem);
  } catch (e) {
    throw new ConfigError(
      key,
      `is not a PEM public key (${errorMessage(e)})`,
      'paste the whole -----BEGIN PUBLIC KEY----- block',
    );
  }
  if (k.asymmetricKeyType !== expected) {
    throw new ConfigError(
      key,
      `is a ${k.asymmetricKeyType ?? 'unknown'} key, not ${expected}`,
      `give the ${expected === 'rsa' ? 'RSA (x-wh-signature)' : 'Ed25519 (X-GHL-Signature)'} public key`,
    );
  }
  return k;
}

function check(algorithm: 'sha256' | null, raw: Uint8Array, key: KeyObject, signature: string): boolean {
  const sig = Buffer.from(signature.trim(), 'base64');
  if (sig.length === 0) return false;
  try {
    return verify(algorithm, raw, key, sig);
  } catch {
    return false;
  }
}

function reject(reason: string, status = 401): never {
  throw new WebhookRejectedError(reason, status);
}

/**
 * A verifier for `webhookIntake`: signature over the raw bytes (Ed25519 first, RSA otherwise),
 * then `webhookId` (the dedupe key) and `timestamp` within the tolerance.
 *
 * @example
 * const verify = ghlWebhookVerifier({ toleranceSeconds: 4200 });
 * app.post('/webhooks/ghl', webhookIntake({ source: 'ghl', store, verify, logger }));
 */
export function ghlWebhookVerifier(options: GhlWebhookVerifierOptions): GhlWebhookVerifier {
  const ed = parseKey(
    options.ed25519PublicKey ?? GHL_ED25519_PUBLIC_KEY,
    'ed25519',
    'ghl.webhook.ed25519PublicKey',
  );
  const rsa = parseKey(options.rsaPublicKey ?? GHL_RSA_PUBLIC_KEY, 'rsa', 'ghl.webhook.rsaPublicKey');
  const toleranceMs = options.toleranceSeconds * 1000;
  const now = options.now ?? Date.now;

  return (raw: Uint8Array, headers: Headers): { dedupeKey: string } => {
    const edSig = headers.get('x-ghl-signature');
    const rsaSig = headers.get('x-wh-signature');
    if (!edSig && !rsaSig) {
      reject(
        'Missing signature: the request has neither an X-GHL-Signature (Ed25519) nor an x-wh-signature (RSA) header; only signed GHL webhooks are accepted.',
      );
    }
    if (edSig) {
      if (!check(null, raw, ed, edSig)) {
        const rsaAgrees = rsaSig ? check('sha256', raw, rsa, rsaSig) : false;
        reject(
          rsaAgrees
            ? 'Invalid signature: X-GHL-Signature does not verify with the configured Ed25519 public key, although x-wh-signature verifies: the Ed25519 key is wrong (check ghl.webhook.ed25519PublicKey).'
            : 'Invalid signature: X-GHL-Signature does not verify with the configured Ed25519 public key: the body was changed after it was signed (tampered), or it was signed with another key (not GHL, or a wrong ghl.webhook.ed25519PublicKey).',
        );
      }
    } else if (rsaSig && !check('sha256', raw, rsa, rsaSig)) {
      reject(
        'Invalid signature: x-wh-signature does not verify with the configured RSA public key: the body was changed after it was signed (tampered), or it was signed with another key (not GHL, or a wrong ghl.webhook.rsaPublicKey).',
      );
    }

    let payload: unknown;
    try {
      payload = JSON.parse(Buffer.from(raw).toString('utf8'));
    } catch {
      reject('The body is not JSON.', 400);
    }
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
      reject('The body is not a JSON object.', 400);
    }
    const p = payload as Record<string, unknown>;
    const webhookId = typeof p.webhookId === 'string' ? p.webhookId.trim() : '';
    if (webhookId === '')
      reject('The payload has no webhookId, so a replay could not be recognised: refused.', 400);
    const at = timestampMs(p.timestamp);
    if (at === null)
      reject('The payload has no valid timestamp, so its age cannot be checked: refused.', 400);
    const age = now() - at;
    if (Math.abs(age) > toleranceMs) {
      const seconds = Math.round(Math.abs(age) / 1000);
      reject(
        `Stale timestamp: ${new Date(at).toISOString()} is ${seconds} s ${age >= 0 ? 'old' : 'in the future'}, outside the tolerance of ${options.toleranceSeconds} s (ghl.webhook.toleranceSeconds): a replay, or a clock far off.`,
      );
    }
    return { dedupeKey: webhookId };
  };
}

/** The verifier for the config's `ghl.webhook` settings. */
export function ghlWebhookVerifierFromConfig(config: Pick<Config, 'ghl'>): GhlWebhookVerifier {
  return ghlWebhookVerifier({
    ed25519PublicKey: config.ghl.webhook.ed25519PublicKey,
    rsaPublicKey: config.ghl.webhook.rsaPublicKey,
    toleranceSeconds: config.ghl.webhook.toleranceSeconds,
  });
}

/** ISO string, or epoch milliseconds (or seconds) as a number or numeric string; null otherwise. */
function timestampMs(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v < 1e11 ? v * 1000 : v;
  if (typeof v !== 'string' || v.trim() === '') return null;
  if (/^\d+(\.\d+)?$/.test(v.trim())) return timestampMs(Number(v));
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : t;
}
