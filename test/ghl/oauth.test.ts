/**
 * GHL OAuth connect against the sandbox: the consent URL, the callback checks (state must match; no
 * state only within 10 minutes of a connect started here; once only), and tokens stored encrypted.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/load.js';
import { getGhlConnection, ghlConnectionId, oauthSecretName } from '../../src/ghl/connections.js';
import { ghlHttpClient } from '../../src/ghl/factory.js';
import {
  GhlOAuthRefusedError,
  buildAuthorizeUrl,
  completeGhlConnect,
  ghlOAuthSettings,
  ghlRedirectUri,
  ghlWebhookUrl,
  startGhlConnect,
} from '../../src/ghl/oauth.js';
import { ConfigError } from '../../src/errors/index.js';
import { GhlTokenManager } from '../../src/ghl/tokens.js';
import type { HttpClient } from '../../src/http/client.js';
import { silentLogger } from '../../src/log/logger.js';
import { type GhlSandbox, startGhlSandbox } from '../../sandbox/ghl/index.js';
import { recordingFetch, withGhlSandbox } from '../helpers/ghl-connect.js';
import { makeValidator, requestSchema, specOperations, strictify } from '../helpers/ghl-spec.js';
import { requireSpecs } from '../helpers/requirements.js';
import { type TestStore, openTestStore } from '../helpers/store.js';

const logger = silentLogger();
const specs = requireSpecs('GHL OAuth token request conformance (test/ghl/oauth.test.ts)');

describe('GHL OAuth', () => {
  let sb: GhlSandbox;
  let t: TestStore;
  let config: Config;
  let http: HttpClient;

  beforeAll(async () => {
    sb = await startGhlSandbox({ seed: 4, contacts: 1 });
  });
  afterAll(async () => {
    await sb?.close();
  });
  beforeEach(async () => {
    t = await openTestStore({ backend: 'pglite' });
    config = withGhlSandbox(t.config, sb);
    config = { ...config, server: { ...config.server, publicUrl: 'https://sync.example.com' } };
    http = ghlHttpClient(config, logger);
  });
  afterEach(async () => {
    await t?.cleanup();
  });

  const deps = () => ({ store: t.store, http, config, logger });
  const approve = (started: { scopes: string[]; redirectUri: string; state: string }) =>
    sb.control.authorize({ scopes: started.scopes, redirectUri: started.redirectUri, state: started.state })
      .code;
  const nothingStored = async () => {
    expect(await t.store.db.selectFrom('connections').selectAll().execute()).toEqual([]);
    expect(await t.store.vault.names()).toEqual([]);
  };

  it('builds the v2 chooselocation URL with the least-privilege scopes and a random state kept as pending', async () => {
    const started = await startGhlConnect(t.store, config);
    const url = new URL(started.authorizeUrl);
    expect(`${url.origin}${url.pathname}`).toBe(sb.authorizeUrl);
    expect(url.pathname).toBe('/v2/oauth/chooselocation');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      redirect_uri: 'https://sync.example.com/oauth/ghl/callback',
      client_id: sb.clientId,
      scope: 'contacts.readonly contacts.write locations/tasks.readonly',
      state: started.state,
    });
    expect(started.state.length).toBeGreaterThanOrEqual(32);
    expect(started.webhookUrl).toBe('https://sync.example.com/webhooks/ghl');
    const pending = await t.store.db.selectFrom('oauth_pending').selectAll().execute();
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({
      state: started.state,
      api: 'ghl',
      scopes: ['contacts.readonly', 'contacts.write', 'locations/tasks.readonly'],
      redirect_uri: 'https://sync.example.com/oauth/ghl/callback',
      used_at: null,
    });
    const other = await startGhlConnect(t.store, config);
    expect(other.state).not.toBe(started.state);
  });

  it('a good callback stores the tokens encrypted: the plaintext is in no table', async () => {
    const started = await startGhlConnect(t.store, config);
    const done = await completeGhlConnect(deps(), { code: approve(started), state: started.state });
    expect(done.connection).toMatchObject({
      id: ghlConnectionId(sb.locationId),
      locationId: sb.locationId,
      status: 'active',
      authMode: 'oauth',
      tokenVersion: 1,
      scopes: ['contacts.readonly', 'contacts.write', 'locations/tasks.readonly'],
    });
    expect(done.missingScopes).toEqual([]);
    expect(done.webhookUrl).toBe('https://sync.example.com/webhooks/ghl');
    const pair = JSON.parse((await t.store.vault.get(oauthSecretName(done.connection.id)))!) as {
      accessToken: string;
      refreshToken: string;
    };
    expect(pair.accessToken.length).toBeGreaterThan(20);
    expect(pair.refreshToken.length).toBeGreaterThan(20);
    const tables = await t.store.query<{ table_name: string }>(
      "select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'",
    );
    expect(tables.rows.length).toBeGreaterThan(5);
    for (const { table_name } of tables.rows) {
      const rows = await t.store.query<{ row: string }>(`select t::text as row from "${table_name}" t`);
      for (const { row } of rows.rows) {
        for (const secret of [pair.accessToken, pair.refreshToken]) {
          expect(row, table_name).not.toContain(secret);
          expect(row, table_name).not.toContain(Buffer.from(secret).toString('hex'));
        }
      }
    }
    // The pending connect was used up.
    const again = await completeGhlConnect(deps(), { code: 'x', state: started.state }).catch((e) => e);
    expect(again).toBeInstanceOf(GhlOAuthRefusedError);
    expect(again.message).toMatch(/already used/);
  });

  it.skipIf(!specs.available)(
    'the token requests (code exchange, refresh) conform to the spec: form-encoded GetAccessCodebodyDto',
    async () => {
      const rec = recordingFetch();
      const recording = ghlHttpClient(config, logger, { fetch: rec.fetch });
      const started = await startGhlConnect(t.store, config);
      await completeGhlConnect(
        { ...deps(), http: recording },
        { code: approve(started), state: started.state },
      );
      await new GhlTokenManager({
        store: t.store,
        http: recording,
        config,
        locationId: sb.locationId,
        logger,
      }).refreshNow();
      const op = specOperations('apps/oauth.json').find(
        (o) => o.path === '/oauth/token' && o.method === 'post',
      )!;
      const declared = requestSchema(op)!;
      expect(declared.contentType).toBe('application/x-www-form-urlencoded');
      const validate = makeValidator(strictify(declared.schema));
      const sent = rec.requests.filter((r) => r.url.pathname === '/oauth/token');
      expect(sent.map((r) => Object.fromEntries(new URLSearchParams(r.body)).grant_type)).toEqual([
        'authorization_code',
        'refresh_token',
      ]);
      for (const r of sent) {
        expect(r.method).toBe('POST');
        expect(r.headers['content-type']).toBe('application/x-www-form-urlencoded');
        expect(validate(Object.fromEntries(new URLSearchParams(r.body))).errors).toEqual([]);
      }
      const [exchange, refresh] = sent.map((r) => Object.fromEntries(new URLSearchParams(r.body)));
      expect(exchange).toMatchObject({
        user_type: 'Location',
        redirect_uri: started.redirectUri,
        client_id: sb.clientId,
      });
      expect(refresh!.refresh_token).toBeTruthy();
    },
  );

  it('a callback with a wrong state is refused, and nothing is stored', async () => {
    const started = await startGhlConnect(t.store, config);
    const e = await completeGhlConnect(deps(), { code: approve(started), state: 'forged-state' }).catch(
      (x) => x,
    );
    expect(e).toBeInstanceOf(GhlOAuthRefusedError);
    expect(e.message).toMatch(/state does not match any GHL connect started from this install: refused/);
    expect(e.hint).toMatch(/within 10 minutes/);
    await nothingStored();
  });

  it('a callback without state and no pending connect is refused; with one from the last 10 minutes it is accepted', async () => {
    const code = sb.control.authorize({
      scopes: ['contacts.readonly'],
      redirectUri: ghlRedirectUri(config),
    }).code;
    const e = await completeGhlConnect(deps(), { code }).catch((x) => x);
    expect(e).toBeInstanceOf(GhlOAuthRefusedError);
    expect(e.message).toMatch(
      /carries no state and no GHL connect was started from this install in the last 10 minutes/,
    );
    await nothingStored();

    const started = await startGhlConnect(t.store, config);
    const done = await completeGhlConnect(deps(), { code: approve(started) });
    expect(done.connection.status).toBe('active');
  });

  it('a pending connect older than 10 minutes no longer lets a callback in', async () => {
    const started = await startGhlConnect(t.store, config);
    await t.store.db
      .updateTable('oauth_pending')
      .set({ created_at: new Date(Date.now() - 11 * 60_000) })
      .where('state', '=', started.state)
      .execute();
    const code = approve(started);
    const withState = await completeGhlConnect(deps(), { code, state: started.state }).catch((x) => x);
    expect(withState.message).toMatch(/more than 10 minutes ago: refused/);
    const without = await completeGhlConnect(deps(), { code }).catch((x) => x);
    expect(without.message).toMatch(/no GHL connect was started from this install in the last 10 minutes/);
    await nothingStored();
  });

  it('a cancelled consent is refused with the reason; a missing client secret is a config error', async () => {
    const e = await completeGhlConnect(deps(), { error: 'access_denied' }).catch((x) => x);
    expect(e.message).toMatch(/access_denied/);
    const noSecret = { ...config, secrets: { ...config.secrets, ghlClientSecret: undefined } } as Config;
    expect(() => ghlOAuthSettings(noSecret)).toThrow(ConfigError);
    expect(() => ghlOAuthSettings(noSecret)).toThrow(/GHL_CLIENT_SECRET/);
  });

  it('granted scopes are stored as granted; missing ones are reported', async () => {
    const started = await startGhlConnect(t.store, config, {
      scopes: ['contacts.readonly', 'contacts.write'],
    });
    // The location approves only part of what was asked.
    const code = sb.control.authorize({
      scopes: ['contacts.readonly'],
      redirectUri: started.redirectUri,
      state: started.state,
    }).code;
    const done = await completeGhlConnect(deps(), { code, state: started.state });
    expect(done.connection.scopes).toEqual(['contacts.readonly']);
    expect(done.missingScopes).toEqual(['contacts.write']);
    expect((await getGhlConnection(t.store.db, done.connection.id))!.details.requestedScopes).toEqual([
      'contacts.readonly',
      'contacts.write',
    ]);
  });

  it('URLs: authorize URL parameters, redirect and webhook URLs from server.publicUrl or the listen address', () => {
    const url = buildAuthorizeUrl({
      authorizeUrl: 'https://marketplace.gohighlevel.com/v2/oauth/chooselocation',
      clientId: 'cid',
      redirectUri: 'https://x.example/cb',
      scopes: ['a.readonly', 'b/c.readonly'],
      state: 's1',
    });
    expect(url).toBe(
      'https://marketplace.gohighlevel.com/v2/oauth/chooselocation?response_type=code&redirect_uri=https%3A%2F%2Fx.example%2Fcb&client_id=cid&scope=a.readonly+b%2Fc.readonly&state=s1',
    );
    const local = { server: { ...config.server, publicUrl: undefined, host: '127.0.0.1', port: 3100 } };
    expect(ghlRedirectUri(local)).toBe('http://127.0.0.1:3100/oauth/ghl/callback');
    expect(ghlWebhookUrl({ server: { ...config.server, publicUrl: 'https://a.example/' } })).toBe(
      'https://a.example/webhooks/ghl',
    );
  });
});
