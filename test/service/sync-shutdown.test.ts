/**
 * SIGTERM during a real sync (the engine's `sync.customer` jobs through the service, against the
 * sandboxes, GHL slowed to 300 ms a call): the process stops within its graceful timeout, and the
 * next start finishes the work — every customer read ends linked or skipped, none left dirty or
 * pending, and exactly one GHL contact per link (no duplicate, none missing).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cin7Sandbox, startCin7Sandbox } from '../../sandbox/cin7/index.js';
import { type GhlSandbox, startGhlSandbox } from '../../sandbox/ghl/index.js';
import { readAdminToken } from '../../src/service/admin-token.js';
import { seedPgliteDir } from '../helpers/store.js';
import { type Child, startChild } from '../store/fixtures/child.js';
import { eventually } from './helpers.js';

const fixture = path.resolve(import.meta.dirname, 'fixtures/service-child.ts');

interface Status {
  customers: { total: number; dirty: number };
  links: { pending: number; linked: number; unlinked: number };
  skipped: { contacts: number };
  failures: { open: number };
}

describe('SIGTERM during a sync (PGlite, sandboxes)', () => {
  let ghl: GhlSandbox;
  let cin7: Cin7Sandbox;
  let root: string;
  let env: Record<string, string>;
  const children: Child[] = [];

  beforeAll(async () => {
    ghl = await startGhlSandbox({ seed: 8 });
    cin7 = await startCin7Sandbox({ seed: 8, customers: 40, salesPerCustomer: 1 });
    root = mkdtempSync(path.join(os.tmpdir(), 'cin7ghl-sync-stop-'));
    await seedPgliteDir(path.join(root, 'sandbox'));
    env = {
      CIN7_GHL_DATA_DIR: root,
      CHILD_SHUTDOWN_MS: '1500',
      GHL_BASE_URL: ghl.baseUrl,
      GHL_TOKEN: ghl.token,
      GHL_LOCATION_ID: ghl.locationId,
      CIN7_BASE_URL: cin7.baseUrl,
      CIN7_ACCOUNT_ID: cin7.accountId,
      CIN7_APPLICATION_KEY: cin7.applicationKey,
    };
  }, 60_000);
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await ghl?.close();
    await cin7?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  async function start(): Promise<{ child: Child; url: string; token: string }> {
    const child = startChild(fixture, [], env);
    children.push(child);
    const ready = JSON.parse(await child.waitFor(/"ready":true/, 60_000)) as { url: string };
    return { child, url: ready.url, token: readAdminToken(path.join(root, 'sandbox'))! };
  }

  it('loses nothing: the next start finishes the sync, one GHL contact per link', async () => {
    ghl.control.set({ faults: { latencyMs: 300 } });
    const a = await start();
    const feed = await fetch(`${a.url}/api/test/feed`, {
      method: 'POST',
      headers: { authorization: `Bearer ${a.token}` },
    });
    expect(feed.status).toBe(200);
    // Stop while the sync is under way: some contacts written, most not.
    await eventually(() => ghl.control.contactCount() >= 3, 60_000, 20);
    const before = ghl.control.contactCount();
    a.child.kill('SIGTERM');
    expect(await a.child.exited).toBe(0);
    const atStop = ghl.control.contactCount();
    console.log(`stopped with ${atStop} GHL contacts written (${before} when the signal was sent)`);

    ghl.control.set({ faults: {} });
    const b = await start();
    try {
      const status = await eventually(
        async () => {
          const s = (await (
            await fetch(`${b.url}/api/sync/status`, { headers: { authorization: `Bearer ${b.token}` } })
          ).json()) as Status;
          return s.customers.total > 0 && s.customers.dirty === 0 && s.links.pending === 0 ? s : null;
        },
        90_000,
        250,
      );
      const failures = (await (
        await fetch(`${b.url}/api/failures`, { headers: { authorization: `Bearer ${b.token}` } })
      ).json()) as { failures: Array<{ code: string; stage: string; error: string }> };
      // The sandbox seeds a few contacts with invalid emails: those fail alone, at mapping, with a
      // clear error. Nothing failed because of the interruption.
      expect(failures.failures.length).toBe(status.failures.open);
      for (const f of failures.failures) {
        expect(f.stage).toBe('map');
        expect(f.code).toMatch(/^invalid_/);
      }
      expect(atStop).toBeLessThan(status.links.linked);
      // Exactly one GHL contact per link: none missing, no duplicate.
      expect(ghl.control.contactCount()).toBe(status.links.linked);
      console.log(
        `customers ${status.customers.total}, linked ${status.links.linked}, failed ${status.failures.open}, skipped contacts ${status.skipped.contacts}`,
      );
    } finally {
      b.child.kill('SIGTERM');
      expect(await b.child.exited).toBe(0);
    }
  });
});
