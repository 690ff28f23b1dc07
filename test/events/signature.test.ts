import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newSubscriptionSecret, signatureHeader, verifySignatureHeader } from '../../src/events/signature.js';
import { loadDocsVerifier } from './snippet.js';

describe('event signatures', () => {
  const secret = 'whsec_test_secret_value';
  const body = '{"id":"evt_1","type":"record.synced","data":{}}';

  it('is t=<seconds>,v1=<hex HMAC-SHA256 of "t.body">, computed here independently', () => {
    const header = signatureHeader(secret, 1_764_300_000, body);
    const expected = createHmac('sha256', secret).update(`1764300000.${body}`).digest('hex');
    expect(header).toBe(`t=1764300000,v1=${expected}`);
  });

  it('the docs snippet accepts a fresh signature and refuses tampering, a wrong secret and old timestamps', async () => {
    const verify = await loadDocsVerifier();
    const now = Math.floor(Date.now() / 1000);
    const header = signatureHeader(secret, now, body);
    expect(verify(secret, header, body)).toBe(true);
    expect(verify(secret, header, `${body} `)).toBe(false);
    expect(verify('whsec_other', header, body)).toBe(false);
    expect(verify(secret, signatureHeader(secret, now - 600, body), body)).toBe(false);
    expect(verify(secret, signatureHeader(secret, now - 600, body), body, 900)).toBe(true);
    expect(verify(secret, 'garbage', body)).toBe(false);
    expect(verify(secret, `t=${now},v1=abc`, body)).toBe(false);
    // The product's own checker agrees.
    expect(verifySignatureHeader(secret, header, body)).toBe(true);
    expect(verifySignatureHeader(secret, header, `${body}x`)).toBe(false);
  });

  it('secrets are random and recognisable', () => {
    const a = newSubscriptionSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{32}$/);
    expect(newSubscriptionSecret()).not.toBe(a);
  });
});
