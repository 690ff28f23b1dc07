/**
 * The GHL webhook verifier on raw bytes, with the sandbox's signing keys (never GHL's private keys,
 * which nobody has) and keys generated here for the "wrong key" cases.
 */
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, WebhookRejectedError } from '../../src/errors/index.js';
import {
  GHL_ED25519_PUBLIC_KEY,
  GHL_RSA_PUBLIC_KEY,
  ghlWebhookVerifier,
  ghlWebhookVerifierFromConfig,
} from '../../src/ghl/webhooks.js';
import { signBody, webhookKeys } from '../../sandbox/ghl/webhooks.js';

const keys = webhookKeys();
const verifier = ghlWebhookVerifier({
  ed25519PublicKey: keys.ed25519.publicPem,
  rsaPublicKey: keys.rsa.publicPem,
  toleranceSeconds: 4200,
});

function body(extra: Record<string, unknown> = {}): Buffer {
  return Buffer.from(
    JSON.stringify({
      type: 'ContactCreate',
      locationId: 'loc1',
      id: 'c1',
      email: 'a@example.com',
      timestamp: new Date().toISOString(),
      webhookId: randomUUID(),
      ...extra,
    }),
  );
}

function headers(h: Record<string, string>): Headers {
  return new Headers({ 'content-type': 'application/json', ...h });
}

function rejection(fn: () => unknown): WebhookRejectedError {
  try {
    fn();
  } catch (e) {
    if (e instanceof WebhookRejectedError) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}

describe('GHL webhook verifier', () => {
  it('accepts a valid Ed25519 signature and a valid RSA signature; the dedupe key is the webhookId', () => {
    const raw = body();
    const sig = signBody(raw);
    const id = JSON.parse(raw.toString()).webhookId;
    expect(verifier(raw, headers(sig))).toEqual({ dedupeKey: id });
    expect(verifier(raw, headers({ 'x-ghl-signature': sig['x-ghl-signature'] }))).toEqual({ dedupeKey: id });
    expect(verifier(raw, headers({ 'x-wh-signature': sig['x-wh-signature'] }))).toEqual({ dedupeKey: id });
  });

  it('verifies the raw bytes: the same JSON re-serialised differently does not verify', () => {
    const raw = body();
    const sig = signBody(raw);
    const spaced = Buffer.from(JSON.stringify(JSON.parse(raw.toString()), null, 1));
    const e = rejection(() => verifier(spaced, headers(sig)));
    expect(e.message).toMatch(/tampered/);
  });

  it('refuses a tampered body, naming the signature that failed', () => {
    const raw = body();
    const sig = signBody(raw);
    const tampered = Buffer.from(raw.toString().replace('a@example.com', 'b@example.com'));
    const ed = rejection(() => verifier(tampered, headers(sig)));
    expect(ed.status).toBe(401);
    expect(ed.message).toMatch(/X-GHL-Signature does not verify .* changed after it was signed \(tampered\)/);
    const rsa = rejection(() => verifier(tampered, headers({ 'x-wh-signature': sig['x-wh-signature'] })));
    expect(rsa.message).toMatch(/x-wh-signature does not verify .* \(tampered\)/);
  });

  it('refuses a body signed with another key', () => {
    const raw = body();
    const ed = generateKeyPairSync('ed25519');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const e = rejection(() =>
      verifier(
        raw,
        headers({
          'x-ghl-signature': sign(null, raw, ed.privateKey).toString('base64'),
          'x-wh-signature': sign('sha256', raw, rsa.privateKey).toString('base64'),
        }),
      ),
    );
    expect(e.message).toMatch(/signed with another key/);
    // Only the configured Ed25519 key is wrong: the RSA signature tells which one.
    const mixed = rejection(() =>
      verifier(
        raw,
        headers({
          'x-ghl-signature': sign(null, raw, ed.privateKey).toString('base64'),
          'x-wh-signature': signBody(raw)['x-wh-signature'],
        }),
      ),
    );
    expect(mixed.message).toMatch(/the Ed25519 key is wrong/);
    // GHL's published keys do not verify the sandbox's signatures.
    const published = ghlWebhookVerifier({ toleranceSeconds: 4200 });
    expect(rejection(() => published(raw, headers(signBody(raw)))).message).toMatch(/Invalid signature/);
  });

  it('refuses a stale (or far future) timestamp, outside the tolerance', () => {
    const old = body({ timestamp: new Date(Date.now() - 7_200_000).toISOString() });
    const e = rejection(() => verifier(old, headers(signBody(old))));
    expect(e.message).toMatch(/^Stale timestamp: .* is 7200 s old, outside the tolerance of 4200 s/);
    const future = body({ timestamp: new Date(Date.now() + 5_000_000).toISOString() });
    expect(rejection(() => verifier(future, headers(signBody(future)))).message).toMatch(/in the future/);
    // GHL retries for about 70 minutes: a 69-minute-old delivery is still fine.
    const late = body({ timestamp: new Date(Date.now() - 69 * 60_000).toISOString() });
    expect(verifier(late, headers(signBody(late))).dedupeKey).toBeTruthy();
    // Epoch milliseconds are read too.
    const epoch = body({ timestamp: Date.now() });
    expect(verifier(epoch, headers(signBody(epoch))).dedupeKey).toBeTruthy();
  });

  it('refuses a missing signature, a missing webhookId or timestamp, and a body that is not JSON', () => {
    const raw = body();
    expect(rejection(() => verifier(raw, headers({}))).message).toMatch(/^Missing signature/);
    const noId = body({ webhookId: undefined });
    expect(rejection(() => verifier(noId, headers(signBody(noId)))).message).toMatch(/no webhookId/);
    const noTime = body({ timestamp: undefined });
    expect(rejection(() => verifier(noTime, headers(signBody(noTime)))).message).toMatch(
      /no valid timestamp/,
    );
    const text = Buffer.from('hello');
    expect(rejection(() => verifier(text, headers(signBody(text)))).status).toBe(400);
  });

  it('defaults to GHL published keys; bad configured keys are config errors naming the key', () => {
    expect(() => ghlWebhookVerifier({ toleranceSeconds: 1 })).not.toThrow();
    expect(GHL_ED25519_PUBLIC_KEY).toContain('MCowBQYDK2VwAyEAi2HR1srL4o18O8BRa7gVJY7G7bupbN3H9AwJrHCDiOg=');
    expect(GHL_RSA_PUBLIC_KEY).toContain('T1hhTiaCeIY/OwwwNUY2yvcCAwEAAQ==');
    expect(() => ghlWebhookVerifier({ toleranceSeconds: 1, ed25519PublicKey: 'nope' })).toThrow(ConfigError);
    expect(() => ghlWebhookVerifier({ toleranceSeconds: 1, ed25519PublicKey: keys.rsa.publicPem })).toThrow(
      /ghl.webhook.ed25519PublicKey: is a rsa key, not ed25519/,
    );
    const fromConfig = ghlWebhookVerifierFromConfig({
      ghl: {
        webhook: {
          toleranceSeconds: 60,
          ed25519PublicKey: keys.ed25519.publicPem,
          rsaPublicKey: keys.rsa.publicPem,
        },
      },
    } as Parameters<typeof ghlWebhookVerifierFromConfig>[0]);
    const old = body({ timestamp: new Date(Date.now() - 120_000).toISOString() });
    expect(rejection(() => fromConfig(old, headers(signBody(old)))).message).toMatch(/tolerance of 60 s/);
  });
});
