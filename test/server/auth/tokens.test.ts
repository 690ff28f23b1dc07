import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MissingRecordError } from '../../../src/errors/index.js';
import { redactText } from '../../../src/log/redact.js';
import {
  TOKEN_PREFIX,
  createApiToken,
  listApiTokens,
  revokeApiToken,
  verifyApiToken,
} from '../../../src/server/auth/tokens.js';
import { sha256Hex } from '../../../src/server/auth/secrets.js';
import { type TestStore, openTestStore } from '../../helpers/store.js';

describe('API tokens', () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore({ backend: 'pglite' });
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('creates a token shown once: only its SHA-256 is stored, and the value is redacted from logs', async () => {
    const { token, info } = await createApiToken(t.store.db, 'zapier');
    expect(token.startsWith(TOKEN_PREFIX)).toBe(true);
    expect(token.length).toBeGreaterThan(40);
    expect(info).toMatchObject({ name: 'zapier', kind: 'api', lastUsedAt: null, revokedAt: null });
    const row = await t.store.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('id', '=', info.id)
      .executeTakeFirstOrThrow();
    expect(row.token_hash).toBe(sha256Hex(token));
    expect(JSON.stringify(row)).not.toContain(token.slice(TOKEN_PREFIX.length));
    expect(redactText(`Bearer ${token}`)).toBe('Bearer [redacted]');
  });

  it('verifies a live token (noting its use), refuses unknown, malformed and revoked ones', async () => {
    const { token, info } = await createApiToken(t.store.db, 'script');
    const ok = await verifyApiToken(t.store.db, token);
    expect(ok?.id).toBe(info.id);
    const used = await t.store.db
      .selectFrom('api_tokens')
      .select('last_used_at')
      .where('id', '=', info.id)
      .executeTakeFirstOrThrow();
    expect(used.last_used_at).toBeInstanceOf(Date);
    expect(await verifyApiToken(t.store.db, `${token}x`)).toBeNull();
    expect(await verifyApiToken(t.store.db, 'not-a-token')).toBeNull();
    const revoked = await revokeApiToken(t.store.db, info.id);
    expect(revoked.revokedAt).toBeInstanceOf(Date);
    expect(await verifyApiToken(t.store.db, token)).toBeNull();
    // Revoking twice keeps the first time.
    expect((await revokeApiToken(t.store.db, info.id)).revokedAt?.getTime()).toBe(
      revoked.revokedAt?.getTime(),
    );
  });

  it('lists tokens (revoked too, or only active), refuses a bad name and an unknown id', async () => {
    const all = await listApiTokens(t.store.db);
    expect(all.map((x) => x.name).sort()).toEqual(['script', 'zapier']);
    expect((await listApiTokens(t.store.db, { activeOnly: true })).map((x) => x.name)).toEqual(['zapier']);
    await expect(createApiToken(t.store.db, '   ')).rejects.toThrow(
      /token name: must be 1 to 100 characters/,
    );
    await expect(revokeApiToken(t.store.db, 'tok_nope')).rejects.toBeInstanceOf(MissingRecordError);
  });
});
