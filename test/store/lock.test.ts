import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreLockedError } from '../../src/errors/index.js';
import { createLogger, silentLogger } from '../../src/log/logger.js';
import { acquireStoreLock, readStoreLock, setStoreLockUrl } from '../../src/store/lock.js';
import { startChild } from './fixtures/child.js';

const fixture = path.resolve(import.meta.dirname, 'fixtures/store-child.ts');
const logger = silentLogger();
let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

function tempDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'cin7ghl-lock-'));
  dirs.push(d);
  return d;
}

/** The PID of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(r.stdout.toString());
}

function writeLock(dir: string, content: Record<string, unknown> | string): void {
  writeFileSync(
    path.join(dir, 'store.lock'),
    typeof content === 'string' ? content : JSON.stringify(content),
  );
}

describe('store lock', () => {
  it('is taken, read back, refused to a second holder in the same process, and released', async () => {
    const dir = tempDir();
    const lock = await acquireStoreLock(dir, logger);
    const info = readStoreLock(dir);
    expect(info).toMatchObject({ pid: process.pid, host: hostname() });
    expect(Date.parse(info!.startedAt)).toBeGreaterThan(Date.now() - 60_000);
    await expect(acquireStoreLock(dir, logger)).rejects.toBeInstanceOf(StoreLockedError);
    lock.release();
    expect(readStoreLock(dir)).toBeNull();
    expect(readdirSync(dir)).toEqual([]); // no temp files left behind
    lock.release(); // idempotent
  });

  it('records the service URL, which a refused process is told', async () => {
    const dir = tempDir();
    const lock = await acquireStoreLock(dir, logger);
    setStoreLockUrl(dir, 'http://127.0.0.1:4567');
    expect(readStoreLock(dir)?.url).toBe('http://127.0.0.1:4567');
    const error = await acquireStoreLock(dir, logger).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreLockedError);
    expect((error as StoreLockedError).url).toBe('http://127.0.0.1:4567');
    expect((error as Error).message).toContain('http://127.0.0.1:4567');
    lock.release();
    expect(() => setStoreLockUrl(dir, 'http://x')).toThrow(/does not hold/);
  });

  it('takes over a lock whose process is dead', async () => {
    const dir = tempDir();
    const pid = deadPid();
    writeLock(dir, { pid, host: hostname(), nonce: 'old', startedAt: new Date().toISOString() });
    const lock = await acquireStoreLock(dir, logger);
    expect(readStoreLock(dir)?.pid).toBe(process.pid);
    expect(readdirSync(dir)).toEqual(['store.lock']);
    lock.release();
  });

  it('takes over a lock naming this PID that this process never took (a restarted container)', async () => {
    const dir = tempDir();
    writeLock(dir, {
      pid: process.pid,
      host: hostname(),
      nonce: 'previous-life',
      startedAt: new Date().toISOString(),
    });
    const lock = await acquireStoreLock(dir, logger);
    expect(readStoreLock(dir)?.nonce).toBe(lock.info.nonce);
    lock.release();
  });

  it('takes over an unreadable lock file and one whose takeover was abandoned by a dead process', async () => {
    const dir = tempDir();
    writeLock(dir, 'garbage{');
    const a = await acquireStoreLock(dir, logger);
    a.release();
    const pid = deadPid();
    writeLock(dir, { pid, host: hostname(), nonce: 'stale1', startedAt: new Date().toISOString() });
    writeFileSync(path.join(dir, 'store.lock.break-stale1-1'), JSON.stringify({ pid, host: hostname() }));
    const b = await acquireStoreLock(dir, logger);
    expect(readStoreLock(dir)?.nonce).toBe(b.info.nonce);
    expect(readdirSync(dir)).toEqual(['store.lock']);
    b.release();
  });

  it('refuses a lock held by a live process in another process, naming its PID', async () => {
    const root = tempDir();
    const holder = startChild(fixture, ['lock', '10000'], { CIN7_GHL_DATA_DIR: root });
    try {
      await holder.waitFor(/^won/);
      const error = await acquireStoreLock(path.join(root, 'sandbox'), logger).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreLockedError);
      expect((error as StoreLockedError).pid).toBe(holder.proc.pid);
    } finally {
      holder.kill();
    }
  });

  it('treats a lock from another host as held, and says how to clear it', async () => {
    const dir = tempDir();
    writeLock(dir, { pid: 12345, host: 'some-other-host', nonce: 'n', startedAt: new Date().toISOString() });
    let out = '';
    const log = createLogger({
      level: 'warn',
      destination: new Writable({
        write(c: Buffer, _e, cb) {
          out += c.toString('utf8');
          cb();
        },
      }),
    });
    const error = await acquireStoreLock(dir, log).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreLockedError);
    expect((error as StoreLockedError).pid).toBe(12345);
    expect(out).toContain('some-other-host');
    expect(out).toContain('delete');
  });

  it('lets exactly one of eight processes racing for a stale lock win', async () => {
    for (let attempt = 0; attempt < 2; attempt++) {
      const root = tempDir();
      const dataDir = path.join(root, 'sandbox');
      mkdirSync(dataDir, { recursive: true });
      writeLock(dataDir, {
        pid: deadPid(),
        host: hostname(),
        nonce: `stale-${attempt}`,
        startedAt: new Date().toISOString(),
      });
      const children = Array.from({ length: 8 }, () =>
        startChild(fixture, ['lock', '8000', 'go'], { CIN7_GHL_DATA_DIR: root }),
      );
      try {
        // All eight try at the same moment, once every one of them has started.
        await Promise.all(children.map((c) => c.waitFor(/^waiting$/, 30_000)));
        for (const c of children) c.proc.stdin!.write('go\n');
        const results = await Promise.all(children.map((c) => c.waitFor(/^(won|locked \d+)$/, 30_000)));
        const winners = children.filter((_, i) => results[i] === 'won');
        expect(winners).toHaveLength(1);
        for (const r of results.filter((x) => x !== 'won')) expect(r).toBe(`locked ${winners[0]!.proc.pid}`);
      } finally {
        for (const c of children) c.kill();
      }
      // Only the (killed) winner's lock is left: no temp or takeover files.
      expect(readdirSync(dataDir)).toEqual(['store.lock']);
      expect(JSON.parse(readFileSync(path.join(dataDir, 'store.lock'), 'utf8')).pid).toBe(
        children.find((_, i) => i >= 0 && children[i]!.lines.includes('won'))!.proc.pid,
      );
    }
  }, 90_000);
});
