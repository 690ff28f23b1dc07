/**
 * Graceful shutdown of a service process (the real `startService` with a test job kind): SIGTERM
 * while two jobs run — the short one finishes within the timeout, the long one is handed back —
 * loses no job: the process exits 0 and frees the store lock, and the next start finishes the
 * handed-back job and the ones still queued, running the finished one no second time.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readAdminToken } from '../../src/service/admin-token.js';
import { LOCK_FILE } from '../../src/store/lock.js';
import { type Child, startChild } from '../store/fixtures/child.js';
import { seedPgliteDir } from '../helpers/store.js';

const fixture = path.resolve(import.meta.dirname, 'fixtures/service-child.ts');

interface Line {
  ready?: boolean;
  url?: string;
  started?: number;
  done?: number;
  retry?: number;
  pid?: number;
  stopped?: boolean;
}

function parsed(child: Child): Line[] {
  return child.lines.flatMap((l) => {
    try {
      return [JSON.parse(l) as Line];
    } catch {
      return [];
    }
  });
}

describe('graceful shutdown (PGlite)', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'cin7ghl-shutdown-'));
  const dataDir = path.join(root, 'sandbox');
  const env = { CIN7_GHL_DATA_DIR: root, CHILD_SHUTDOWN_MS: '3000' };
  const children: Child[] = [];
  afterAll(() => {
    for (const c of children) c.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
  });

  async function start(): Promise<{ child: Child; url: string; token: string }> {
    const child = startChild(fixture, [], env);
    children.push(child);
    const ready = JSON.parse(await child.waitFor(/"ready":true/, 60_000)) as Line;
    const token = readAdminToken(dataDir);
    expect(token).toBeTruthy();
    return { child, url: ready.url!, token: token! };
  }

  it('SIGTERM during work loses no job; the next start finishes it', async () => {
    await seedPgliteDir(dataDir);
    const a = await start();
    const enqueue = (jobs: Array<{ n: number; ms: number }>) =>
      fetch(`${a.url}/api/test/enqueue`, {
        method: 'POST',
        headers: { authorization: `Bearer ${a.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ jobs }),
      });
    // Two at a time: job 1 takes 800 ms (finishes within the 3 s timeout), job 2 takes 60 s (handed
    // back). Jobs 3 and 4 are queued while both run, so they wait.
    expect(
      (
        await enqueue([
          { n: 1, ms: 800 },
          { n: 2, ms: 60_000 },
        ])
      ).status,
    ).toBe(200);
    await a.child.waitFor(/"started":1,/, 30_000);
    await a.child.waitFor(/"started":2,/, 30_000);
    expect(
      (
        await enqueue([
          { n: 3, ms: 100 },
          { n: 4, ms: 100 },
        ])
      ).status,
    ).toBe(200);
    const signalled = Date.now();
    a.child.kill('SIGTERM');
    expect(await a.child.exited).toBe(0);
    const took = Date.now() - signalled;
    console.log(`SIGTERM to exit: ${took} ms (graceful timeout 3 s; one 60 s job handed back)`);
    const first = parsed(a.child);
    expect(first.some((l) => l.stopped)).toBe(true);
    expect(first.filter((l) => l.done !== undefined).map((l) => l.done)).toEqual([1]);
    expect(
      first
        .filter((l) => l.started !== undefined)
        .map((l) => l.started)
        .sort(),
    ).toEqual([1, 2]);
    // Within the 3 s graceful timeout plus closing (not the 60 s of the long job).
    expect(took).toBeLessThan(20_000);
    expect(existsSync(path.join(dataDir, LOCK_FILE))).toBe(false);

    const b = await start();
    try {
      await b.child.waitFor(/"done":2,/, 30_000);
      await b.child.waitFor(/"done":3,/, 30_000);
      await b.child.waitFor(/"done":4,/, 30_000);
      const res = await fetch(`${b.url}/api/test/done`, { headers: { authorization: `Bearer ${b.token}` } });
      const done = ((await res.json()) as { done: Record<string, { count: number }> }).done;
      // Every job done exactly once across both processes: the finished one was not run again.
      expect(Object.fromEntries(Object.entries(done).map(([k, v]) => [k, v.count]))).toEqual({
        'test.done:1': 1,
        'test.done:2': 1,
        'test.done:3': 1,
        'test.done:4': 1,
      });
      const second = parsed(b.child);
      expect(
        second
          .filter((l) => l.started !== undefined)
          .map((l) => l.started)
          .sort(),
      ).toEqual([2, 3, 4]);
      // The handed-back job came back as a retry.
      expect(second.find((l) => l.started === 2)?.retry).toBe(1);
    } finally {
      b.child.kill('SIGTERM');
      expect(await b.child.exited).toBe(0);
    }
  });
});
