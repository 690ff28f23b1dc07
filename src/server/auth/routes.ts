/**
 * `GET /login` (the page), `POST /login` (the form: login CSRF cookie, throttle, password, session
 * cookie) and `POST /logout`. The login form has its own CSRF token (a cookie compared with a form
 * field), so another site cannot sign a browser into this one either.
 */
import { getConnInfo } from '@hono/node-server/conninfo';
import { type Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Config } from '../../config/load.js';
import type { Logger } from '../../log/logger.js';
import type { Store } from '../../store/open.js';
import { checkAdminPassword } from './admin.js';
import { randomToken, safeEqual } from './secrets.js';
import { SESSION_COOKIE, createSession, deleteSession, findSession } from './sessions.js';
import { LoginThrottle } from './throttle.js';

const LOGIN_CSRF_COOKIE = 'cin7ghl_login';

export interface LoginRouteDeps {
  store: Store;
  config: Config;
  logger: Logger;
  throttle?: LoginThrottle;
}

/** True when cookies must carry `Secure`: the service is reached over https. */
export function secureCookies(config: Pick<Config, 'server'>): boolean {
  return config.server.publicUrl?.startsWith('https://') === true;
}

/** The client a login attempt comes from (the socket's address; proxies are not trusted). */
export function clientOf(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** A path on this site to return to after login; anything else becomes `/`. */
export function safeNext(next: string | undefined): string {
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  if (next.startsWith('/login') || next.startsWith('/logout')) return '/';
  return next;
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/**
 * The login page (also shown, with `error`, after a refused attempt). It names an empty icon: a
 * browser's own `/favicon.ico` request, unauthenticated, would be redirected here and replace the
 * login CSRF cookie of the form on screen (the sign-in would then be refused).
 */
export function loginPage(options: { csrf: string; next: string; error?: string }): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · cin7-ghl-sync</title>
<link rel="icon" href="data:,">
<style>
body{font-family:system-ui,sans-serif;background:#f5f6f8;color:#1d2330;display:flex;min-height:100vh;align-items:center;justify-content:center;margin:0}
main{background:#fff;padding:2rem 2.5rem;border-radius:10px;box-shadow:0 2px 12px rgba(0,0,0,.08);width:min(92vw,360px)}
h1{font-size:1.3rem;margin:0 0 1rem}label{display:block;font-weight:600;margin-bottom:.4rem}
input[type=password]{width:100%;box-sizing:border-box;padding:.6rem;font-size:1rem;border:1px solid #b8bfcc;border-radius:6px}
button{margin-top:1rem;width:100%;padding:.65rem;font-size:1rem;border:0;border-radius:6px;background:#2456d6;color:#fff;cursor:pointer}
.error{color:#a8071a;background:#fff1f0;border:1px solid #ffa39e;padding:.5rem .7rem;border-radius:6px}
</style></head>
<body><main>
<h1>cin7-ghl-sync</h1>
${options.error ? `<p class="error" role="alert" id="login-error">${esc(options.error)}</p>` : ''}
<form method="post" action="/login">
<input type="hidden" name="_csrf" value="${esc(options.csrf)}">
<input type="hidden" name="next" value="${esc(options.next)}">
<label for="password">Admin password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required autofocus>
<button type="submit">Sign in</button>
</form>
</main></body></html>
`;
}

/**
 * The login and logout routes.
 *
 * @example
 * app.route('/', loginRoutes({ store, config, logger }));
 */
export function loginRoutes(deps: LoginRouteDeps): Hono {
  const app = new Hono();
  const throttle = deps.throttle ?? new LoginThrottle();
  const secure = secureCookies(deps.config);

  const showLogin = (c: Context, next: string, status: 200 | 401 | 403, error?: string) => {
    const csrf = randomToken(24);
    setCookie(c, LOGIN_CSRF_COOKIE, csrf, {
      httpOnly: true,
      sameSite: 'Strict',
      secure,
      path: '/login',
      maxAge: 3600,
    });
    c.header('Cache-Control', 'no-store');
    return c.html(loginPage({ csrf, next, ...(error ? { error } : {}) }), status);
  };

  app.get('/login', async (c) => {
    const next = safeNext(c.req.query('next'));
    const cookie = getCookie(c, SESSION_COOKIE);
    if (cookie && (await findSession(deps.store, cookie))) return c.redirect(next, 302);
    return showLogin(c, next, 200);
  });

  app.post('/login', async (c) => {
    const client = clientOf(c);
    const decision = throttle.before(client);
    if (!decision.ok) {
      c.header('Retry-After', String(Math.ceil(decision.retryAfterMs / 1000)));
      return c.html(
        loginPage({ csrf: '', next: '/', error: 'Too many wrong passwords: wait and try again.' }),
        429,
      );
    }
    if (decision.waitMs > 0) await sleep(decision.waitMs);
    const form = await c.req.parseBody();
    const next = safeNext(typeof form.next === 'string' ? form.next : undefined);
    const given = typeof form._csrf === 'string' ? form._csrf : '';
    const expected = getCookie(c, LOGIN_CSRF_COOKIE) ?? '';
    if (!given || !expected || !safeEqual(given, expected)) {
      return showLogin(c, next, 403, 'The form expired or came from another site: sign in again.');
    }
    const password = typeof form.password === 'string' ? form.password : '';
    if (!password || !(await checkAdminPassword(deps.store, password))) {
      const delay = throttle.failure(client);
      deps.logger.warn(
        { client, failures: throttle.failures(client), delayMs: delay },
        'wrong admin password',
      );
      await sleep(delay);
      return showLogin(c, next, 401, 'Wrong password.');
    }
    throttle.success(client);
    const session = await createSession(deps.store, {
      hours: deps.config.server.sessionHours,
      client,
      userAgent: c.req.header('user-agent') ?? null,
    });
    deleteCookie(c, LOGIN_CSRF_COOKIE, { path: '/login', secure });
    setCookie(c, SESSION_COOKIE, session.id, {
      httpOnly: true,
      sameSite: 'Strict',
      secure,
      path: '/',
      maxAge: deps.config.server.sessionHours * 3600,
    });
    deps.logger.info({ client }, 'admin signed in');
    return c.redirect(next, 303);
  });

  // Behind the auth middleware: a session and its CSRF token are needed to sign out.
  app.post('/logout', async (c) => {
    const cookie = getCookie(c, SESSION_COOKIE);
    if (cookie) await deleteSession(deps.store, cookie);
    deleteCookie(c, SESSION_COOKIE, { path: '/', secure });
    return c.redirect('/login', 303);
  });
  return app;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
