/**
 * `npm run bench -- sync [--customers 10000] [--ghl-contacts 1000] [--scale 10] [--concurrency 16]
 *   [--backend pglite|postgres] [--runs 1]`
 *
 * An initial sync of N seeded Cin7 customers (3 sales each) into a GHL location holding some
 * pre-existing contacts (40% of them Cin7 people). The sandboxes run in their own process
 * (`cin7-ghl sandbox`, as remote vendors would), their rate windows divided by `--scale` and the
 * product's limiter scaled alike; this process runs the product only. Prints:
 * - calls used / minimum per API (the issue's formula; goal ≤ 1.02);
 * - wall time / rate-limit bound (goal ≤ 1.05), where the bound is the least time the vendors' windows
 *   allow for the calls made: the Cin7 reads, then the GHL calls, each API
 *   (⌈calls / limit⌉ − 1) windows (the first window's worth goes at once);
 * - the counts, and the process's peak RSS.
 * PostgreSQL uses DATABASE_URL (a scratch database is created and dropped). A benchmark prints
 * figures; it asserts nothing.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../src/config/load.js';
import { silentLogger } from '../src/log/logger.js';
import { createSyncClients } from '../src/sync/engine/clients.js';
import { runSync } from '../src/sync/engine/run.js';
import { startSandboxProcess } from '../test/helpers/cli.js';
import { openTestStore } from '../test/helpers/store.js';
import { scaledConfigYaml } from '../test/sync/engine/harness.js';

const argv = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? (argv[i + 1] as string) : fallback;
};
const customers = Number(flag('--customers', '10000'));
const ghlContacts = Number(flag('--ghl-contacts', '1000'));
const scale = Number(flag('--scale', '10'));
const concurrency = Number(flag('--concurrency', '16'));
const backend = flag('--backend', 'pglite') as 'pglite' | 'postgres';
const runs = Number(flag('--runs', '1'));
if (backend === 'postgres' && !process.env.DATABASE_URL)
  process.env.DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 200);

for (let n = 0; n < runs; n++) {
  const started = performance.now();
  const sb = await startSandboxProcess(
    [
      '--customers',
      String(customers),
      '--sales-per-customer',
      '3',
      '--ghl-contacts',
      String(ghlContacts),
      '--time-scale',
      String(scale),
      '--seed',
      String(1 + n),
    ],
    300_000,
  );
  const t = await openTestStore({ backend });
  writeFileSync(path.join(t.root, 'cin7-ghl.sandbox.yaml'), scaledConfigYaml(scale));
  const config = loadConfig({
    cwd: t.root,
    environment: {
      CIN7_GHL_DATA_DIR: t.root,
      GHL_BASE_URL: sb.ready.ghl.baseUrl,
      GHL_TOKEN: sb.ready.ghl.token,
      GHL_LOCATION_ID: sb.ready.ghl.locationId,
      CIN7_BASE_URL: sb.ready.cin7.baseUrl,
      CIN7_ACCOUNT_ID: sb.ready.cin7.accountId,
      CIN7_APPLICATION_KEY: sb.ready.cin7.applicationKey,
      ...(t.store.databaseUrl ? { DATABASE_URL: t.store.databaseUrl } : {}),
      ...(t.config.secrets.masterKey ? { CIN7_GHL_MASTER_KEY: t.config.secrets.masterKey } : {}),
    },
  });
  const logger = silentLogger();
  const clients = await createSyncClients({ config, logger, store: t.store });
  const h = { config };
  const setupMs = Math.round(performance.now() - started);
  try {
    const report = await runSync({ store: t.store, config, logger, ...clients }, { concurrency });
    const ghlWindow = h.config.ghl.rateLimit.windowMs;
    const cin7Window = h.config.cin7.rateLimit.windowMs;
    const windows = (calls: number, limit: number) => Math.max(0, Math.ceil(calls / limit) - 1);
    const boundMs =
      windows(report.calls.cin7, h.config.cin7.rateLimit.requests) * cin7Window +
      windows(report.calls.ghl, h.config.ghl.rateLimit.requests) * ghlWindow;
    const ratio = (a: number, b: number) => (b > 0 ? Number((a / b).toFixed(3)) : null);
    console.log(
      JSON.stringify(
        {
          scenario: `initial sync: ${customers} Cin7 customers (3 sales each), ${ghlContacts} pre-existing GHL contacts; windows scaled ${scale}× (GHL 100 per ${ghlWindow} ms, Cin7 60 per ${cin7Window} ms); ${backend}; concurrency ${concurrency}`,
          calls: report.calls,
          minimumCalls: report.minimumCalls,
          callsOverMinimum: {
            ghl: ratio(report.calls.ghl, report.minimumCalls.ghl),
            cin7: ratio(report.calls.cin7, report.minimumCalls.cin7),
          },
          wallMs: report.durationMs,
          rateLimitBoundMs: boundMs,
          wallOverBound: ratio(report.durationMs, boundMs),
          goals: { callsOverMinimum: 1.02, wallOverBound: 1.05 },
          counts: {
            customersRead: report.customersRead,
            salesRead: report.salesRead,
            prefetched: report.prefetched,
            contactsCreated: report.contactsCreated,
            contactsUpdated: report.contactsUpdated,
            unchanged: report.unchanged,
            skipped: report.skipped,
            failed: report.failed,
            deferred: report.deferred,
          },
          phasesMs: report.timings,
          http: clients.counter.snapshot().totals,
          customersPerSecond: Math.round(report.customersRead / (report.durationMs / 1000)),
          setupMs,
          peakRssMb: mb(Math.max(peakRss, process.memoryUsage().rss)),
        },
        null,
        2,
      ),
    );
  } finally {
    await clients.close();
    await t.cleanup();
    await sb.stop();
  }
}
clearInterval(sampler);
