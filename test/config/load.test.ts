import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { ConfigErrors } from '../../src/errors/index.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'cfg-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function load(
  yaml: string,
  environment: Record<string, string> = {},
  extra: Parameters<typeof loadConfig>[0] = {},
) {
  const file = path.join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, yaml);
  return loadConfig({ configPath: file, environment, cwd: dir, ...extra });
}

function refusal(fn: () => unknown): ConfigErrors {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigErrors) return e;
    throw e;
  }
  throw new Error('expected the config to be refused');
}

describe('loadConfig: malformed configs are refused naming the key, the bad value and the fix', () => {
  const cases: Array<{
    name: string;
    yaml: string;
    env?: Record<string, string>;
    key: string;
    says: RegExp;
    fix: RegExp;
  }> = [
    {
      name: 'URL that is not a URL',
      yaml: 'ghl:\n  baseUrl: services.leadconnectorhq.com\n',
      key: 'ghl.baseUrl',
      says: /"services\.leadconnectorhq\.com": not an http\(s\) URL/,
      fix: /https:\/\/services\.leadconnectorhq\.com/,
    },
    {
      name: 'misspelt key',
      yaml: 'ghl:\n  baseURL: https://x.test\n',
      key: 'ghl.baseURL',
      says: /unknown key/,
      fix: /baseUrl/,
    },
    {
      name: 'port as text',
      yaml: 'server:\n  port: "eighty"\n',
      key: 'server.port',
      says: /"eighty": wrong type/,
      fix: /TCP port/,
    },
    {
      name: 'port out of range',
      yaml: 'server:\n  port: 70000\n',
      key: 'server.port',
      says: /70000/,
      fix: /between 0 and 65535/,
    },
    {
      name: 'unknown time zone',
      yaml: 'timeZone: Mars/Olympus\n',
      key: 'timeZone',
      says: /not an IANA time zone/,
      fix: /Australia\/Sydney/,
    },
    {
      name: 'bad cron',
      yaml: 'reconcile:\n  schedule: nightly\n',
      key: 'reconcile.schedule',
      says: /not a 5-field cron/,
      fix: /0 2 \* \* \*/,
    },
    {
      name: 'bad conflict policy',
      yaml: 'reconcile:\n  conflictPolicy: coin-toss\n',
      key: 'reconcile.conflictPolicy',
      says: /coin-toss/,
      fix: /owner, newest, manual/,
    },
    {
      name: 'page size over the cap',
      yaml: 'cin7:\n  pageSize: 5000\n',
      key: 'cin7.pageSize',
      says: /5000/,
      fix: /1 to 1000/,
    },
    {
      name: 'secret in the file',
      yaml: 'cin7:\n  applicationKey: abcdef123456\n',
      key: 'cin7.applicationKey',
      says: /secrets may not be written/,
      fix: /CIN7_APPLICATION_KEY/,
    },
    {
      name: 'YAML syntax error',
      yaml: 'ghl: [1, 2\n',
      key: '(YAML line',
      says: /YAML/,
      fix: /fix the YAML syntax/,
    },
    {
      name: 'top level not a mapping',
      yaml: '- a\n- b\n',
      key: '(top level)',
      says: /not a mapping/,
      fix: /ghl:/,
    },
    {
      name: 'headroom out of range',
      yaml: 'reconcile:\n  dailyHeadroom: 2\n',
      key: 'reconcile.dailyHeadroom',
      says: /2/,
      fix: /0 to 0\.9/,
    },
    {
      name: 'port from the environment not a number',
      yaml: '',
      env: { CIN7_GHL_PORT: 'abc' },
      key: 'CIN7_GHL_PORT',
      says: /"abc" is not a number/,
      fix: /set CIN7_GHL_PORT to a number/,
    },
    {
      name: 'master key of the wrong length',
      yaml: '',
      env: { CIN7_GHL_MASTER_KEY: 'c2hvcnQ=' },
      key: 'CIN7_GHL_MASTER_KEY',
      says: /5 bytes, not 32/,
      fix: /openssl rand -base64 32/,
    },
    {
      name: 'PostgreSQL without a master key',
      yaml: '',
      env: { DATABASE_URL: 'postgres://u@h/db' },
      key: 'CIN7_GHL_MASTER_KEY',
      says: /required when DATABASE_URL is set/,
      fix: /every machine/,
    },
    {
      name: 'DATABASE_URL that is not postgres',
      yaml: '',
      env: { DATABASE_URL: 'mysql://u@h/db' },
      key: 'DATABASE_URL',
      says: /not a postgres:\/\/ URL/,
      fix: /unset it/,
    },
    {
      name: 'wrong type for a flag',
      yaml: 'sync:\n  cin7ToGhl: "yes"\n',
      key: 'sync.cin7ToGhl',
      says: /"yes": wrong type/,
      fix: /true or false/,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const e = refusal(() => load(c.yaml, c.env ?? {}));
      const issue = e.issues.find((i) => i.key.startsWith(c.key));
      expect(issue, `no issue for ${c.key} in: ${e.message}`).toBeDefined();
      expect(issue!.message).toMatch(c.says);
      expect(issue!.hint).toMatch(c.fix);
      expect(e.message).toContain(c.key);
    });
  }

  it('reports every problem of a file at once', () => {
    const e = refusal(() => load('server:\n  port: -1\ntimeZone: Nowhere/Here\n'));
    expect(e.issues.map((i) => i.key).sort()).toEqual(['server.port', 'timeZone']);
  });

  it('refuses an unknown environment', () => {
    const e = refusal(() => loadConfig({ env: 'prod', environment: {}, cwd: dir }));
    expect(e.message).toMatch(/unknown environment "prod".*sandbox, staging, production/s);
  });

  it('refuses a --config path that does not exist', () => {
    const e = refusal(() =>
      loadConfig({ configPath: path.join(dir, 'missing.yaml'), environment: {}, cwd: dir }),
    );
    expect(e.message).toMatch(/does not exist/);
  });
});

describe('loadConfig: precedence and environments', () => {
  it('takes the flag over the environment variable over the file', () => {
    const yaml = 'server:\n  port: 1111\n';
    expect(load(yaml).server.port).toBe(1111);
    expect(load(yaml, { CIN7_GHL_PORT: '2222' }).server.port).toBe(2222);
    expect(load(yaml, { CIN7_GHL_PORT: '2222' }, { overrides: { 'server.port': 3333 } }).server.port).toBe(
      3333,
    );
  });

  it('gives each environment its own data directory and default file', () => {
    writeFileSync(path.join(dir, 'cin7-ghl.staging.yaml'), 'server:\n  port: 4444\n');
    const staging = loadConfig({
      env: 'staging',
      environment: { CIN7_GHL_DATA_DIR: path.join(dir, 'root') },
      cwd: dir,
    });
    const production = loadConfig({
      environment: { CIN7_GHL_ENV: 'production', CIN7_GHL_DATA_DIR: path.join(dir, 'root') },
      cwd: dir,
    });
    expect(staging.dataDir).toBe(path.join(dir, 'root', 'staging'));
    expect(staging.server.port).toBe(4444);
    expect(production.env).toBe('production');
    expect(production.dataDir).toBe(path.join(dir, 'root', 'production'));
    expect(production.server.port).toBe(3000);
  });

  it('refuses a file written for another environment', () => {
    const e = refusal(() => load('env: production\n', {}, { env: 'staging' }));
    expect(e.issues[0]!.key).toBe('env');
  });

  it('reads secrets only from the environment, and a GHL token switches to token mode', () => {
    const config = load('', {
      GHL_TOKEN: 'pit-123456',
      CIN7_APPLICATION_KEY: 'key-abcdef',
      GHL_LOCATION_ID: 'loc1',
    });
    expect(config.secrets.ghlToken).toBe('pit-123456');
    expect(config.secrets.cin7ApplicationKey).toBe('key-abcdef');
    expect(config.ghl.authMode).toBe('pit');
    expect(config.ghl.locationId).toBe('loc1');
  });

  it('defaults match the vendors documented limits', () => {
    const config = load('');
    expect(config.ghl.rateLimit).toEqual({ requests: 100, windowMs: 10_000 });
    expect(config.cin7.rateLimit).toEqual({ requests: 60, windowMs: 60_000 });
    expect(config.server.host).toBe('127.0.0.1');
    expect(config.reconcile.schedule).toBe('0 2 * * *');
    expect(config.databaseUrl).toBeNull();
  });
});
