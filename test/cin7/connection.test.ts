/**
 * Where Cin7 credentials come from (config wins, else the stored connection) and `connectCin7`
 * (GET /me first; a rejected key stores nothing), on PGlite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectCin7 } from '../../src/cin7/connect.js';
import {
  Cin7ConnectionError,
  applicationKeySecretName,
  cin7ConnectionId,
  credentialsFromConfig,
  credentialsFromStore,
  readCin7Connection,
  webhookSecretName,
} from '../../src/cin7/connection.js';
import { loadConfig } from '../../src/config/load.js';
import { silentLogger } from '../../src/log/logger.js';
import { requirePostgres } from '../helpers/requirements.js';
import { type Backend, type TestStore, openTestStore } from '../helpers/store.js';
import { type SandboxClient, sandboxClient } from './helpers.js';

const pg = requirePostgres('cin7 connection on PostgreSQL');
const backends: Backend[] = pg.available ? ['pglite', 'postgres'] : ['pglite'];
const logger = silentLogger();

describe('credentialsFromConfig', () => {
  const config = (environment: Record<string, string>) =>
    loadConfig({
      cwd: '/nonexistent-dir-for-test',
      environment: { CIN7_GHL_LOG_LEVEL: 'silent', ...environment },
    });

  it('needs both the account id and the application key', () => {
    expect(credentialsFromConfig(config({}))).toBeNull();
    expect(credentialsFromConfig(config({ CIN7_ACCOUNT_ID: 'ABC-acct' }))).toBeNull();
    expect(credentialsFromConfig(config({ CIN7_APPLICATION_KEY: 'key-123456' }))).toBeNull();
    const c = credentialsFromConfig(
      config({
        CIN7_ACCOUNT_ID: 'AAAAAAAA-0000-4000-8000-000000000001',
        CIN7_APPLICATION_KEY: 'key-123456',
        CIN7_BASE_URL: 'http://127.0.0.1:1/ExternalApi/v2',
      }),
    );
    expect(c).toEqual({
      baseUrl: 'http://127.0.0.1:1/ExternalApi/v2',
      accountId: 'AAAAAAAA-0000-4000-8000-000000000001',
      applicationKey: 'key-123456',
      connectionId: 'cin7:aaaaaaaa-0000-4000-8000-000000000001',
      source: 'config',
    });
  });
});

describe.each(backends)('connectCin7 and the stored connection (%s)', (backend) => {
  let t: SandboxClient;
  let s: TestStore;
  beforeAll(async () => {
    [t, s] = await Promise.all([
      sandboxClient({ customers: 3, salesPerCustomer: 0 }),
      openTestStore({ backend }),
    ]);
  });
  afterAll(async () => {
    await t?.close();
    await s?.cleanup();
  });
  const configFor = () => ({ ...s.config, cin7: { ...s.config.cin7, baseUrl: t.sandbox.baseUrl } });

  it('without a connection, the store says how to connect', async () => {
    const err = await credentialsFromStore(s.store, configFor()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Cin7ConnectionError);
    expect((err as Cin7ConnectionError).code).toBe('cin7_not_connected');
    expect((err as Cin7ConnectionError).hint).toContain('connect cin7');
  });

  it('a rejected key stores nothing', async () => {
    const err = await connectCin7({
      store: s.store,
      config: configFor(),
      logger,
      accountId: t.sandbox.accountId,
      applicationKey: '99999999-8888-4777-8666-555555555555',
    }).catch((e: unknown) => e);
    expect((err as Cin7ConnectionError).code).toBe('cin7_credentials_rejected');
    expect(await readCin7Connection(s.store.db)).toBeNull();
    expect(await s.store.vault.names()).not.toContain(
      applicationKeySecretName(cin7ConnectionId(t.sandbox.accountId)),
    );
  });

  it('stores the key in the vault (not in the row), a webhook secret, and reads them back', async () => {
    const r = await connectCin7({
      store: s.store,
      config: configFor(),
      logger,
      accountId: t.sandbox.accountId,
      applicationKey: t.sandbox.applicationKey,
    });
    expect(r.company).toBe('Sandbox Trading Co');
    expect(r.webhooks).toBeNull();
    expect(r.webhooksSkipped).toContain('publicUrl');
    expect(r.calls).toBe(1);
    const id = cin7ConnectionId(t.sandbox.accountId);
    const { rows } = await s.store.query<Record<string, unknown>>('select * from connections where id = $1', [
      id,
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.api).toBe('cin7');
    expect(rows[0]?.auth_mode).toBe('key');
    expect(JSON.stringify(rows)).not.toContain(t.sandbox.applicationKey);
    const { rows: secrets } = await s.store.query<{ ciphertext: Buffer }>('select ciphertext from secrets');
    for (const x of secrets)
      expect(Buffer.from(x.ciphertext).toString('utf8')).not.toContain(t.sandbox.applicationKey);
    expect(await s.store.vault.get(webhookSecretName(id))).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const creds = await credentialsFromStore(s.store, configFor());
    expect(creds).toMatchObject({
      accountId: t.sandbox.accountId,
      applicationKey: t.sandbox.applicationKey,
      source: 'store',
    });

    await s.store.db.updateTable('connections').set({ status: 'disabled' }).where('id', '=', id).execute();
    const inactive = await credentialsFromStore(s.store, configFor()).catch((e: unknown) => e);
    expect((inactive as Cin7ConnectionError).code).toBe('cin7_connection_inactive');
    // Connecting again re-activates it and keeps one row.
    await connectCin7({
      store: s.store,
      config: configFor(),
      logger,
      accountId: t.sandbox.accountId,
      applicationKey: t.sandbox.applicationKey,
    });
    expect((await readCin7Connection(s.store.db))?.status).toBe('active');
  });
});
