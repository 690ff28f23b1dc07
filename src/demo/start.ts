/**
 * `npm start` / `cin7-ghl demo`: both sandboxes in this process with seeded data, the service with
 * the dashboard listening at once, GHL connected through the sandbox's OAuth consent (the product's
 * real connect and callback), Cin7 connected with the sandbox's keys, then in the background: the
 * initial sync (live on the dashboard), one conflict left for a person, and the sync service
 * (polling, jobs) running until the demo stops. Never a vendor host.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import path from 'node:path';
import { type Sandboxes, startSandboxes } from '../../sandbox/index.js';
import { connectCin7 } from '../cin7/connect.js';
import type { Config } from '../config/load.js';
import { AppError, errorMessage } from '../errors/index.js';
import { startGhlConnect } from '../ghl/oauth.js';
import type { Logger } from '../log/logger.js';
import { registerSecret } from '../log/redact.js';
import { setAdminPassword } from '../server/auth/admin.js';
import { generatePassword } from '../server/auth/password.js';
import { runControlFor } from '../server/dashboard/index.js';
import { type RunningService, startService } from '../service/start.js';
import { readStoreLock } from '../store/lock.js';
import { PGLITE_DIR, initialisePgliteDir } from '../store/pglite-init.js';
import { demoConfig } from './config.js';
import { type ConflictSeed, editBothSides, seedNotesAndTasks } from './seed.js';

export interface DemoOptions {
  /** The user's configuration (log level, admin password, time zone …); hosts and keys are replaced. */
  config: Config;
  logger: Logger;
  /** Default 3000; 0 picks a free port. */
  port?: number;
  /** Keep the demo's data directory instead of starting afresh. */
  keep?: boolean;
  /** Default `<data root>/demo`. */
  dataDir?: string;
  /** Cin7 customers seeded (default 150), with 3 sales each. */
  customers?: number;
  /** Pre-existing GHL contacts (default 40; about 40% of them match Cin7 people). */
  ghlContacts?: number;
  /** Divides the vendors' rate windows and delays (default 5). */
  timeScale?: number;
  seed?: number;
  /** Do not start the initial sync (a test starts it with `runInitialSync` while it watches). */
  holdInitialSync?: boolean;
  /** Told each step as it starts (the CLI prints them, so a first start is never silent). */
  onStep?: (text: string) => void;
}

export interface Demo {
  url: string;
  /** The port asked for, when it was taken. */
  movedFrom: number | null;
  /** The admin password (generated on this start unless CIN7_GHL_ADMIN_PASSWORD is set). */
  adminPassword: string;
  passwordSource: 'generated' | 'environment';
  dataDir: string;
  sandboxes: Sandboxes;
  service: RunningService;
  /** Starts the initial sync (when held) and then the rest; resolves when the demo is fully seeded. */
  runInitialSync(): Promise<void>;
  /** Resolves once the initial sync ran, the conflict was recorded and the sync service started. */
  ready: Promise<void>;
  /** The conflict the demo made (null until made, or if none could be). */
  conflict(): ConflictSeed | null;
  /** Stops the service (gracefully), then the sandboxes. Idempotent. */
  stop(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Refuses to wipe a data directory another live demo (or service) holds. */
function assertFree(dataDir: string): void {
  const lock = readStoreLock(dataDir);
  if (lock && lock.host === hostname() && lock.pid !== process.pid && alive(lock.pid)) {
    throw new AppError(
      'demo_running',
      `A demo (process ${lock.pid}) already runs with ${dataDir}${lock.url ? ` at ${lock.url}` : ''}.`,
      { hint: `Open that one, or stop it (Ctrl-C in its terminal, or kill ${lock.pid}) first.` },
    );
  }
}

/**
 * Starts the demo. The returned promise resolves once the dashboard listens and both accounts are
 * connected (a few seconds); the sync then runs in the background (`ready`).
 *
 * @example
 * const demo = await startDemo({ config, logger, port: 3000 });
 * console.log(demo.url, demo.adminPassword);
 * process.once('SIGINT', () => void demo.stop());
 */
export async function startDemo(options: DemoOptions): Promise<Demo> {
  const { logger } = options;
  const dataDir = options.dataDir ?? path.join(path.dirname(options.config.dataDir), 'demo');
  const timeScale = options.timeScale ?? 5;
  const step = options.onStep ?? (() => {});
  assertFree(dataDir);
  if (!options.keep) rmSync(dataDir, { recursive: true, force: true });
  await seedFromTemplate(dataDir, logger, step);

  step('Starting the GHL and Cin7 sandboxes');
  const sandboxes = await startSandboxes({
    seed: options.seed ?? 7,
    ghlContacts: options.ghlContacts ?? 40,
    ghl: { timeScale },
    cin7: { customers: options.customers ?? 150, salesPerCustomer: 3, timeScale, webhookDelayMs: 10_000 },
  });
  let service: RunningService | null = null;
  const stopAll = async () => {
    await service?.stop({ timeoutMs: 5000 }).catch((e: unknown) => {
      logger.warn({ err: e }, `demo: the service did not stop cleanly: ${errorMessage(e)}`);
    });
    await sandboxes.close();
  };
  try {
    const config = demoConfig(options.config, sandboxes, { dataDir, port: options.port ?? 3000, timeScale });
    step('Starting the service and its dashboard');
    service = await startService(config, {
      role: 'all',
      logger,
      port: options.port ?? 3000,
      portFallback: options.port === 0 ? 0 : 20,
      shutdownTimeoutMs: 5000,
      // The initial sync runs first, in view; the sync proper starts after it (`hooks.startSync`).
      holdSync: true,
    });
    const svc = service;
    const url = svc.url as string;
    const ctx = svc.ctx;

    let adminPassword = config.secrets.adminPassword ?? svc.adminPassword;
    if (!adminPassword) {
      // A kept directory has an old password nobody remembers: the demo shows a new one.
      adminPassword = generatePassword();
      registerSecret(adminPassword);
      await setAdminPassword(ctx.store, adminPassword);
    }

    // GHL: the product's OAuth connect, approved on the sandbox's consent page, finished by the
    // service's own callback route. Signed GHL webhooks go to the service from now on.
    step('Connecting GHL (OAuth, approved on the sandbox consent page) and Cin7 (sandbox keys)');
    sandboxes.ghl.control.set({ webhookUrl: `${url}/webhooks/ghl` });
    await connectGhlThroughConsent(ctx.store, ctx.config, config.ghl.timeoutMs);
    await connectCin7({
      store: ctx.store,
      config: ctx.config,
      logger,
      accountId: sandboxes.cin7.accountId,
      applicationKey: sandboxes.cin7.applicationKey,
    });
    ctx.resetClients();
    // Notes and tasks made by "users" on GHL contacts that match Cin7 customers: the initial sync
    // writes to those contacts and reads them back into the profiles.
    seedNotesAndTasks(sandboxes, 12);

    let conflict: ConflictSeed | null = null;
    let started: Promise<void> | null = null;
    let markReady: () => void = () => {};
    let failReady: (e: unknown) => void = () => {};
    const ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      failReady = reject;
    });
    ready.catch(() => {});
    const control = runControlFor(ctx);
    const state = { stopping: false };
    const background = async () => {
      await control.start({ kind: 'sync', trigger: 'demo' });
      await control.idle();
      if (state.stopping) return;
      const sync = control.live();
      logger.info({ status: sync?.status, summary: sync?.summary }, 'demo: initial sync finished');
      // One conflict: both sides change a field, a reconciliation with the manual policy records it.
      conflict = await editBothSides(ctx.store, sandboxes);
      if (conflict) {
        await control.start({ kind: 'reconcile', mode: 'apply', policy: 'manual' });
        await control.idle();
      }
      if (state.stopping) return;
      // From now on the service keeps both sides in step (polling every minute, jobs, inbox).
      await ctx.hooks.startSync?.();
      logger.info('demo: ready (initial sync done, one conflict open, polling every minute)');
    };
    const runInitialSync = () => {
      started ??= background().then(markReady, (e: unknown) => {
        if (!state.stopping)
          logger.error({ err: e }, `demo: the background setup failed: ${errorMessage(e)}`);
        failReady(e);
      });
      return ready;
    };
    if (!options.holdInitialSync) void runInitialSync();

    let stopping: Promise<void> | null = null;
    return {
      url,
      movedFrom: svc.movedFrom,
      adminPassword,
      passwordSource: config.secrets.adminPassword ? 'environment' : 'generated',
      dataDir,
      sandboxes,
      service: svc,
      runInitialSync,
      ready,
      conflict: () => conflict,
      stop: () => {
        stopping ??= (async () => {
          state.stopping = true;
          await stopAll();
          // Work still going in the background ends with the store: wait for it to notice.
          await started?.catch(() => {});
        })();
        return stopping;
      },
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}

/**
 * The embedded database's first initialisation takes seconds: the demo makes it once, into a
 * template beside its data directory (per PGlite version), and copies that on every fresh start.
 */
async function seedFromTemplate(
  dataDir: string,
  logger: Logger,
  step: (text: string) => void,
): Promise<void> {
  const target = path.join(dataDir, PGLITE_DIR);
  if (existsSync(target)) return;
  let version = 'unknown';
  try {
    // The package does not export its package.json: find it above its entry point.
    let dir = path.dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
    for (let i = 0; i < 5 && version === 'unknown'; i++, dir = path.dirname(dir)) {
      const file = path.join(dir, 'package.json');
      if (!existsSync(file)) continue;
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === '@electric-sql/pglite' && pkg.version) version = pkg.version;
    }
  } catch {
    // an unusual install: the version only names the template
  }
  const template = path.join(path.dirname(dataDir), '.demo-template', `pglite-${version}`);
  try {
    if (!existsSync(template)) {
      step('Preparing the embedded database (first start only: a few seconds)');
      logger.info({ template }, 'demo: making the embedded database template');
      mkdirSync(path.dirname(template), { recursive: true });
      await initialisePgliteDir(template).catch((e: unknown) => {
        if (!existsSync(template)) throw e; // another demo made it meanwhile otherwise
      });
    }
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    cpSync(template, target, { recursive: true });
  } catch (e) {
    // The service initialises the database itself then, only slower.
    logger.warn({ err: e }, `demo: no database template (${errorMessage(e)}); initialising from scratch`);
    rmSync(target, { recursive: true, force: true });
  }
}

/**
 * Starts a connect, presses "Allow" on the sandbox's consent page (a form POST, as a browser would)
 * and follows its redirect to the service's OAuth callback, which exchanges the code and stores the
 * tokens. Only for a loopback consent page.
 */
async function connectGhlThroughConsent(
  store: RunningService['ctx']['store'],
  config: Config,
  timeoutMs: number,
): Promise<void> {
  const started = await startGhlConnect(store, config);
  const consent = new URL(started.authorizeUrl);
  if (consent.hostname !== '127.0.0.1' && consent.hostname !== 'localhost') {
    throw new AppError('demo_not_sandbox', `The consent page ${consent.origin} is not the local sandbox.`, {
      hint: 'The demo only ever talks to its own sandboxes.',
    });
  }
  const form = new URLSearchParams(consent.searchParams);
  form.set('decision', 'approve');
  const approved = await fetch(`${consent.origin}${consent.pathname}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    redirect: 'manual',
    signal: AbortSignal.timeout(timeoutMs),
  });
  await approved.arrayBuffer().catch(() => undefined);
  const callback = approved.headers.get('location');
  if (approved.status !== 302 || !callback) {
    throw new AppError('demo_consent_failed', `The sandbox consent page answered ${approved.status}.`, {
      hint: 'This is a bug of the demo: please report it with the log above.',
    });
  }
  const done = await fetch(callback, { redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  const text = await done.text();
  if (done.status !== 200) {
    throw new AppError('demo_connect_failed', `The OAuth callback answered ${done.status}.`, {
      hint: 'See the service log above for the reason.',
      details: { body: text.slice(0, 300) },
    });
  }
}
