/**
 * The GHL token lifecycle under load, against the sandbox with 2-second access tokens and
 * single-use refresh tokens, for 60 s: 8 concurrent callers in one process (embedded store), and
 * 2 processes × 4 callers sharing a PostgreSQL store. Expected: 0 invalid_grant, 0 failed calls.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GhlClient } from '../../src/ghl/client.js';
import { ghlHttpClient } from '../../src/ghl/factory.js';
import { GhlTokenManager } from '../../src/ghl/tokens.js';
import { silentLogger } from '../../src/log/logger.js';
import { type GhlSandbox, startGhlSandbox } from '../../sandbox/ghl/index.js';
import { type CallersResult, runCallers } from '../helpers/ghl-callers.js';
import { connectGhlViaSandbox, withGhlSandbox } from '../helpers/ghl-connect.js';
import { requirePostgres } from '../helpers/requirements.js';
import { openTestStore } from '../helpers/store.js';
import { startChild } from '../store/fixtures/child.js';

const pg = requirePostgres('GHL tokens, 2 processes on PostgreSQL (test/ghl/tokens.timing.test.ts)');
const fixture = path.resolve(import.meta.dirname, 'fixtures/token-child.ts');
const logger = silentLogger();
const RUN_MS = 60_000;
// High enough that the rate limit never interferes: this test is about tokens.
const RATE = { requests: 5_000, windowMs: 10_000 };

describe('GHL tokens under load: 2 s access tokens, single-use refresh tokens, 60 s', () => {
  let sb: GhlSandbox;
  beforeAll(async () => {
    sb = await startGhlSandbox({
      seed: 17,
      contacts: 5,
      accessTokenLifetimeSeconds: 2,
      rateLimit: { limit: RATE.requests, windowMs: RATE.windowMs },
    });
  });
  afterAll(async () => {
    await sb?.close();
  });

  it('8 concurrent callers in one process: 0 invalid_grant, 0 failed calls', async () => {
    const t = await openTestStore({ backend: 'pglite' });
    try {
      const config = withGhlSandbox(t.config, sb, { rateLimit: RATE });
      const http = ghlHttpClient(config, logger);
      await connectGhlViaSandbox({ store: t.store, config, http, logger }, sb);
      const before = sb.control.stats().oauth;
      const tokens = new GhlTokenManager({ store: t.store, http, config, locationId: sb.locationId, logger });
      const client = new GhlClient({ http, baseUrl: sb.baseUrl, auth: tokens });
      const started = Date.now();
      const result = await runCallers(client, 8, RUN_MS);
      const after = sb.control.stats().oauth;
      const refreshes = after.refreshes - before.refreshes;
      console.log(
        `1 process × 8 callers, ${Date.now() - started} ms: ${result.calls} calls, ${result.failures} failed, ${refreshes} refreshes, ${after.invalidGrants - before.invalidGrants} invalid_grant`,
      );
      expect(result.errors).toEqual([]);
      expect(result.failures).toBe(0);
      expect(after.invalidGrants - before.invalidGrants).toBe(0);
      expect(after.reusedRefreshTokens - before.reusedRefreshTokens).toBe(0);
      // A 2 s token refreshed 0.5 s before expiry: one refresh about every 1.5 s, never one per caller.
      expect(refreshes).toBeGreaterThanOrEqual(30);
      expect(refreshes).toBeLessThanOrEqual(60);
      expect(result.calls).toBeGreaterThan(1000);
    } finally {
      await t.cleanup();
    }
  });

  it.skipIf(!pg.available)(
    '2 processes × 4 callers on PostgreSQL: 0 invalid_grant, 0 failed calls',
    async () => {
      const t = await openTestStore({ backend: 'postgres' });
      try {
        const config = withGhlSandbox(t.config, sb, { rateLimit: RATE });
        await connectGhlViaSandbox({ store: t.store, config, http: ghlHttpClient(config), logger }, sb);
        const before = sb.control.stats().oauth;
        const env = {
          DATABASE_URL: t.store.databaseUrl!,
          CIN7_GHL_MASTER_KEY: t.config.secrets.masterKey!,
          GHL_BASE_URL: sb.baseUrl,
          GHL_CLIENT_ID: sb.clientId,
          GHL_CLIENT_SECRET: sb.clientSecret,
          GHL_LOCATION_ID: sb.locationId,
          CIN7_GHL_LOG_LEVEL: 'silent',
          CHILD_RATE: `${RATE.requests}/${RATE.windowMs}`,
        };
        const children = [0, 1].map(() => startChild(fixture, ['callers', '4', String(RUN_MS)], env));
        const results: CallersResult[] = [];
        try {
          for (const child of children) {
            const line = await child.waitFor(/^result /, RUN_MS + 60_000);
            results.push(JSON.parse(line.slice('result '.length)) as CallersResult);
          }
        } finally {
          for (const child of children) child.kill('SIGKILL');
        }
        const after = sb.control.stats().oauth;
        const refreshes = after.refreshes - before.refreshes;
        console.log(
          `2 processes × 4 callers: ${results.map((r) => `${r.calls} calls, ${r.failures} failed`).join(' / ')}; ${refreshes} refreshes, ${after.invalidGrants - before.invalidGrants} invalid_grant`,
        );
        expect(results.flatMap((r) => r.errors)).toEqual([]);
        expect(results.map((r) => r.failures)).toEqual([0, 0]);
        expect(after.invalidGrants - before.invalidGrants).toBe(0);
        expect(after.reusedRefreshTokens - before.reusedRefreshTokens).toBe(0);
        // One refresh per token lifetime for both processes together, not one per process.
        expect(refreshes).toBeGreaterThanOrEqual(30);
        expect(refreshes).toBeLessThanOrEqual(70);
        for (const r of results) expect(r.calls).toBeGreaterThan(500);
      } finally {
        await t.cleanup();
      }
    },
  );
});
