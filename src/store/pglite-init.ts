import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { StoreError } from '../errors/index.js';
import type { Logger } from '../log/logger.js';

/** The PGlite data directory inside the environment's data directory. */
export const PGLITE_DIR = 'pglite';
/** Written inside a PGlite directory once its initialisation completed; absent means incomplete. */
export const INIT_MARKER = 'CIN7_GHL_INITIALISED';
const PARTIAL_PREFIX = `${PGLITE_DIR}.init-`;
const INIT_TIMEOUT_MS = 180_000;

/** Start parameters for every PGlite we run: PGlite's defaults plus a small buffer pool. */
export const PGLITE_START_PARAMS_EXTRA = ['-c', 'shared_buffers=16MB'];

/**
 * Makes sure `<dataDir>/pglite` holds a completely initialised database and is safe to open.
 *
 * The first initialisation (initdb: ~3 s, ~0.9 GB peak) runs in a short-lived child process into
 * `pglite.init-<random>`, writes the marker after a clean shutdown, and is renamed into place: the
 * rename is atomic, so `pglite/` only ever appears complete. Leftovers of an interrupted first
 * initialisation are deleted; a `pglite/` without the marker (not made by us, or damaged) is moved
 * aside, never deleted. A stale `postmaster.pid` left by a killed process is removed: the caller
 * holds the store lock, so no other process can be using the directory.
 *
 * @example
 * const pgdata = await preparePgliteDir(config.dataDir, logger);
 */
export async function preparePgliteDir(dataDir: string, logger: Logger): Promise<string> {
  const target = path.join(dataDir, PGLITE_DIR);
  for (const name of readdirSync(dataDir)) {
    if (name.startsWith(PARTIAL_PREFIX)) {
      logger.warn(
        { dir: path.join(dataDir, name) },
        'removing an interrupted first initialisation of the embedded database; it will be redone',
      );
      rmSync(path.join(dataDir, name), { recursive: true, force: true });
    }
  }
  if (existsSync(target) && !existsSync(path.join(target, INIT_MARKER))) {
    const aside = `${target}.incomplete-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    logger.warn(
      { dir: target, movedTo: aside },
      'the embedded database directory was never completely initialised; moving it aside and initialising a new one',
    );
    renameSync(target, aside);
  }
  if (!existsSync(target)) {
    logger.info({ dir: target }, 'initialising the embedded database (first start, takes a few seconds)');
    const started = Date.now();
    await initialisePgliteDir(target);
    logger.info({ dir: target, ms: Date.now() - started }, 'embedded database initialised');
  }
  const pidFile = path.join(target, 'postmaster.pid');
  if (existsSync(pidFile)) {
    logger.warn(
      { file: pidFile },
      'the embedded database was not shut down cleanly (process killed?); recovering from its write-ahead log',
    );
    unlinkSync(pidFile);
  }
  return target;
}

/**
 * Creates a complete PGlite database at `target` (which must not exist), in a child process so this
 * process never pays initdb's memory peak. Also used by tests to build a template directory.
 *
 * @example
 * await initialisePgliteDir('/tmp/template/pglite');
 */
export async function initialisePgliteDir(target: string): Promise<void> {
  if (existsSync(target)) {
    throw new StoreError('store_init_exists', `Cannot initialise ${target}: it already exists.`);
  }
  const parent = path.dirname(target);
  const partial = path.join(parent, `${PARTIAL_PREFIX}${randomBytes(6).toString('hex')}`);
  const pgliteEntry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  try {
    await runInitChild(pgliteEntry, partial);
    writeFileSync(
      path.join(partial, INIT_MARKER),
      `${JSON.stringify({ initialisedAt: new Date().toISOString(), by: 'cin7-ghl-sync' })}\n`,
    );
    renameSync(partial, target);
  } catch (e) {
    rmSync(partial, { recursive: true, force: true });
    throw e;
  }
}

// Plain CommonJS run with `node -e`, so the child needs no TypeScript loader in any context
// (tsx, vitest, the built package). It exits if its parent dies (the IPC channel closes).
const CHILD_SCRIPT = `
process.on('disconnect', () => process.exit(3));
const [entry, dir, extra] = process.argv.slice(1);
const { PGlite } = require(entry);
(async () => {
  const pg = await PGlite.create({ dataDir: dir, startParams: [...PGlite.defaultStartParams, ...JSON.parse(extra)] });
  await pg.query('select 1');
  await pg.close();
  process.send({ ok: true }, () => process.exit(0));
})().catch((e) => { console.error(e && e.stack || String(e)); process.exit(1); });
`;

function runInitChild(pgliteEntry: string, dir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['-e', CHILD_SCRIPT, pgliteEntry, dir, JSON.stringify(PGLITE_START_PARAMS_EXTRA)],
      { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] },
    );
    let stderr = '';
    let ok = false;
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    });
    child.on('message', (m: unknown) => {
      if (m && typeof m === 'object' && (m as { ok?: unknown }).ok === true) ok = true;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), INIT_TIMEOUT_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(initError(dir, String(e), e));
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0 && ok && isDir(dir)) resolve();
      else
        reject(
          initError(
            dir,
            signal
              ? `the initialising process was killed (${signal})`
              : `the initialising process exited with code ${code}: ${stderr.trim() || 'no output'}`,
          ),
        );
    });
  });
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function initError(dir: string, problem: string, cause?: unknown): StoreError {
  return new StoreError(
    'store_init_failed',
    `Could not initialise the embedded database in ${dir}: ${problem}`,
    {
      hint: 'Check free disk space and memory (the first start needs about 1 GB for a few seconds), then start again.',
      ...(cause === undefined ? {} : { cause }),
    },
  );
}
