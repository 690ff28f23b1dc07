import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log/logger.js';
import { openStore } from '../../src/store/open.js';
import { runCli } from '../helpers/cli.js';
import { testConfig } from '../helpers/store.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'cli-cfg-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('cin7-ghl config check', () => {
  it('prints the effective config with secrets masked and the database password hidden', async () => {
    const r = await runCli(['config', 'check', '--json'], {
      cwd: root,
      env: {
        GHL_TOKEN: 'pit-should-never-print-1',
        CIN7_APPLICATION_KEY: 'cin7-key-should-never-print',
        CIN7_GHL_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
        DATABASE_URL: 'postgres://sync:hunter2-password@db.internal:5432/sync',
        CIN7_GHL_PORT: '3456',
      },
    });
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).not.toContain('pit-should-never-print-1');
    expect(r.stdout + r.stderr).not.toContain('cin7-key-should-never-print');
    expect(r.stdout + r.stderr).not.toContain('hunter2-password');
    const shown = JSON.parse(r.stdout) as {
      server: { port: number };
      databaseUrl: string;
      secrets: Record<string, string>;
    };
    expect(shown.server.port).toBe(3456);
    expect(shown.databaseUrl).toBe('postgres://sync:***@db.internal:5432/sync');
    expect(shown.secrets.GHL_TOKEN).toBe('set (hidden)');
    expect(shown.secrets.GHL_CLIENT_SECRET).toBe('not set');
  });

  it('exits 1 with the key and the fix on a bad config', async () => {
    const r = await runCli(['config', 'check'], { cwd: root, env: { CIN7_GHL_PORT: 'x' } });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('CIN7_GHL_PORT: "x" is not a number');
  });
});

describe('cin7-ghl secrets rotate-key', () => {
  it('re-encrypts every secret under a new key file; all stay readable', async () => {
    const dataRoot = path.join(root, 'data');
    const config = testConfig({ root: dataRoot });
    const store = await openStore(config, { logger: silentLogger() });
    await store.vault.put('ghl:test:refresh', 'refresh-token-value-123');
    await store.vault.put('cin7:test:key', 'application-key-value-456');
    const keyBefore = store.vault.currentKeyId;
    await store.close();

    const r = await runCli(['secrets', 'rotate-key', '--json'], {
      cwd: root,
      env: { CIN7_GHL_DATA_DIR: dataRoot },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ rotated: true, secrets: 2 });

    const reopened = await openStore(config, { logger: silentLogger() });
    expect(reopened.vault.currentKeyId).not.toBe(keyBefore);
    expect(await reopened.vault.get('ghl:test:refresh')).toBe('refresh-token-value-123');
    expect(await reopened.vault.get('cin7:test:key')).toBe('application-key-value-456');
    await reopened.close();
  });
});

describe('cin7-ghl config check with mapping and rule files', () => {
  it('validates the mapping and tag-rule files named by the config', async () => {
    const { writeFileSync } = await import('node:fs');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cli-cfg-files-'));
    writeFileSync(path.join(dir, 'cin7-ghl.sandbox.yaml'), 'sync:\n  tagRulesFile: rules.yaml\n');
    writeFileSync(
      path.join(dir, 'rules.yaml'),
      'rules:\n  - tag: vip\n    when: { lifetimeSpendd: { gt: 1000 } }\n',
    );
    const bad = await runCli(['config', 'check'], { cwd: dir });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('lifetimeSpendd');
    writeFileSync(
      path.join(dir, 'rules.yaml'),
      'rules:\n  - tag: vip\n    when: { lifetimeSpend: { gt: 1000 } }\n',
    );
    const good = await runCli(['config', 'check', '--json'], { cwd: dir });
    expect(good.code, good.stderr).toBe(0);
    expect(JSON.parse(good.stdout).tagRules).toEqual({ source: path.join(dir, 'rules.yaml'), rules: 1 });
    rmSync(dir, { recursive: true, force: true });
  });
});
