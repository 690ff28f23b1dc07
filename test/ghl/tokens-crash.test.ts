/**
 * A process killed in the middle of a GHL token refresh (SIGKILL at a marked point, driven by test
 * hooks in a child process), on both store backends:
 * - killed after committing its refresh intent but before sending the request: the next process
 *   finds the marker, GHL still accepts the stored refresh token, nothing is lost;
 * - killed after GHL rotated the token but before the new pair was stored: the next process finds
 *   the marker, GHL refuses the stored token, and the connection is `needs_reauth` with an alert
 *   saying exactly that.
 */
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/load.js';
import { GhlClient } from '../../src/ghl/client.js';
import { getGhlConnection, ghlConnectionId } from '../../src/ghl/connections.js';
import { ghlHttpClient } from '../../src/ghl/factory.js';
import { GhlTokenManager } from '../../src/ghl/tokens.js';
import { silentLogger } from '../../src/log/logger.js';
import { listEvents } from '../../src/store/events.js';
import type { Store } from '../../src/store/open.js';
import { type GhlSandbox, startGhlSandbox } from '../../sandbox/ghl/index.js';
import { connectGhlViaSandbox, withGhlSandbox } from '../helpers/ghl-connect.js';
import { requirePostgres } from '../helpers/requirements.js';
import { type Backend, type TestStore, openTestStore } from '../helpers/store.js';
import { startChild } from '../store/fixtures/child.js';

const pg = requirePostgres('GHL refresh crash on PostgreSQL (test/ghl/tokens-crash.test.ts)');
const fixture = path.resolve(import.meta.dirname, 'fixtures/token-child.ts');
const logger = silentLogger();

for (const backend of ['pglite', 'postgres'] as Backend[]) {
  describe.skipIf(backend === 'postgres' && !pg.available)(`a refresh killed half-way, on ${backend}`, () => {
    let sb: GhlSandbox;
    let t: TestStore;
    let config: Config;

    beforeAll(async () => {
      sb = await startGhlSandbox({ seed: 13, contacts: 2 });
    });
    afterAll(async () => {
      await sb?.close();
    });
    beforeEach(async () => {
      t = await openTestStore({ backend });
      config = withGhlSandbox(t.config, sb, { locationId: sb.locationId });
      await connectGhlViaSandbox({ store: t.store, config, http: ghlHttpClient(config), logger }, sb);
    });
    afterEach(async () => {
      await t?.cleanup();
    });

    /** Runs a child that refreshes and hangs at `point`; SIGKILLs it there; answers the reopened store. */
    async function killAt(point: 'after-intent' | 'after-grant'): Promise<Store> {
      const env: Record<string, string> = {
        GHL_BASE_URL: sb.baseUrl,
        GHL_CLIENT_ID: sb.clientId,
        GHL_CLIENT_SECRET: sb.clientSecret,
        GHL_LOCATION_ID: sb.locationId,
        CIN7_GHL_LOG_LEVEL: 'silent',
        ...(backend === 'pglite'
          ? { CIN7_GHL_DATA_DIR: t.root }
          : { DATABASE_URL: t.store.databaseUrl!, CIN7_GHL_MASTER_KEY: t.config.secrets.masterKey! }),
      };
      // The embedded store belongs to one process at a time: the child takes it over.
      if (backend === 'pglite') await t.store.close();
      const child = startChild(fixture, ['refresh', point], env);
      try {
        await child.waitFor(new RegExp(`^at ${point}$`));
      } finally {
        child.kill('SIGKILL');
      }
      expect(await child.exited).toBe('SIGKILL');
      return backend === 'pglite' ? t.reopen() : t.store;
    }

    it('killed before the request: the next process finds the marker and loses nothing', async () => {
      const before = sb.control.stats().oauth;
      const store = await killAt('after-intent');
      const row = (await getGhlConnection(store.db, ghlConnectionId(sb.locationId)))!;
      expect(row.refreshIntentAt).not.toBeNull();
      expect(row.refreshIntentVersion).toBe(row.tokenVersion);
      expect(sb.control.stats().oauth.refreshes).toBe(before.refreshes);

      const http = ghlHttpClient(config);
      const tokens = new GhlTokenManager({ store, http, config, locationId: sb.locationId, logger });
      const token = await tokens.getToken();
      expect(token.version).toBe(2);
      const after = (await getGhlConnection(store.db, row.id))!;
      expect(after).toMatchObject({ status: 'active', tokenVersion: 2, refreshIntentAt: null });
      expect(sb.control.stats().oauth.invalidGrants).toBe(before.invalidGrants);
      const [recovered] = await listEvents(store.db, { kinds: ['auth.recovered'] });
      expect(recovered!.message).toMatch(/nothing was lost/);
      expect(await listEvents(store.db, { kinds: ['auth.lost'] })).toEqual([]);
      const client = new GhlClient({ http, baseUrl: sb.baseUrl, auth: tokens });
      expect((await client.searchContacts({ pageLimit: 1 })).contacts).toHaveLength(1);
    });

    it('killed after GHL rotated the token: needs_reauth, with an alert saying what happened', async () => {
      const before = sb.control.stats().oauth;
      const store = await killAt('after-grant');
      // GHL did rotate: the child's refresh reached it.
      expect(sb.control.stats().oauth.refreshes).toBe(before.refreshes + 1);
      const row = (await getGhlConnection(store.db, ghlConnectionId(sb.locationId)))!;
      expect(row).toMatchObject({ tokenVersion: 1, refreshIntentVersion: 1, status: 'active' });

      const tokens = new GhlTokenManager({
        store,
        http: ghlHttpClient(config),
        config,
        locationId: sb.locationId,
        logger,
      });
      const e = await tokens.getToken().catch((x) => x);
      expect(e.code).toBe('ghl_needs_reauth');
      const after = (await getGhlConnection(store.db, row.id))!;
      expect(after.status).toBe('needs_reauth');
      expect(after.details.needsReauthReason).toBe('refresh_interrupted');
      const [alert] = await listEvents(store.db, { kinds: ['auth.lost'] });
      expect(alert).toMatchObject({ severity: 'critical', subject: row.id });
      expect(alert!.message).toMatch(
        /interrupted .* after GHL had rotated the refresh token and before the new tokens were stored.*Reconnect/,
      );
      expect(alert!.details).toMatchObject({ reason: 'refresh_interrupted', locationId: sb.locationId });
    });
  });
}
