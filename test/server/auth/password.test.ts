import { describe, expect, it } from 'vitest';
import { generatePassword, hashPassword, verifyPassword } from '../../../src/server/auth/password.js';

describe('admin password hashing (scrypt)', () => {
  it('verifies the right password and refuses a wrong one; two hashes of one password differ (salt)', async () => {
    const a = await hashPassword('correct horse battery staple');
    const b = await hashPassword('correct horse battery staple');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('correct');
    expect(await verifyPassword('correct horse battery staple', a)).toBe(true);
    expect(await verifyPassword('correct horse battery stapler', a)).toBe(false);
    expect(await verifyPassword('', a)).toBe(false);
  });

  it('refuses malformed hashes instead of throwing', async () => {
    for (const bad of [
      '',
      'plain',
      'scrypt$1$2',
      'bcrypt$32768$8$1$c2FsdA==$a2V5',
      'scrypt$x$8$1$c2FsdA==$a2V5',
    ]) {
      expect(await verifyPassword('anything', bad)).toBe(false);
    }
  });

  it('generates readable passwords without look-alike characters, all different', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const p = generatePassword();
      expect(p).toMatch(/^[a-km-zA-HJ-NP-Z2-9]{5}(-[a-km-zA-HJ-NP-Z2-9]{5}){3}$/);
      expect(p).not.toMatch(/[01lIO]/);
      seen.add(p);
    }
    expect(seen.size).toBe(200);
  });
});
