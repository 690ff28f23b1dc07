/**
 * `cin7-ghl events` without a running service (the command opens the store): subscribe prints the
 * signing secret once and keeps it encrypted in the vault; bad URLs and event names are refused
 * naming the fix; rotate-secret replaces it; unsubscribe removes the subscription and its secret.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscriptionSecretName } from '../../src/events/subscriptions.js';
import { silentLogger } from '../../src/log/logger.js';
import { openStore } from '../../src/store/open.js';
import { runCli } from '../helpers/cli.js';
import { seedPgliteDir, testConfig } from '../helpers/store.js';

describe('cin7-ghl events (no service running)', () => {
  let root: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'cin7ghl-events-'));
    await seedPgliteDir(path.join(root, 'sandbox'));
    env = { CIN7_GHL_DATA_DIR: root, CIN7_GHL_LOG_LEVEL: 'warn' };
  });
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('subscribe, list, rotate-secret, unsubscribe; the secret lives encrypted in the vault', async () => {
    const sub = await runCli(
      ['events', 'subscribe', 'https://hooks.example.com/a', '--events', '*', '--json'],
      { env },
    );
    expect(sub.code, sub.stderr).toBe(0);
    const created = JSON.parse(sub.stdout) as { id: string; secret: string; events: string[] };
    expect(created.events).toEqual(['*']);
    const rotated = await runCli(['events', 'rotate-secret', created.id, '--json'], { env });
    expect(rotated.code, rotated.stderr).toBe(0);
    const next = (JSON.parse(rotated.stdout) as { secret: string }).secret;
    expect(next).not.toBe(created.secret);
    const list = await runCli(['events', 'list'], { env });
    expect(list.stdout).toContain(`${created.id}  https://hooks.example.com/a  [*]  (cli)`);

    const store = await openStore(testConfig({ root }), { logger: silentLogger() });
    try {
      expect(await store.vault.get(subscriptionSecretName(created.id))).toBe(next);
      const raw = await store.db.selectFrom('secrets').selectAll().execute();
      expect(JSON.stringify(raw)).not.toContain(next);
    } finally {
      await store.close();
    }

    const un = await runCli(['events', 'unsubscribe', created.id], { env });
    expect(un.code, un.stderr).toBe(0);
    expect((await runCli(['events', 'list', '--json'], { env })).stdout).toContain('"subscriptions": []');
    const all = await runCli(['events', 'list', '--all', '--json'], { env });
    expect(
      (JSON.parse(all.stdout) as { subscriptions: Array<{ deletedAt: string | null }> }).subscriptions[0]!
        .deletedAt,
    ).toBeTruthy();
  });

  it('refuses a bad URL and an unknown event, naming the fix', async () => {
    const badUrl = await runCli(['events', 'subscribe', 'ftp://x', '--events', 'record.synced'], { env });
    expect(badUrl.code).toBe(1);
    expect(badUrl.stderr).toContain('subscription url: ftp: is not http or https');
    const badEvent = await runCli(
      ['events', 'subscribe', 'https://x.example.com', '--events', 'record.deleted'],
      { env },
    );
    expect(badEvent.code).toBe(1);
    expect(badEvent.stderr).toContain('unknown event "record.deleted"');
    expect(badEvent.stderr).toContain(
      'record.synced, record.failed, conflict.created, run.completed, run.failed, connection.needs_reauth',
    );
  });
});
