/**
 * `GET /oauth/ghl/connect` and `GET /oauth/ghl/callback` against the GHL sandbox's consent page:
 * the redirect asks for the config's scopes with a new state; the callback accepts the consent it
 * belongs to (once), refuses a wrong state or a stateless callback without a pending connect, and
 * shows the webhook URL to enter in the Marketplace app.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../../../src/config/load.js';
import { getGhlConnection, ghlConnectionId } from '../../../src/ghl/connections.js';
import { ghlHttpClient } from '../../../src/ghl/factory.js';
import { silentLogger } from '../../../src/log/logger.js';
import { createApp } from '../../../src/server/app.js';
import { ghlOAuthRoutes } from '../../../src/server/routes/ghl-oauth.js';
import { type GhlSandbox, startGhlSandbox } from '../../../sandbox/ghl/index.js';
import { withGhlSandbox } from '../../helpers/ghl-connect.js';
import { type TestStore, openTestStore } from '../../helpers/store.js';

describe('GHL OAuth routes', () => {
  let sb: GhlSandbox;
  let t: TestStore;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    sb = await startGhlSandbox({ seed: 6 });
  });
  afterAll(async () => {
    await sb?.close();
  });
  beforeEach(async () => {
    t = await openTestStore({ backend: 'pglite' });
    const base = withGhlSandbox(t.config, sb);
    const config: Config = {
      ...base,
      server: { ...base.server, publicUrl: 'https://sync.example.com' },
      sync: { ...base.sync, businesses: true },
    };
    app = createApp({ logger: silentLogger(), readinessChecks: [] });
    app.route(
      '/',
      ghlOAuthRoutes({ config, store: t.store, http: ghlHttpClient(config), logger: silentLogger() }),
    );
  });
  afterEach(async () => {
    await t?.cleanup();
  });

  /** GET /oauth/ghl/connect, then "approve" on the sandbox's consent page: the callback URL it redirects to. */
  async function consent(): Promise<URL> {
    const start = await app.request('/oauth/ghl/connect');
    expect(start.status).toBe(302);
    const authorize = new URL(start.headers.get('location')!);
    const form = new URLSearchParams(authorize.searchParams);
    form.set('decision', 'approve');
    const approved = await fetch(`${authorize.origin}${authorize.pathname}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
      redirect: 'manual',
    });
    expect(approved.status).toBe(302);
    return new URL(approved.headers.get('location')!);
  }

  it('connect redirects to the consent page with the scopes the config needs and a state', async () => {
    const res = await app.request('/oauth/ghl/connect');
    expect(res.status).toBe(302);
    const url = new URL(res.headers.get('location')!);
    expect(`${url.origin}${url.pathname}`).toBe(sb.authorizeUrl);
    expect(url.searchParams.get('scope')).toBe(
      'contacts.readonly contacts.write businesses.readonly businesses.write locations/tasks.readonly',
    );
    expect(url.searchParams.get('redirect_uri')).toBe('https://sync.example.com/oauth/ghl/callback');
    expect(url.searchParams.get('state')).toMatch(/^[\w-]{32,}$/);
  });

  it('the callback GHL redirects to connects the location and shows the webhook URL', async () => {
    const back = await consent();
    expect(back.pathname).toBe('/oauth/ghl/callback');
    const res = await app.request(`${back.pathname}${back.search}`);
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain(sb.locationId);
    expect(html).toContain('<code id="webhook-url">https://sync.example.com/webhooks/ghl</code>');
    expect(html).toContain('<a href="/connections">Back to the dashboard');
    const c = await getGhlConnection(t.store.db, ghlConnectionId(sb.locationId));
    expect(c).toMatchObject({ status: 'active', authMode: 'oauth' });
    // The same callback twice: refused.
    const again = await app.request(`${back.pathname}${back.search}`);
    expect(again.status).toBe(400);
    expect(await again.text()).toMatch(/already used/);
  });

  it('a callback with a wrong state is refused with the reason, and nothing is stored', async () => {
    const back = await consent();
    back.searchParams.set('state', 'not-the-state');
    const res = await app.request(`${back.pathname}${back.search}`);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('GHL connection refused');
    expect(html).toMatch(/state does not match any GHL connect started from this install: refused/);
    expect(await t.store.db.selectFrom('connections').selectAll().execute()).toEqual([]);
  });

  it('a callback without state: refused without a pending connect, accepted with one', async () => {
    const code = sb.control.authorize({
      scopes: ['contacts.readonly'],
      redirectUri: 'https://sync.example.com/oauth/ghl/callback',
    }).code;
    const res = await app.request(`/oauth/ghl/callback?code=${encodeURIComponent(code)}`);
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/carries no state and no GHL connect was started from this install/);
    expect(await t.store.db.selectFrom('connections').selectAll().execute()).toEqual([]);

    // GHL does not document echoing state: a callback without it matches the connect just started.
    const back = await consent();
    back.searchParams.delete('state');
    const ok = await app.request(`${back.pathname}${back.search}`);
    expect(ok.status).toBe(200);
  });
});
