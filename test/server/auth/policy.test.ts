/**
 * The whole route table of a running service, walked without credentials: every route answers 401
 * (API) or redirects to the login page, except exactly the open routes the issue lists. A route
 * added later that forgets auth fails here. Then sessions and CSRF: an action without the token is
 * refused; bearer tokens need none.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPEN_ROUTES, isApiPath } from '../../../src/server/auth/policy.js';
import { type TestService, login, startTestService } from '../../service/helpers.js';

const PASSWORD = 'correct horse battery staple';

/** The open routes of issue 7, written out by hand. */
const EXPECTED_OPEN = [
  'GET /healthz',
  'GET /readyz',
  'GET /metrics',
  'GET /login',
  'POST /login',
  'POST /webhooks/ghl',
  'POST /webhooks/cin7/customers',
  'POST /webhooks/cin7/sales',
  'GET /oauth/ghl/callback',
].sort();

describe('auth: route policy, sessions, CSRF', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ env: { CIN7_GHL_ADMIN_PASSWORD: PASSWORD } });
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('the open list is exactly the one the issue gives, and every entry is a real route', () => {
    expect(OPEN_ROUTES.map((r) => `${r.method} ${r.path}`).sort()).toEqual(EXPECTED_OPEN);
    const table = new Set(
      t.service.app!.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`),
    );
    for (const open of EXPECTED_OPEN) expect(table.has(open), open).toBe(true);
  });

  it('without credentials, every route of the table is refused (401 JSON on /api, login redirect for pages) but the open ones', async () => {
    const routes = t.service.app!.routes.filter((r) => r.method !== 'ALL');
    const seen = new Set<string>();
    let api = 0;
    let pages = 0;
    for (const r of routes) {
      const key = `${r.method} ${r.path}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const concrete = r.path.replace(/:[A-Za-z0-9_]+/g, 'x').replace(/\*/g, 'x');
      const res = await fetch(`${t.url}${concrete}`, {
        method: r.method,
        redirect: 'manual',
        ...(r.method === 'GET' || r.method === 'HEAD'
          ? {}
          : { body: '{}', headers: { 'content-type': 'application/json' } }),
      });
      const text = await res.text();
      const refusedByAuth = text.includes('"code":"auth_required"');
      const toLogin =
        res.status >= 300 && res.status < 400 && (res.headers.get('location') ?? '').startsWith('/login');
      if (EXPECTED_OPEN.includes(key)) {
        expect(refusedByAuth || toLogin, `${key} is open but was refused: ${res.status}`).toBe(false);
        continue;
      }
      if (isApiPath(concrete)) {
        expect(res.status, `${key}`).toBe(401);
        expect(refusedByAuth, `${key}: ${text}`).toBe(true);
        expect(res.headers.get('www-authenticate')).toContain('Bearer');
        api++;
      } else {
        expect(toLogin, `${key}: ${res.status} ${res.headers.get('location')}`).toBe(true);
        pages++;
      }
    }
    // The table holds the core API and the pages (so this walk tested something).
    expect(api).toBeGreaterThanOrEqual(15);
    expect(pages).toBeGreaterThanOrEqual(3); // '/', '/oauth/ghl/connect', '/logout'
    // Unknown paths are refused the same way (no route discovery without credentials).
    expect((await fetch(`${t.url}/api/nope`)).status).toBe(401);
    expect((await fetch(`${t.url}/nope`, { redirect: 'manual' })).headers.get('location')).toBe(
      '/login?next=%2Fnope',
    );
  });

  it('a bad bearer token is 401 on the API, the right one passes', async () => {
    expect(
      (await t.call('/api/health', { auth: false, headers: { authorization: 'Bearer c7g_wrong' } })).status,
    ).toBe(401);
    expect(
      (await t.call('/api/health', { auth: false, headers: { authorization: 'Basic abc' } })).status,
    ).toBe(401);
    const ok = await t.call('/api/health');
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { role: string }).role).toBe('all');
  });

  it('login gives an HttpOnly, SameSite=Strict session cookie; pages and the API then answer', async () => {
    const { cookie, csrf, res } = await login(t.url, PASSWORD);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/');
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('cin7ghl_session='))!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).toMatch(/Max-Age=43200/); // server.sessionHours 12
    expect(setCookie).not.toMatch(/Secure/i); // http://127.0.0.1: no publicUrl with https
    expect(csrf.length).toBeGreaterThan(20);
    const home = await fetch(`${t.url}/`, { headers: { cookie }, redirect: 'manual' });
    expect(home.status).toBe(200);
    expect(home.headers.get('x-frame-options')).toBe('DENY');
    expect(home.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await home.text()).toContain('cin7-ghl-sync');
    expect((await fetch(`${t.url}/api/connections`, { headers: { cookie } })).status).toBe(200);
    // The stored session is a hash, not the cookie value.
    const rows = await t.service.ctx.store.db.selectFrom('sessions').select('id_hash').execute();
    const value = cookie.split('=')[1]!;
    expect(rows.some((r) => r.id_hash === value)).toBe(false);
  });

  it('a session action without the CSRF token is refused (403); with it, it passes; bearer calls need none', async () => {
    const { cookie, csrf } = await login(t.url, PASSWORD);
    const body = JSON.stringify({ name: 'from-dashboard' });
    const headers = { cookie, 'content-type': 'application/json' };
    const without = await fetch(`${t.url}/api/tokens`, { method: 'POST', headers, body });
    expect(without.status).toBe(403);
    expect(((await without.json()) as { code: string }).code).toBe('csrf_failed');
    const wrong = await fetch(`${t.url}/api/tokens`, {
      method: 'POST',
      headers: { ...headers, 'x-csrf-token': `${csrf}x` },
      body,
    });
    expect(wrong.status).toBe(403);
    const right = await fetch(`${t.url}/api/tokens`, {
      method: 'POST',
      headers: { ...headers, 'x-csrf-token': csrf },
      body,
    });
    expect(right.status).toBe(201);
    // A form action: the _csrf field.
    const logoutWithout = await fetch(`${t.url}/logout`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    expect(logoutWithout.status).toBe(403);
    const bearer = await t.call('/api/tokens', { method: 'POST', body: JSON.stringify({ name: 'machine' }) });
    expect(bearer.status).toBe(201);
    const logout = await fetch(`${t.url}/logout`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf }).toString(),
    });
    expect(logout.status).toBe(303);
    expect(logout.headers.get('location')).toBe('/login');
    // The session is gone.
    expect((await fetch(`${t.url}/api/connections`, { headers: { cookie } })).status).toBe(401);
  });

  it('a login form posted without its own CSRF cookie (another site) is refused; a wrong password is refused', async () => {
    const forged = await fetch(`${t.url}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: 'x', password: PASSWORD }).toString(),
    });
    expect(forged.status).toBe(403);
    expect(forged.headers.getSetCookie().some((c) => c.startsWith('cin7ghl_session='))).toBe(false);
    const wrong = await login(t.url, 'not the password');
    expect(wrong.res.status).toBe(401);
    expect(wrong.cookie).toBe('');
    expect(await wrong.res.text()).toContain('Wrong password.');
  });

  it('an expired session is refused', async () => {
    const { cookie } = await login(t.url, PASSWORD);
    await t.service.ctx.store.db
      .updateTable('sessions')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .execute();
    const res = await fetch(`${t.url}/`, { headers: { cookie }, redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/login');
  });
});
