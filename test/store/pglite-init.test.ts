import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger, silentLogger } from '../../src/log/logger.js';
import { openStore } from '../../src/store/open.js';
import { INIT_MARKER, PGLITE_DIR } from '../../src/store/pglite-init.js';
import { seedPgliteDir, testConfig } from '../helpers/store.js';
import { startChild } from './fixtures/child.js';

const fixture = path.resolve(import.meta.dirname, 'fixtures/store-child.ts');
const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

function tempRoot(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'cin7ghl-init-'));
  roots.push(root);
  return root;
}

function capture(): { logger: ReturnType<typeof createLogger>; lines: () => string[] } {
  const out: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      out.push(chunk.toString('utf8'));
      cb();
    },
  });
  return { logger: createLogger({ level: 'info', destination }), lines: () => out.join('').split('\n') };
}

describe('first initialisation and recovery of the embedded database', () => {
  it('initialises a new data directory in a child process, keeping this process at steady memory', async () => {
    const root = tempRoot();
    const config = testConfig({ root });
    const { logger, lines } = capture();
    const store = await openStore(config, { logger });
    try {
      const pgdata = path.join(config.dataDir, PGLITE_DIR);
      expect(existsSync(path.join(pgdata, INIT_MARKER))).toBe(true);
      expect(existsSync(path.join(pgdata, 'PG_VERSION'))).toBe(true);
      expect(readdirSync(config.dataDir).filter((n) => n.startsWith('pglite.init-'))).toEqual([]);
      expect(lines().some((l) => l.includes('initialising the embedded database'))).toBe(true);
      // initdb in this process peaks near 0.9 GB; this test file's process has done nothing else yet,
      // so its lifetime peak shows whether initdb ran here (measured: ~750 MB in-process).
      const peakMb = process.resourceUsage().maxRSS / 1024;
      expect(peakMb).toBeLessThan(600);
      const shared = await store.query<{ shared_buffers: string }>('show shared_buffers');
      expect(shared.rows[0]!.shared_buffers).toBe('16MB');
    } finally {
      await store.close();
    }
  });

  it('removes an interrupted first initialisation and initialises again', async () => {
    const root = tempRoot();
    const config = testConfig({ root });
    const partial = path.join(config.dataDir, 'pglite.init-0badc0ffee');
    mkdirSync(path.join(partial, 'base'), { recursive: true });
    writeFileSync(path.join(partial, 'PG_VERSION'), '17\n');
    await seedPgliteDir(config.dataDir);
    const { logger, lines } = capture();
    const store = await openStore(config, { logger });
    await store.close();
    expect(existsSync(partial)).toBe(false);
    expect(lines().some((l) => l.includes('interrupted first initialisation'))).toBe(true);
  });

  it('moves aside a database directory that was never completely initialised', async () => {
    const root = tempRoot();
    const config = testConfig({ root });
    const broken = path.join(config.dataDir, PGLITE_DIR);
    mkdirSync(broken, { recursive: true });
    writeFileSync(path.join(broken, 'PG_VERSION'), '17\n');
    const { logger, lines } = capture();
    const store = await openStore(config, { logger });
    try {
      expect((await store.query<{ ok: number }>('select 1 as ok')).rows[0]!.ok).toBe(1);
    } finally {
      await store.close();
    }
    const aside = readdirSync(config.dataDir).filter((n) => n.startsWith('pglite.incomplete-'));
    expect(aside).toHaveLength(1);
    expect(existsSync(path.join(config.dataDir, aside[0]!, 'PG_VERSION'))).toBe(true);
    expect(lines().some((l) => l.includes('never completely initialised'))).toBe(true);
  });

  it('survives twenty SIGKILLs at random moments (including the first initialisation) with committed data intact', async () => {
    const rng = mulberry32(20240601);
    // Rounds 1-2: killed during the first initialisation of a new data directory (a random moment
    // after its partial directory appears); the reopen must then initialise it from scratch.
    let killedDuringInit = 0;
    for (let round = 1; round <= 2; round++) {
      const root = tempRoot();
      const config = testConfig({ root });
      const child = startChild(fixture, ['writer'], { CIN7_GHL_DATA_DIR: root });
      try {
        await waitUntil(() => hasPartialInit(config.dataDir), 60_000);
        await sleep(rng() * 1000);
        child.kill('SIGKILL');
        expect(await child.exited).toBe('SIGKILL');
      } finally {
        child.kill('SIGKILL');
      }
      if (!existsSync(path.join(config.dataDir, PGLITE_DIR))) killedDuringInit++;
      // The reopen succeeds; whatever the writer acknowledged (if it got that far) is there.
      const acked = Math.max(0, ...child.lines.map((l) => Number(/^committed (\d+)$/.exec(l)?.[1] ?? 0)));
      const store = await openStore(config, { logger: silentLogger() });
      const { rows } = await store.query<{ n: number }>(
        "select count(*)::int as n from events where kind = 'crash.test'",
      );
      expect(rows[0]!.n).toBeGreaterThanOrEqual(acked);
      await store.close();
    }
    // initdb takes ~3 s here: at least one of the two kills lands inside it
    expect(killedDuringInit).toBeGreaterThanOrEqual(1);
    // Rounds 3-20: one data directory, a writer killed at a random moment each time, then reopened.
    const root = tempRoot();
    const config = testConfig({ root });
    await seedPgliteDir(config.dataDir);
    let acknowledged = 0; // highest n a killed writer reported committed
    for (let round = 3; round <= 20; round++) {
      const child = startChild(fixture, ['writer'], { CIN7_GHL_DATA_DIR: root });
      try {
        if (round % 2 === 1) {
          // A random moment after start: start-up, lock takeover, recovery, migrations or first writes.
          await sleep(300 + rng() * 1500);
        } else {
          // While writing: after a random number of commits, at a random offset.
          const target = 1 + Math.floor(rng() * 40);
          await waitUntil(
            () => child.lines.filter((l) => l.startsWith('committed')).length >= target,
            60_000,
          );
          await sleep(rng() * 30);
        }
        child.kill('SIGKILL');
        expect(await child.exited).toBe('SIGKILL');
      } finally {
        child.kill('SIGKILL');
      }
      for (const line of child.lines) {
        const m = /^committed (\d+)$/.exec(line);
        if (m) acknowledged = Math.max(acknowledged, Number(m[1]));
      }
      // Every reopen must succeed and hold every acknowledged commit, whole.
      const store = await openStore(config, { logger: silentLogger() });
      try {
        const { rows } = await store.query<{ n: number; max: number | null }>(
          "select count(*)::int as n, max(message::int) as max from events where kind = 'crash.test'",
        );
        const last = await store.db
          .selectFrom('checkpoints')
          .select('value')
          .where('name', '=', 'crash.last')
          .executeTakeFirst();
        const n = rows[0]!.n;
        expect(n).toBeGreaterThanOrEqual(acknowledged);
        expect(rows[0]!.max ?? 0).toBe(n); // commits are sequential: no gaps
        expect(last?.value ?? 0).toBe(n); // both rows of each transaction, or neither
        acknowledged = n;
      } finally {
        await store.close();
      }
    }
    expect(acknowledged).toBeGreaterThan(0);
  }, 240_000);
});

function hasPartialInit(dataDir: string): boolean {
  return existsSync(dataDir) && readdirSync(dataDir).some((n) => n.startsWith('pglite.init-'));
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}

/** A seeded PRNG, so a failing round can be replayed. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
