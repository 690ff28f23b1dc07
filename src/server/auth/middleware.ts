import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { Logger } from '../../log/logger.js';
import type { Store } from '../../store/open.js';
import { isApiPath, isOpenRoute } from './policy.js';
import { safeEqual } from './secrets.js';
import { SESSION_COOKIE, findSession } from './sessions.js';
import { verifyApiToken } from './tokens.js';
import type { AuthInfo } from './types.js';

export interface AuthDeps {
  store: Store;
  logger: Logger;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Where a page without a session is sent: the login page, coming back here afterwards. */
export function loginRedirect(c: Context): Response {
  const url = new URL(c.req.url);
  const next = `${url.pathname}${url.search}`;
  const target = next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`;
  return c.redirect(target, SAFE_METHODS.has(c.req.method) ? 302 : 303);
}

/** The answer to a request without valid credentials: 401 JSON on the API, a redirect for pages. */
export function refuseUnauthenticated(c: Context): Response {
  if (!isApiPath(c.req.path)) return loginRedirect(c);
  c.header('WWW-Authenticate', 'Bearer realm="cin7-ghl"');
  return c.json(
    {
      error: 'Unauthorized',
      code: 'auth_required',
      message: `${c.req.method} ${c.req.path} needs a session or an API token.`,
      hint: 'Send "Authorization: Bearer <token>" (create one with `cin7-ghl tokens create <name>`), or sign in at /login.',
    },
    401,
  );
}

/** Who is calling: a bearer token (checked first), else the session cookie; null when neither is valid. */
export async function authenticate(c: Context, deps: AuthDeps): Promise<AuthInfo | null> {
  const header = c.req.header('authorization');
  if (header !== undefined) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m?.[1]) return null;
    const token = await verifyApiToken(deps.store.db, m[1]);
    return token ? { kind: 'token', tokenId: token.id, name: token.name, tokenKind: token.kind } : null;
  }
  const cookie = getCookie(c, SESSION_COOKIE);
  if (!cookie) return null;
  const session = await findSession(deps.store, cookie);
  return session
    ? { kind: 'session', sessionId: session.id, csrfToken: session.csrfToken, expiresAt: session.expiresAt }
    : null;
}

async function csrfGiven(c: Context): Promise<string | undefined> {
  const header = c.req.header('x-csrf-token');
  if (header) return header;
  const type = c.req.header('content-type') ?? '';
  if (type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data')) {
    const body = await c.req.parseBody();
    const field = body._csrf;
    return typeof field === 'string' ? field : undefined;
  }
  return undefined;
}

/**
 * The one gate in front of every route: open routes (see `policy.ts`) pass; everything else needs
 * a bearer API token or a session, and a session's state-changing request needs its CSRF token
 * (`X-CSRF-Token` header, or the `_csrf` form field). Bearer requests carry no ambient credential,
 * so they need no CSRF token.
 *
 * @example
 * app.use('*', authMiddleware({ store, logger }));
 */
export function authMiddleware(deps: AuthDeps): MiddlewareHandler {
  return async (c, next) => {
    if (isOpenRoute(c.req.method, c.req.path)) return next();
    const auth = await authenticate(c, deps);
    if (!auth) return refuseUnauthenticated(c);
    if (auth.kind === 'session' && !SAFE_METHODS.has(c.req.method)) {
      const given = await csrfGiven(c);
      if (!given || !safeEqual(given, auth.csrfToken)) {
        deps.logger.warn(
          { path: c.req.path, method: c.req.method },
          'request refused: missing or wrong CSRF token',
        );
        const body = {
          error: 'Forbidden',
          code: 'csrf_failed',
          message: `${c.req.method} ${c.req.path} was refused: the CSRF token is missing or wrong.`,
          hint: 'Send the session CSRF token as the X-CSRF-Token header (fetch) or the _csrf form field (forms); GET /api/session gives it.',
        };
        return isApiPath(c.req.path) ? c.json(body, 403) : c.html(`<p>${body.message}</p>`, 403);
      }
    }
    c.set('auth', auth);
    return next();
  };
}

/**
 * A guard for a route mounted elsewhere (e.g. `ghlOAuthRoutes({ guard })`): refuses a request the
 * global middleware did not authenticate. Defence in depth: the global middleware already ran.
 */
export const requireAuth: MiddlewareHandler = async (c, next) => {
  if (!c.get('auth')) return refuseUnauthenticated(c);
  return next();
};
