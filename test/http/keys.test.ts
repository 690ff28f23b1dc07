import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { rateKeyId } from '../../src/http/keys.js';

describe('rateKeyId', () => {
  it('is the api name and a SHA-256 prefix, never the key itself', () => {
    const key = 'cin7-application-key-0123456789';
    const expected = createHash('sha256').update(`cin7\u0000${key}`).digest('hex').slice(0, 24);
    expect(rateKeyId('cin7', key)).toBe(`cin7:${expected}`);
    expect(rateKeyId('cin7', key)).not.toContain(key);
  });
  it('separates APIs and keys', () => {
    expect(rateKeyId('ghl', 'k')).not.toBe(rateKeyId('cin7', 'k'));
    expect(rateKeyId('ghl', 'a')).not.toBe(rateKeyId('ghl', 'b'));
  });
});
