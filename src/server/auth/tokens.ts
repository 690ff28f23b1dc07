/**
 * Bearer API tokens for machines (no-code platforms, scripts, the local CLI). A token is shown
 * once when created; the store keeps its SHA-256 only. Revoked tokens stay listed.
 */
import { randomBytes } from 'node:crypto';
import { type Kysely, type Selectable, sql } from 'kysely';
import { InputError, MissingRecordError } from '../../errors/index.js';
import { registerSecret } from '../../log/redact.js';
import type { ApiTokensTable, Database } from '../../store/schema.js';
import { randomToken, sha256Hex } from './secrets.js';

/** Every token starts with this, so it is recognisable in a leaked-secret scan. */
export const TOKEN_PREFIX = 'c7g_';

export type ApiTokenKind = 'api' | 'local-admin';

export interface ApiTokenInfo {
  id: string;
  name: string;
  kind: ApiTokenKind;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

function toInfo(row: Selectable<ApiTokensTable>): ApiTokenInfo {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

/**
 * Creates a token; the plain value is returned here and nowhere else.
 *
 * @example
 * const { token, info } = await createApiToken(store.db, 'zapier');
 */
export async function createApiToken(
  db: Kysely<Database>,
  name: string,
  kind: ApiTokenKind = 'api',
): Promise<{ token: string; info: ApiTokenInfo }> {
  const trimmed = name.trim();
  if (trimmed === '' || trimmed.length > 100) {
    throw new InputError(
      'token name',
      'must be 1 to 100 characters',
      'give a name saying who uses it, e.g. "zapier"',
    );
  }
  const token = `${TOKEN_PREFIX}${randomToken(30)}`;
  registerSecret(token);
  const row = await db
    .insertInto('api_tokens')
    .values({
      id: `tok_${randomBytes(6).toString('hex')}`,
      name: trimmed,
      kind,
      token_hash: sha256Hex(token),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { token, info: toInfo(row) };
}

/** Tokens, newest first (revoked ones too unless `activeOnly`). */
export async function listApiTokens(
  db: Kysely<Database>,
  options: { activeOnly?: boolean } = {},
): Promise<ApiTokenInfo[]> {
  let q = db.selectFrom('api_tokens').selectAll();
  if (options.activeOnly) q = q.where('revoked_at', 'is', null);
  const rows = await q.orderBy('created_at', 'desc').orderBy('id').execute();
  return rows.map(toInfo);
}

/**
 * Revokes a token at once (its next request is refused). Revoking twice is harmless.
 *
 * @example
 * await revokeApiToken(store.db, 'tok_1a2b3c4d5e6f');
 */
export async function revokeApiToken(db: Kysely<Database>, id: string): Promise<ApiTokenInfo> {
  const row = await db
    .updateTable('api_tokens')
    .set({ revoked_at: sql<Date>`coalesce(revoked_at, now())` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new MissingRecordError('API token', id);
  return toInfo(row);
}

/** The active token with this value, or null; notes its use (at most once a minute). */
export async function verifyApiToken(db: Kysely<Database>, token: string): Promise<ApiTokenInfo | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
  const row = await db
    .selectFrom('api_tokens')
    .selectAll()
    .where('token_hash', '=', sha256Hex(token))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return null;
  if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > 60_000) {
    await db
      .updateTable('api_tokens')
      .set({ last_used_at: sql<Date>`now()` })
      .where('id', '=', row.id)
      .execute();
  }
  return toInfo(row);
}
