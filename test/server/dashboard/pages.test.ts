/**
 * The dashboard on a service with nothing connected yet: every page answers with a session, as a
 * real page (landmarks, labelled tables, our own script and styles under a content security
 * policy); actions need the session's CSRF token (form field or header); a pause set by a form
 * comes back as a message and a button; a token created from the page is shown once and escaped
 * data stays text; runs answer 409 until both accounts are connected; /live streams snapshots.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSchedulePause } from '../../../src/jobs/pause.js';
import { type TestService, login, startTestService } from '../../service/helpers.js';

const PASSWORD = 'correct horse battery staple';
const PAGES = [
  '/',
  '/connections',
  '/runs',
  '/records',
  '/conflicts',
  '/failures',
  '/budget',
  '/mapping',
  '/api-access',
];

describe('dashboard pages (nothing connected)', () => {
  let t: TestService;
  let cookie: string;
  let csrf: string;
  const get = (p: string, extra: Record<string, string> = {}) =>
    fetch(`${t.url}${p}`, { headers: { cookie, ...extra }, redirect: 'manual' });
  const post = (p: string, form: Record<string, string>, extraCookie = '') =>
    fetch(`${t.url}${p}`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        cookie: extraCookie ? `${cookie}; ${extraCookie}` : cookie,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams(form).toString(),
    });

  beforeAll(async () => {
    t = await startTestService({ env: { CIN7_GHL_ADMIN_PASSWORD: PASSWORD } });
    ({ cookie, csrf } = await login(t.url, PASSWORD));
    expect(cookie).toMatch(/^cin7ghl_session=/);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('every page is a real, accessible page served with our own assets under a CSP', async () => {
    for (const p of PAGES) {
      const started = Date.now();
      const res = await get(p);
      const body = await res.text();
      expect(res.status, p).toBe(200);
      expect(Date.now() - started, p).toBeLessThan(3000);
      expect(res.headers.get('content-type')).toContain('text/html');
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("default-src 'none'");
      expect(body).toContain('<html lang="en">');
      expect(body).toContain('<main id="main"');
      expect(body).toContain('<nav aria-label="Dashboard sections"');
      expect(body).toMatch(/<h1>[^<]+<\/h1>/);
      expect(body).toContain(`<meta name="csrf-token" content="${csrf}">`);
      // No inline script or style, nothing loaded from elsewhere (no CDN, no font).
      expect(body).not.toMatch(/<script>|<style|style="|(src|href)="https?:\/\//i);
      for (const table of body.match(/<table>[\s\S]*?<\/table>/g) ?? [])
        expect(table, p).toContain('<th scope=');
      expect(body).toContain(`aria-current="page"`);
    }
    for (const asset of ['/assets/dashboard.js', '/assets/dashboard.css', '/assets/icon.svg']) {
      expect((await get(asset)).status, asset).toBe(200);
      const anonymous = await fetch(`${t.url}${asset}`, { redirect: 'manual' });
      expect(anonymous.status).toBe(302);
      expect(anonymous.headers.get('location')).toContain('/login');
    }
  });

  it('says what is missing when nothing is connected', async () => {
    const page = await (await get('/connections')).text();
    expect(page).toContain('No GHL location is connected.');
    expect(page).toContain('Connect GHL (OAuth)');
    expect(page).toContain('Connect Cin7');
    const res = await fetch(`${t.url}/api/runs`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'sync' }),
    });
    expect(res.status).toBe(409);
    const body = (await res.json()) as { code: string; message: string };
    expect(body.code).toBe('not_connected');
    expect(body.message).toMatch(/^Both accounts must be connected first/);
  });

  it('an action needs the CSRF token: refused without, done with it, then shown as a message', async () => {
    const refused = await post('/runs/schedules', { sync: 'true', reconcile: 'true' });
    expect(refused.status).toBe(403);
    expect((await readSchedulePause(t.service.ctx.store.db)).sync).toBe(false);

    const done = await post('/runs/schedules', { _csrf: csrf, sync: 'true', reconcile: 'true' });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/runs');
    expect(await readSchedulePause(t.service.ctx.store.db)).toMatchObject({ sync: true, reconcile: true });
    const flash = (done.headers.getSetCookie().find((c) => c.startsWith('cin7ghl_flash=')) ?? '').split(
      ';',
    )[0];
    expect(flash).toBeTruthy();
    const after = await (await get('/runs', { cookie: `${cookie}; ${flash}` })).text();
    expect(after).toContain('<p class="flash flash-ok">Schedules paused.</p>');
    expect(after).toContain('Resume schedules');
    // Read once.
    expect(await (await get('/runs')).text()).not.toContain('Schedules paused.');

    const api = await fetch(`${t.url}/api/schedules`, {
      method: 'PUT',
      headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' },
      body: JSON.stringify({ sync: false, reconcile: false }),
    });
    expect(api.status).toBe(200);
    expect(((await api.json()) as { paused: { sync: boolean } }).paused.sync).toBe(false);
  });

  it('a token made on the page is shown once, works, and its name stays text', async () => {
    const res = await post('/api-access/tokens', { _csrf: csrf, name: '<script>alert(1)</script>' });
    expect(res.status).toBe(200);
    const page = await res.text();
    const token = /<p class="secret" id="once-value">(c7g_[A-Za-z0-9_-]+)<\/p>/.exec(page)?.[1];
    expect(token).toBeDefined();
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toContain('<script>alert(1)');
    const health = await fetch(`${t.url}/api/health`, { headers: { authorization: `Bearer ${token}` } });
    expect(health.status).toBe(200);
    const again = await (await get('/api-access')).text();
    expect(again).not.toContain(token as string);
    expect(again).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('/live streams snapshots: values for the page, one version per topic', async () => {
    const stop = new AbortController();
    const res = await fetch(`${t.url}/live`, { headers: { cookie }, signal: stop.signal });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    const deadline = Date.now() + 10_000;
    while (!text.includes('event: snapshot') || !/event: snapshot\ndata: .*\n\n/.test(text)) {
      if (Date.now() > deadline) throw new Error(`no snapshot in 10 s: ${text}`);
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    stop.abort();
    const data = /event: snapshot\ndata: (.*)\n/.exec(text)?.[1] ?? '{}';
    const snap = JSON.parse(data) as {
      values: Record<string, unknown>;
      topics: Record<string, string>;
      run: unknown;
    };
    expect(snap.values['customers.total']).toBe(0);
    expect(snap.values['failures.open']).toBe(0);
    expect(snap.values['conflicts.open']).toBe(0);
    expect(Object.keys(snap.topics).sort()).toEqual([
      'conflicts',
      'connections',
      'failures',
      'records',
      'runs',
    ]);
    expect(snap.run).toBeNull();
  });
});
