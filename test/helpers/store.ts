/**
 * Stores for tests: `openTestStore({ backend })` gives an open store in a temporary data directory
 * (PGlite) or a fresh database (PostgreSQL), and `cleanup()` removes everything it made.
 *
 * PGlite directories are seeded from a template initialised once per machine (in
 * node_modules/.cache), so a test does not pay the ~3 s first initialisation unless it asks to
 * (`seed: false`).
 */
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { type Config, loadConfig } from '../../src/config/load.js';
import { type Logger, silentLogger } from '../../src/log/logger.js';
import { type Store, openStore } from '../../src/store/open.js';
import { INIT_MARKER, PGLITE_DIR, initialisePgliteDir } from '../../src/store/pglite-init.js';
import { type TestDatabase, createTestDatabase } from './pg.js';

export type Backend = 'pglite' | 'postgres';

export interface TestStoreOptions {
  backend: Backend;
  logger?: Logger;
  /** CIN7_GHL_MASTER_KEY; PostgreSQL gets a random one when not given. */
  masterKey?: string;
  /** false: no template, the store runs its real first initialisation. Default true. */
  seed?: boolean;
}

export interface TestStore {
  store: Store;
  config: Config;
  /** The temporary root (holds `<env>/` data directories); removed by cleanup. */
  root: string;
  /** Reopens a store on the same data directory / database (close the first one before, on PGlite). */
  reopen(options?: { logger?: Logger; masterKey?: string | null }): Promise<Store>;
  cleanup(): Promise<void>;
}

const repoRoot = path.resolve(import.meta.dirname, '../..');

/** A random 32-byte master key, base64. */
export function randomMasterKey(): string {
  return randomBytes(32).toString('base64');
}

/**
 * The config a test process would load for this root.
 *
 * @example
 * const config = testConfig({ root, databaseUrl: null });
 */
export function testConfig(options: {
  root: string;
  databaseUrl?: string | null;
  masterKey?: string | null;
}): Config {
  const environment: Record<string, string> = {
    CIN7_GHL_DATA_DIR: options.root,
    CIN7_GHL_LOG_LEVEL: 'silent',
  };
  if (options.databaseUrl) environment.DATABASE_URL = options.databaseUrl;
  if (options.masterKey) environment.CIN7_GHL_MASTER_KEY = options.masterKey;
  return loadConfig({ cwd: options.root, environment });
}

/** A completely initialised PGlite directory to copy from, built once per machine. */
export async function pgliteTemplate(): Promise<string> {
  const version = pgliteVersion();
  const cache = path.join(repoRoot, 'node_modules', '.cache', 'cin7-ghl-sync');
  const template = path.join(cache, `pglite-${version}`);
  if (existsSync(path.join(template, INIT_MARKER))) return template;
  mkdirSync(cache, { recursive: true });
  const building = path.join(
    cache,
    `pglite-${version}.build-${process.pid}-${randomBytes(3).toString('hex')}`,
  );
  await initialisePgliteDir(building);
  try {
    renameSync(building, template);
  } catch {
    // another worker finished first
    rmSync(building, { recursive: true, force: true });
  }
  return template;
}

function pgliteVersion(): string {
  // The package does not export its package.json: read it beside the resolved entry point.
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const pkg = JSON.parse(readFileSync(path.join(path.dirname(entry), '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** Copies the template into `<dataDir>/pglite` so the store opens without running initdb. */
export async function seedPgliteDir(dataDir: string): Promise<void> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  cpSync(await pgliteTemplate(), path.join(dataDir, PGLITE_DIR), { recursive: true });
}

/**
 * Opens a store for a test.
 *
 * @example
 * const t = await openTestStore({ backend: 'pglite' });
 * try { await t.store.db.selectFrom('events').selectAll().execute(); } finally { await t.cleanup(); }
 */
export async function openTestStore(options: TestStoreOptions): Promise<TestStore> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'cin7ghl-store-'));
  let database: TestDatabase | null = null;
  const opened: Store[] = [];
  const cleanup = async () => {
    for (const s of opened) await s.close().catch(() => {});
    rmSync(root, { recursive: true, force: true });
    if (database) await database.drop();
  };
  try {
    let masterKey = options.masterKey ?? null;
    if (options.backend === 'postgres') {
      database = await createTestDatabase();
      masterKey ??= randomMasterKey();
    }
    const config = testConfig({ root, databaseUrl: database?.url ?? null, masterKey });
    if (options.backend === 'pglite' && options.seed !== false) await seedPgliteDir(config.dataDir);
    const logger = options.logger ?? silentLogger();
    const store = await openStore(config, { logger, poolSize: 3 });
    opened.push(store);
    const reopen = async (o: { logger?: Logger; masterKey?: string | null } = {}) => {
      const c =
        o.masterKey === undefined
          ? config
          : testConfig({ root, databaseUrl: database?.url ?? null, masterKey: o.masterKey });
      const s = await openStore(c, { logger: o.logger ?? logger, poolSize: 3 });
      opened.push(s);
      return s;
    };
    return { store, config, root, reopen, cleanup };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
