import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/index.js';
import { createLogger } from '../../src/log/logger.js';
import { REDACTED, redactValue, registerSecret } from '../../src/log/redact.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger({ destination, level: 'debug' }) };
}

describe('logger redaction', () => {
  it('masks secret fields by name at any depth, and keeps harmless look-alikes', () => {
    const { lines, logger } = capture();
    logger.info(
      {
        request: { headers: { Authorization: 'Bearer abc', 'api-auth-applicationkey': 'k' } },
        refresh_token: 'r',
        tokenType: 'Bearer',
        expiresAt: 5,
      },
      'call',
    );
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line.request).toEqual({
      headers: { Authorization: REDACTED, 'api-auth-applicationkey': REDACTED },
    });
    expect(line.refresh_token).toBe(REDACTED);
    expect(line.tokenType).toBe('Bearer');
    expect(line.expiresAt).toBe(5);
  });

  it('masks registered secret values wherever they appear, also inside error messages and stacks', () => {
    const secret = 'pit-9f8e7d6c5b4a';
    registerSecret(secret);
    const { lines, logger } = capture();
    logger.error(
      { err: new ConfigError('ghl.token', `bad token ${secret}`, 'fix'), url: `https://x.test/?k=${secret}` },
      `failed with ${secret}`,
    );
    expect(lines.join('')).not.toContain(secret);
    expect(lines.join('')).toContain(REDACTED);
  });

  it('redactValue leaves non-secret data unchanged', () => {
    const value = { name: 'Ada', list: [1, 'two', { email: 'ada@example.com' }] };
    expect(redactValue(value)).toEqual(value);
  });
});
