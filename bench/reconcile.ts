/**
 * `npm run bench -- reconcile [--sizes 20000,100000] [--backends postgres,pglite] [--scale 20]
 *   [--drift 0.01] [--seed 1]`
 *
 * A nightly reconciliation over N linked records. This process runs both sandboxes and seeds the
 * linked state directly, as a sync leaves it: every mapped Cin7 contact gets a GHL contact with the
 * mapped values (through the GHL sandbox's control API, as a GHL user would create it) and a link
 * row with the per-field hashes a sync stores. Then `--drift` of the records change on each side
 * (a Cin7 city, a GHL city). The product runs in a child process — `cin7-ghl reconcile --plan
 * --json`, then `--apply --json` — so its peak RSS is its own (read from the kernel at exit).
 * The vendors' rate windows are divided by `--scale`, and the product's limiter alike.
 *
 * Prints per size and backend: calls used / minimum per API, the plan's forecast, wall time and the
 * rate-limit bound (the least time the scaled windows allow for those calls), and peak RSS (goal
 * ≤ 300 MB on PostgreSQL); `--node-flags '--max-old-space-size=160'` runs the product with a heap cap
 * (a run that completes under it had less live heap than that). PostgreSQL uses DATABASE_URL (default the local server), in a scratch
 * database dropped afterwards. A benchmark prints figures; it asserts nothing.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startSandboxes } from '../sandbox/index.js';
import { parseCin7Date } from '../src/cin7/normalize.js';
import { customerSchema } from '../src/cin7/schemas.js';
import { loadConfig } from '../src/config/load.js';
import { silentLogger } from '../src/log/logger.js';
import { openStore } from '../src/store/open.js';
import {
  createBody,
  hashValue,
  mapCustomer,
  parseMapping,
  readGhlContact,
} from '../src/sync/mapping/index.js';
import { json } from '../src/sync/repo/db-errors.js';
import { scaledConfigYaml } from '../test/sync/engine/harness.js';

const argv = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? (argv[i + 1] as string) : fallback;
};
const sizes = flag('--sizes', '20000,100000').split(',').map(Number);
const backends = flag('--backends', 'postgres,pglite').split(',') as Array<'postgres' | 'pglite'>;
const scale = Number(flag('--scale', '20'));
const driftShare = Number(flag('--drift', '0.01'));
const seed = Number(flag('--seed', '1'));
/** Extra node flags for the product process, e.g. `--max-old-space-size=160` (a heap cap). */
const nodeFlags = flag('--node-flags', '')
  .split(' ')
  .filter((f) => f !== '');
const adminUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const repo = path.resolve(import.meta.dirname, '..');
const BIN = path.join(repo, 'bin', 'cin7-ghl');
const RSS_PRELOAD = path.join(repo, 'bench', '_rss.mjs');
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

interface ChildResult {
  code: number | null;
  out: Record<string, unknown>;
  wallMs: number;
  peakRssMb: number;
  stderr: string;
}

function reconcile(mode: 'plan' | 'apply', cwd: string, env: Record<string, string>): Promise<ChildResult> {
  const rssFile = path.join(cwd, `rss-${mode}-${randomBytes(3).toString('hex')}`);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...nodeFlags, '--import', RSS_PRELOAD, BIN, 'reconcile', `--${mode}`, '--json'],
      {
        cwd,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env, BENCH_RSS_FILE: rssFile },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += String(d);
    });
    child.stderr.on('data', (d) => {
      stderr = (stderr + String(d)).slice(-4000);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = Math.round(performance.now() - started);
      let out: Record<string, unknown> = {};
      try {
        out = JSON.parse(stdout) as Record<string, unknown>;
      } catch {
        out = { unparsed: stdout.slice(0, 500) };
      }
      let peak = 0;
      try {
        peak = Number(readFileSync(rssFile, 'utf8'));
      } catch {
        peak = 0;
      }
      resolve({ code, out, wallMs, peakRssMb: mb(peak), stderr });
    });
  });
}

async function one(size: number, backend: 'postgres' | 'pglite'): Promise<Record<string, unknown>> {
  const t0 = performance.now();
  const customers = Math.ceil(size / 0.78);
  const sb = await startSandboxes({
    seed,
    cin7: { customers, salesPerCustomer: 0, timeScale: scale },
    ghl: { timeScale: scale },
  });
  const root = mkdtempSync(path.join(os.tmpdir(), 'cin7ghl-bench-reconcile-'));
  let dbName: string | null = null;
  try {
    writeFileSync(path.join(root, 'cin7-ghl.sandbox.yaml'), scaledConfigYaml(scale));
    const r = sb.readyInfo();
    const env: Record<string, string> = {
      CIN7_GHL_DATA_DIR: path.join(root, 'data'),
      CIN7_GHL_LOG_LEVEL: 'warn',
      GHL_BASE_URL: r.ghl.baseUrl,
      GHL_TOKEN: r.ghl.token,
      GHL_LOCATION_ID: r.ghl.locationId,
      CIN7_BASE_URL: r.cin7.baseUrl,
      CIN7_ACCOUNT_ID: r.cin7.accountId,
      CIN7_APPLICATION_KEY: r.cin7.applicationKey,
    };
    if (backend === 'postgres') {
      dbName = `cin7ghl_bench_${randomBytes(4).toString('hex')}`;
      await admin(`CREATE DATABASE "${dbName}"`);
      const url = new URL(adminUrl);
      url.pathname = `/${dbName}`;
      env.DATABASE_URL = url.toString();
      env.CIN7_GHL_MASTER_KEY = randomBytes(32).toString('base64');
    }

    // The linked state a sync leaves: GHL contacts with the mapped values, links with their hashes.
    const mapping = parseMapping({});
    const loc = r.ghl.locationId;
    const config = loadConfig({ cwd: root, environment: env });
    const store = await openStore(config, { logger: silentLogger() });
    const claimed = new Set<string>();
    const linked: Array<{ customerId: string; addressIds: string[]; ghlId: string }> = [];
    try {
      let rows: Array<Record<string, unknown>> = [];
      const flush = async () => {
        if (rows.length === 0) return;
        await store.db
          .insertInto('links')
          .values(rows as never)
          .execute();
        rows = [];
      };
      for (const raw of sb.cin7.customers()) {
        if (linked.length >= size) break;
        const customer = customerSchema.parse(raw);
        for (const c of mapCustomer(customer, mapping).contacts) {
          if (linked.length >= size) break;
          // As the sync claims identities: a shared email fails the second contact; a shared phone
          // is left out of the second one (withheld), which is then created without it.
          const email = c.identity.email;
          let phone = c.identity.phone;
          if (email !== null && claimed.has(email)) continue;
          if (phone !== null && claimed.has(phone)) phone = null;
          if (email === null && phone === null) continue;
          if (email !== null) claimed.add(email);
          if (phone !== null) claimed.add(phone);
          const { locationId: _l, ...fields } = createBody(c, loc, []) as Record<string, unknown>;
          if (phone === null) delete fields.phone;
          const ghl = sb.ghl.control.createContact(fields as never);
          const ghlHashes = readGhlContact(ghl as never, mapping).hashes;
          const modified = parseCin7Date(customer.LastModifiedOn);
          rows.push({
            cin7_customer_id: c.cin7CustomerId,
            cin7_contact_id: c.cin7ContactId,
            ghl_location_id: loc,
            ghl_contact_id: ghl.id,
            state: 'linked',
            email,
            phone,
            hashes: json({
              ...c.hashes,
              dnd: ghlHashes.dnd ?? hashValue(null),
              ...(phone === null ? { phone: hashValue(null) } : {}),
            }),
            synced_values: json({ ...c.fields, ...(phone === null ? { phone: null } : {}) }),
            withheld: json(
              phone === null && c.identity.phone !== null && c.hashes.phone ? { phone: c.hashes.phone } : {},
            ),
            ghl_tags: json(ghl.tags ?? []),
            ghl_changed_at: ghl.dateUpdated ? new Date(ghl.dateUpdated) : null,
            cin7_changed_at: modified === null ? null : new Date(modified),
            synced_at: new Date(),
          });
          linked.push({
            customerId: customer.ID,
            addressIds: customer.Addresses.map((a) => a.ID),
            ghlId: ghl.id as string,
          });
          if (rows.length >= 1000) await flush();
        }
      }
      await flush();
    } finally {
      await store.close();
    }

    // Drift on each side.
    const n = Math.round(linked.length * driftShare);
    const withAddress = linked.filter((l) => l.addressIds.length > 0);
    for (let i = 0; i < n; i++) {
      const a = withAddress[(i * 7) % withAddress.length];
      const b = withAddress[(i * 7 + 3) % withAddress.length];
      if (!a || !b) break;
      for (const id of a.addressIds)
        sb.cin7.control.editAddress(a.customerId, id, { City: `Benchville ${i}` });
      sb.ghl.control.editContact(b.ghlId, { city: `Benchtown ${i}` });
    }
    const setupMs = Math.round(performance.now() - t0);

    const plan = await reconcile('plan', root, env);
    const apply = await reconcile('apply', root, env);
    const cfg = loadConfig({ cwd: root, environment: env });
    const calls = (apply.out.calls ?? { ghl: 0, cin7: 0 }) as { ghl: number; cin7: number };
    const minimum = (apply.out.minimumCalls ?? { ghl: 0, cin7: 0 }) as { ghl: number; cin7: number };
    const windows = (c: number, limit: number) => Math.max(0, Math.ceil(c / limit) - 1);
    const boundMs = Math.max(
      windows(calls.cin7, cfg.cin7.rateLimit.requests) * cfg.cin7.rateLimit.windowMs,
      windows(calls.ghl, cfg.ghl.rateLimit.requests) * cfg.ghl.rateLimit.windowMs,
    );
    const ratio = (a: number, b: number) => (b > 0 ? Number((a / b).toFixed(3)) : null);
    return {
      scenario: `${linked.length} linked records (${customers} Cin7 customers), ${n} changed on each side; ${backend}; windows scaled ${scale}× (GHL 100 per ${cfg.ghl.rateLimit.windowMs} ms, Cin7 60 per ${cfg.cin7.rateLimit.windowMs} ms)`,
      plan: {
        exit: plan.code,
        counts: plan.out.counts,
        forecastCalls: plan.out.forecastCalls,
        wallMs: plan.wallMs,
        phasesMs: plan.out.phasesMs,
        peakRssMb: plan.peakRssMb,
      },
      apply: {
        exit: apply.code,
        counts: apply.out.counts,
        applied: apply.out.applied,
        failed: apply.out.failed,
        deferred: apply.out.deferred,
        calls,
        minimumCalls: minimum,
        callsOverMinimum: { ghl: ratio(calls.ghl, minimum.ghl), cin7: ratio(calls.cin7, minimum.cin7) },
        wallMs: apply.wallMs,
        phasesMs: apply.out.phasesMs,
        rateLimitBoundMs: boundMs,
        peakRssMb: apply.peakRssMb,
      },
      goals: { callsOverMinimum: 1.02, peakRssMbOnPostgres: 300 },
      setupMs,
      ...(plan.code !== 0 || apply.code === 1
        ? { stderr: `${plan.stderr}\n${apply.stderr}`.slice(-2000) }
        : {}),
    };
  } finally {
    await sb.close();
    rmSync(root, { recursive: true, force: true });
    if (dbName) await admin(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).catch(() => {});
  }
}

for (const size of sizes) {
  for (const backend of backends) {
    console.log(JSON.stringify(await one(size, backend), null, 2));
  }
}
