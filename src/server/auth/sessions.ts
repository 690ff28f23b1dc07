/**
 * Dashboard sessions: a random id in an HttpOnly, SameSite=Strict cookie; the store keeps only its
 * SHA-256. The CSRF token of a session is an HMAC of its id, so it needs no storage and cannot be
 * derived without the cookie.
 */
import { sql } from 'kysely';
import type { Store } from '../../store/open.js';
import { hmacBase64Url, randomToken, sha256Hex } from './secrets.js';

export const SESSION_COOKIE = 'cin7ghl_session';

export interface SessionInfo {
  /** The cookie value (never stored). */
  id: string;
  csrfToken: string;
  createdAt: Date;
  expiresAt: Date;
}

/** The CSRF token of a session: send it as `X-CSRF-Token` (fetch) or the `_csrf` form field. */
export function csrfTokenFor(sessionId: string): string {
  return hmacBase64Url(sessionId, 'cin7-ghl csrf v1');
}

/**
 * Starts a session lasting `hours`.
 *
 * @example
 * const s = await createSession(store, { hours: config.server.sessionHours, client: '127.0.0.1' });
 */
export async function createSession(
  store: Store,
  options: { hours: number; client?: string | null; userAgent?: string | null },
): Promise<SessionInfo> {
  const id = randomToken(32);
  const createdAt = new Date();
  const expiresAt = new Date(createdAt.getTime() + options.hours * 3_600_000);
  await store.db
    .insertInto('sessions')
    .values({
      id_hash: sha256Hex(id),
      created_at: createdAt,
      expires_at: expiresAt,
      client: options.client ?? null,
      user_agent: options.userAgent?.slice(0, 200) ?? null,
    })
    .execute();
  return { id, csrfToken: csrfTokenFor(id), createdAt, expiresAt };
}

/** The live session for a cookie value; null when unknown or expired. */
export async function findSession(store: Store, id: string): Promise<SessionInfo | null> {
  if (id.length < 20 || id.length > 100) return null;
  const row = await store.db
    .selectFrom('sessions')
    .select(['created_at', 'expires_at', 'last_seen_at'])
    .where('id_hash', '=', sha256Hex(id))
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
  if (!row) return null;
  // Seen-times are for the operator's information: one write a minute per session is plenty.
  if (Date.now() - row.last_seen_at.getTime() > 60_000) {
    await store.db
      .updateTable('sessions')
      .set({ last_seen_at: sql<Date>`now()` })
      .where('id_hash', '=', sha256Hex(id))
      .execute();
  }
  return { id, csrfToken: csrfTokenFor(id), createdAt: row.created_at, expiresAt: row.expires_at };
}

/** Ends a session (logout). */
export async function deleteSession(store: Store, id: string): Promise<void> {
  await store.db.deleteFrom('sessions').where('id_hash', '=', sha256Hex(id)).execute();
}

/** Deletes expired sessions; returns how many. */
export async function pruneSessions(store: Store): Promise<number> {
  const r = await store.db
    .deleteFrom('sessions')
    .where('expires_at', '<=', sql<Date>`now()`)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
