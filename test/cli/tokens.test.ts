/**
 * `cin7-ghl tokens` without a running service: the command opens the store itself. The token is
 * printed once (stdout only), listed by name without its value, and revoked.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { seedPgliteDir } from '../helpers/store.js';

describe('cin7-ghl tokens (no service running)', () => {
  let root: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'cin7ghl-tokens-'));
    await seedPgliteDir(path.join(root, 'sandbox'));
    env = { CIN7_GHL_DATA_DIR: root, CIN7_GHL_LOG_LEVEL: 'warn' };
  });
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('create prints the token once; list shows names, never values; revoke marks it; bad input exits 1', async () => {
    const created = await runCli(['tokens', 'create', 'n8n'], { env });
    expect(created.code, created.stderr).toBe(0);
    const lines = created.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^Created token tok_[0-9a-f]{12} \(n8n\)\. Shown once/);
    const token = lines[1]!;
    expect(token).toMatch(/^c7g_[A-Za-z0-9_-]{40}$/);
    expect(created.stderr).not.toContain(token);
    const id = /tok_[0-9a-f]{12}/.exec(lines[0]!)![0];

    const list = await runCli(['tokens', 'list'], { env });
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain(id);
    expect(list.stdout).toContain('n8n');
    expect(list.stdout).not.toContain(token);

    const revoked = await runCli(['tokens', 'revoke', id, '--json'], { env });
    expect(revoked.code, revoked.stderr).toBe(0);
    expect((JSON.parse(revoked.stdout) as { revokedAt: string | null }).revokedAt).toBeTruthy();

    const unknown = await runCli(['tokens', 'revoke', 'tok_000000000000'], { env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No API token with id tok_000000000000.');
  });
});
