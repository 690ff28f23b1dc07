/**
 * The GHL token lifecycle against the sandbox (single-use refresh tokens) on both store backends:
 * proactive and reactive refresh, single-flight, re-reading under the lock, invalid_grant, a refresh
 * whose answer was lost, uninstall, scope errors, PIT connections and the daily idle refresh.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/load.js';
import type { GhlAccessToken } from '../../src/ghl/auth.js';
import { GhlClient } from '../../src/ghl/client.js';
import {
  type StoredTokens,
  getGhlConnection,
  ghlConnectionId,
  oauthSecretName,
  savePitConnection,
} from '../../src/ghl/connections.js';
import { handleGhlAppUninstall } from '../../src/ghl/events.js';
import { ghlHttpClient, ghlTokenProvider } from '../../src/ghl/factory.js';
import { refreshIdleGhlConnections } from '../../src/ghl/jobs.js';
import { GhlRefreshError, GhlTokenManager, refreshMarginMs } from '../../src/ghl/tokens.js';
import type { HttpClient } from '../../src/http/client.js';
import { ScopeError } from '../../src/http/errors.js';
import { silentLogger } from '../../src/log/logger.js';
import { listEvents } from '../../src/store/events.js';
import { type GhlSandbox, startGhlSandbox } from '../../sandbox/ghl/index.js';
import { connectGhlViaSandbox, withGhlSandbox } from '../helpers/ghl-connect.js';
import { requirePostgres } from '../helpers/requirements.js';
import { type Backend, type TestStore, openTestStore } from '../helpers/store.js';

const pg = requirePostgres('GHL token lifecycle on PostgreSQL (test/ghl/tokens.test.ts)');
const logger = silentLogger();

it('the refresh margin is min(15 min, a quarter of the lifetime)', () => {
  expect(refreshMarginMs(86_399_000)).toBe(900_000);
  expect(refreshMarginMs(3_600_000)).toBe(900_000);
  expect(refreshMarginMs(2_000)).toBe(500);
  expect(refreshMarginMs(40 * 60_000)).toBe(10 * 60_000);
});

for (const backend of ['pglite', 'postgres'] as Backend[]) {
  describe.skipIf(backend === 'postgres' && !pg.available)(`GHL tokens on ${backend}`, () => {
    let sb: GhlSandbox;
    let t: TestStore;
    let config: Config;
    let http: HttpClient;

    beforeAll(async () => {
      sb = await startGhlSandbox({ seed: 9, contacts: 3, accessTokenLifetimeSeconds: 8 });
    });
    afterAll(async () => {
      await sb?.close();
    });
    beforeEach(async () => {
      t = await openTestStore({ backend });
      config = withGhlSandbox(t.config, sb);
      http = ghlHttpClient(config, logger);
      sb.control.set({ faults: {} });
    });
    afterEach(async () => {
      await t?.cleanup();
    });

    const oauthStats = () => sb.control.stats().oauth;
    const manager = (extra: Partial<ConstructorParameters<typeof GhlTokenManager>[0]> = {}) =>
      new GhlTokenManager({ store: t.store, http, config, locationId: sb.locationId, logger, ...extra });
    const connect = (scopes?: string[]) =>
      connectGhlViaSandbox({ store: t.store, config, http, logger }, sb, scopes);

    it('uses the stored token while fresh, refreshes once the margin is reached, and stores the new pair first', async () => {
      const c = await connect();
      expect(c.tokenVersion).toBe(1);
      let offset = 0;
      const tokens = manager({ now: () => Date.now() + offset });
      const first = await tokens.getToken();
      expect(first.version).toBe(1);
      const refreshes = oauthStats().refreshes;
      offset = 6_100; // 8 s lifetime: the margin is 2 s
      const second = await tokens.getToken();
      expect(second.version).toBe(2);
      expect(second.value).not.toBe(first.value);
      expect(oauthStats().refreshes).toBe(refreshes + 1);
      const row = (await getGhlConnection(t.store.db, c.id))!;
      expect(row.tokenVersion).toBe(2);
      expect(row.refreshIntentAt).toBeNull();
      const stored = JSON.parse((await t.store.vault.get(oauthSecretName(c.id)))!) as StoredTokens;
      expect(stored).toMatchObject({ accessToken: second.value, version: 2 });
      const client = new GhlClient({ http, baseUrl: sb.baseUrl, auth: tokens });
      expect((await client.searchContacts({ pageLimit: 1 })).contacts).toHaveLength(1);
    });

    it('many concurrent callers past the margin cause one refresh', async () => {
      await connect();
      let offset = 0;
      const tokens = manager({ now: () => Date.now() + offset });
      await tokens.getToken();
      const before = oauthStats();
      offset = 7_000;
      const got = await Promise.all(Array.from({ length: 12 }, () => tokens.getToken()));
      expect(new Set(got.map((g) => g.version))).toEqual(new Set([2]));
      expect(oauthStats().refreshes).toBe(before.refreshes + 1);
      expect(oauthStats().invalidGrants).toBe(before.invalidGrants);
    });

    it('a 401 for an expired token: one reactive refresh, and the call succeeds', async () => {
      await connect();
      const tokens = manager();
      const client = new GhlClient({ http, baseUrl: sb.baseUrl, auth: tokens });
      await client.searchContacts({ pageLimit: 1 });
      const before = oauthStats().refreshes;
      sb.control.expireAccessTokens();
      const calls = await Promise.all(
        Array.from({ length: 5 }, () => client.searchContacts({ pageLimit: 1 })),
      );
      expect(calls.every((p) => p.contacts.length === 1)).toBe(true);
      expect(oauthStats().refreshes).toBe(before + 1);
    });

    it('re-reads under the lock: a refresh waiting behind another one uses the pair it stored', async () => {
      await connect();
      const b = manager();
      await b.getToken();
      const before = oauthStats();
      let fromB: Promise<GhlAccessToken | null> | undefined;
      // While a holds the lock (its intent is committed, its request not yet sent), b is told its
      // token was rejected: b reads version 1 too, then waits for the lock.
      const a = manager({
        now: () => Date.now() + 7_000,
        hooks: {
          afterIntent: () => {
            fromB = b.afterUnauthorized({ value: 'rejected', version: 1 });
          },
        },
      });
      const fromA = await a.getToken();
      expect(fromA.version).toBe(2);
      expect(await fromB).toEqual(fromA);
      expect(oauthStats().refreshes).toBe(before.refreshes + 1);
      expect(oauthStats().invalidGrants).toBe(before.invalidGrants);
    });

    it('a 401 for a missing scope is a ScopeError naming the scope, with no refresh', async () => {
      await connect(['contacts.readonly']);
      const client = new GhlClient({ http, baseUrl: sb.baseUrl, auth: manager() });
      const before = oauthStats().refreshes;
      const e = await client.listCustomFields().catch((x) => x);
      expect(e).toBeInstanceOf(ScopeError);
      expect(e.scope).toBe('locations/customFields.readonly');
      expect(e.message).toContain('not authorized for this scope');
      expect(oauthStats().refreshes).toBe(before);
    });

    it('invalid_grant marks the connection needs_reauth with an alert; later calls fail clearly without a request', async () => {
      const c = await connect();
      // Someone else uses the single-use refresh token (e.g. another install with a copy of the data).
      const stored = JSON.parse((await t.store.vault.get(oauthSecretName(c.id)))!) as StoredTokens;
      const used = await fetch(`${sb.baseUrl}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          client_id: sb.clientId,
          client_secret: sb.clientSecret,
          grant_type: 'refresh_token',
          refresh_token: stored.refreshToken,
        }),
      });
      expect(used.status).toBe(200);
      const tokens = manager();
      const e = await tokens.refreshNow().catch((x) => x);
      expect(e.code).toBe('ghl_needs_reauth');
      expect(e.message).toMatch(/refused the stored refresh token .*invalid_grant/);
      const row = (await getGhlConnection(t.store.db, c.id))!;
      expect(row.status).toBe('needs_reauth');
      expect(row.refreshIntentAt).toBeNull();
      const [event] = await listEvents(t.store.db, { kinds: ['auth.lost'] });
      expect(event).toMatchObject({ severity: 'critical', subject: c.id });
      expect(event!.message).toContain('invalid_grant');
      const requests = sb.control.stats().requests;
      const again = await manager()
        .getToken()
        .catch((x) => x);
      expect(again.code).toBe('ghl_needs_reauth');
      expect(again.hint).toContain('cin7-ghl connect ghl');
      expect(sb.control.stats().requests).toBe(requests);
    });

    it('a refresh whose answer was lost keeps its marker; the next one finds GHL rotated the token and says so', async () => {
      const c = await connect();
      const tokens = manager();
      sb.control.set({ faults: { afterWriteRate: 1, operations: ['ghl.oauth.token'] } });
      const lost = await tokens.refreshNow().catch((x) => x);
      expect(lost).toBeInstanceOf(GhlRefreshError);
      expect(lost.details).toMatchObject({ outcomeUnknown: true });
      const marked = (await getGhlConnection(t.store.db, c.id))!;
      expect(marked.refreshIntentAt).not.toBeNull();
      expect(marked.refreshIntentVersion).toBe(1);
      expect(marked.status).toBe('active');
      sb.control.set({ faults: {} });
      const e = await manager()
        .refreshNow()
        .catch((x) => x);
      expect(e.code).toBe('ghl_needs_reauth');
      const row = (await getGhlConnection(t.store.db, c.id))!;
      expect(row.status).toBe('needs_reauth');
      expect(row.details.needsReauthReason).toBe('refresh_interrupted');
      const [event] = await listEvents(t.store.db, { kinds: ['auth.lost'] });
      expect(event!.message).toMatch(
        /interrupted .* after GHL had rotated the refresh token and before the new tokens were stored/,
      );
    });

    it('AppUninstall marks the connection uninstalled, deletes its tokens, and every token request fails clearly', async () => {
      const c = await connect();
      const tokens = manager();
      await tokens.getToken();
      sb.control.uninstallApp();
      const changed = await handleGhlAppUninstall(
        t.store,
        {
          type: 'UNINSTALL',
          locationId: sb.locationId,
          appId: 'app',
          webhookId: 'w-1',
          timestamp: new Date().toISOString(),
        },
        logger,
      );
      expect(changed).toEqual([c.id]);
      expect(await t.store.vault.get(oauthSecretName(c.id))).toBeNull();
      expect((await getGhlConnection(t.store.db, c.id))!.status).toBe('uninstalled');
      tokens.invalidate();
      const e = await tokens.getToken().catch((x) => x);
      expect(e.code).toBe('ghl_uninstalled');
      expect(e.message).toMatch(/uninstalled from location/);
      expect(
        await handleGhlAppUninstall(t.store, { type: 'UNINSTALL', locationId: sb.locationId }, logger),
      ).toEqual([]);
      expect(await listEvents(t.store.db, { kinds: ['connection.uninstalled'] })).toHaveLength(1);
      // A reconnect makes it active again.
      await connect();
      expect((await getGhlConnection(t.store.db, c.id))!.status).toBe('active');
    });

    it('a stored PIT connection is used as a static token; the daily job refreshes idle OAuth connections only', async () => {
      await savePitConnection(t.store, {
        locationId: sb.locationId,
        token: sb.token,
        scopes: ['contacts.readonly'],
      });
      const auth = await ghlTokenProvider({ config, logger, http, store: t.store });
      expect(await auth.getToken()).toEqual({ value: sb.token, version: null });
      expect(await auth.afterUnauthorized({ value: sb.token, version: null })).toBeNull();
      expect(
        await refreshIdleGhlConnections({ store: t.store, http, config, logger, idleAfterMs: 0 }),
      ).toEqual({
        refreshed: [],
        failed: [],
      });
      await connect();
      const before = oauthStats().refreshes;
      const report = await refreshIdleGhlConnections({
        store: t.store,
        http,
        config,
        logger,
        idleAfterMs: 0,
      });
      expect(report).toEqual({ refreshed: [ghlConnectionId(sb.locationId)], failed: [] });
      expect(oauthStats().refreshes).toBe(before + 1);
      // Refreshed a moment ago: not idle.
      expect((await refreshIdleGhlConnections({ store: t.store, http, config, logger })).refreshed).toEqual(
        [],
      );
    });
  });
}
