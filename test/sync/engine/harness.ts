/**
 * A sync engine against both sandboxes, in process: seeded Cin7 customers, GHL contacts partly
 * matching them, a test store, and the product's clients and config pointing at the sandboxes with
 * their rate-limit windows scaled alike.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Sandboxes, type SandboxesOptions, startSandboxes } from '../../../sandbox/index.js';
import type { Cin7SandboxOptions } from '../../../sandbox/cin7/index.js';
import type { GhlSandboxOptions } from '../../../sandbox/ghl/index.js';
import { webhookSecretName } from '../../../src/cin7/connection.js';
import { CIN7_JOB_KINDS } from '../../../src/cin7/feed-jobs.js';
import { ensureWebhookSecret, syncWebhooks } from '../../../src/cin7/webhooks.js';
import { type Config, loadConfig } from '../../../src/config/load.js';
import { JobQueue } from '../../../src/jobs/queue.js';
import { type Logger, silentLogger } from '../../../src/log/logger.js';
import { type SyncClients, createSyncClients } from '../../../src/sync/engine/clients.js';
import {
  type SyncRunDeps,
  type SyncRunOptions,
  type SyncRunReport,
  runSync,
} from '../../../src/sync/engine/run.js';
import { SYNC_JOB_KINDS, type SyncService, startSyncService } from '../../../src/sync/engine/service.js';
import { createApp } from '../../../src/server/app.js';
import { listen } from '../../../src/server/listen.js';
import { cin7WebhookRoutes } from '../../../src/server/routes/cin7-webhooks.js';
import { type Backend, type TestStore, openTestStore } from '../../helpers/store.js';

export interface HarnessOptions {
  customers?: number;
  salesPerCustomer?: number;
  ghlContacts?: number;
  seed?: number;
  /** Divides every rate window, on both sandboxes and in the product's limiter (default 100). */
  timeScale?: number;
  ghl?: Omit<GhlSandboxOptions, 'contacts' | 'seed' | 'timeScale'>;
  cin7?: Omit<Cin7SandboxOptions, 'seed' | 'timeScale' | 'customers' | 'salesPerCustomer'>;
  backend?: Backend;
  /** Config overrides by dotted key. */
  config?: Record<string, unknown>;
  /** YAML written beside the config and named by `sync.mappingFile` / `sync.tagRulesFile`. */
  mappingYaml?: string;
  rulesYaml?: string;
  /** Replaces the GHL base URL (a recording proxy in front of the sandbox). */
  ghlBaseUrl?: string;
  logger?: Logger;
}

export interface Harness {
  sb: Sandboxes;
  t: TestStore;
  config: Config;
  logger: Logger;
  clients: SyncClients;
  deps: SyncRunDeps;
  /** The environment a `cin7-ghl` child needs to reach the same sandboxes and store. */
  env: Record<string, string>;
  run(options?: SyncRunOptions): Promise<SyncRunReport>;
  close(): Promise<void>;
}

/** The variables that point the product at the sandboxes (as a user copies them from the ready line). */
export function sandboxEnv(sb: Sandboxes, ghlBaseUrl?: string): Record<string, string> {
  const r = sb.readyInfo();
  return {
    GHL_BASE_URL: ghlBaseUrl ?? r.ghl.baseUrl,
    GHL_TOKEN: r.ghl.token,
    GHL_LOCATION_ID: r.ghl.locationId,
    CIN7_BASE_URL: r.cin7.baseUrl,
    CIN7_ACCOUNT_ID: r.cin7.accountId,
    CIN7_APPLICATION_KEY: r.cin7.applicationKey,
  };
}

/** The config file that scales the product's rate limits like the sandboxes' windows. */
export function scaledConfigYaml(timeScale: number, extra = ''): string {
  return [
    'ghl:',
    '  rateLimit:',
    '    requests: 100',
    `    windowMs: ${Math.max(1, Math.round(10_000 / timeScale))}`,
    'cin7:',
    '  rateLimit:',
    '    requests: 60',
    `    windowMs: ${Math.max(1, Math.round(60_000 / timeScale))}`,
    extra,
  ].join('\n');
}

/**
 * Starts the sandboxes, a store and the clients.
 *
 * @example
 * const h = await startHarness({ customers: 200, ghlContacts: 40 });
 * try { const r = await h.run(); } finally { await h.close(); }
 */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const timeScale = options.timeScale ?? 100;
  const sbOptions: SandboxesOptions = {
    seed: options.seed ?? 1,
    ghlContacts: options.ghlContacts ?? 0,
    ghl: { ...options.ghl, timeScale },
    cin7: {
      ...options.cin7,
      customers: options.customers ?? 50,
      salesPerCustomer: options.salesPerCustomer ?? 2,
      timeScale,
    },
  };
  const sb = await startSandboxes(sbOptions);
  let t: TestStore | null = null;
  try {
    t = await openTestStore({ backend: options.backend ?? 'pglite' });
    const env = sandboxEnv(sb, options.ghlBaseUrl);
    const extra: string[] = ['sync:'];
    if (options.mappingYaml) {
      writeFileSync(path.join(t.root, 'mapping.yaml'), options.mappingYaml);
      extra.push('  mappingFile: mapping.yaml');
    }
    if (options.rulesYaml) {
      writeFileSync(path.join(t.root, 'tag-rules.yaml'), options.rulesYaml);
      extra.push('  tagRulesFile: tag-rules.yaml');
    }
    writeFileSync(
      path.join(t.root, 'cin7-ghl.sandbox.yaml'),
      scaledConfigYaml(timeScale, extra.length > 1 ? extra.join('\n') : ''),
    );
    const environment: Record<string, string> = {
      CIN7_GHL_DATA_DIR: t.root,
      CIN7_GHL_LOG_LEVEL: 'silent',
      ...env,
      ...(t.store.databaseUrl ? { DATABASE_URL: t.store.databaseUrl } : {}),
      ...(t.config.secrets.masterKey ? { CIN7_GHL_MASTER_KEY: t.config.secrets.masterKey } : {}),
    };
    const config = loadConfig({
      cwd: t.root,
      environment,
      ...(options.config ? { overrides: options.config } : {}),
    });
    const logger = options.logger ?? silentLogger();
    const clients = await createSyncClients({ config, logger, store: t.store });
    const deps: SyncRunDeps = { store: t.store, config, logger, ...clients };
    const store = t;
    return {
      sb,
      t: store,
      config,
      logger,
      clients,
      deps,
      env: environment,
      run: (o) => runSync(deps, o),
      close: async () => {
        await clients.close();
        await store.cleanup();
        await sb.close();
      },
    };
  } catch (e) {
    await t?.cleanup();
    await sb.close();
    throw e;
  }
}

/** A GHL contact as the sandbox's search answers it. */
export interface SearchedContact {
  id: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  phone?: string;
  companyName?: string;
  address?: string;
  city?: string;
  state?: string;
  postalCode?: string;
  country?: string;
  tags?: string[];
  dnd?: boolean;
}

/** Every GHL contact of the sandbox, read through its search API (not the product's client). */
export async function listGhlContacts(sb: Sandboxes): Promise<SearchedContact[]> {
  const r = sb.readyInfo().ghl;
  const out: SearchedContact[] = [];
  let searchAfter: unknown[] | undefined;
  for (;;) {
    const res = await fetch(`${r.baseUrl}/contacts/search`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${r.token}`,
        version: '2021-07-28',
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        locationId: r.locationId,
        pageLimit: 500,
        ...(searchAfter ? { searchAfter } : {}),
      }),
      signal: AbortSignal.timeout(10_000),
    });
    if (res.status === 429) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      continue;
    }
    if (!res.ok) throw new Error(`search answered ${res.status}: ${await res.text()}`);
    const page = (await res.json()) as { contacts: Array<SearchedContact & { searchAfter: unknown[] }> };
    out.push(...page.contacts);
    if (page.contacts.length < 500) return out;
    searchAfter = page.contacts[page.contacts.length - 1]?.searchAfter;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `check` holds (polling every 50 ms); throws naming `what` after `timeoutMs`. */
export async function until(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

export interface RunningService {
  queue: JobQueue;
  service: SyncService;
  /** The service's URL (Cin7 webhooks go to `<url>/webhooks/cin7/<kind>`). */
  url: string;
  /** The bearer secret Cin7 sends. */
  secret: string;
  stop(): Promise<void>;
}

/**
 * The service part of the engine on the harness's store: job queue, sync workers, the Cin7
 * webhook routes on a loopback server, and our webhooks registered in the Cin7 sandbox.
 *
 * @example
 * const svc = await startService(h, { debounceMs: 2000 });
 */
export async function startService(
  h: Harness,
  options: { debounceMs?: number; polling?: boolean; concurrency?: number; registerWebhooks?: boolean } = {},
): Promise<RunningService> {
  const { store } = h.t;
  const queue = await JobQueue.start(store, {
    logger: h.logger,
    kinds: [...CIN7_JOB_KINDS, ...SYNC_JOB_KINDS],
    superviseIntervalSeconds: 2,
  });
  const service = await startSyncService({
    store,
    queue,
    config: h.config,
    logger: h.logger,
    ...h.clients,
    polling: options.polling ?? false,
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
  });
  const connectionId = h.clients.connectionId;
  const secret = await ensureWebhookSecret(store, connectionId);
  const app = createApp({ logger: h.logger, readinessChecks: [] });
  app.route(
    '/webhooks/cin7',
    await cin7WebhookRoutes({
      store,
      queue,
      logger: h.logger,
      connectionId,
      getSecret: () => store.vault.get(webhookSecretName(connectionId)),
      debounceMs: options.debounceMs ?? 2000,
    }),
  );
  const server = await listen(app);
  if (options.registerWebhooks !== false) {
    await syncWebhooks(h.clients.cin7, { publicUrl: server.url, secret });
  }
  return {
    queue,
    service,
    url: server.url,
    secret,
    stop: async () => {
      await server.close(2_000);
      await queue.stop({ graceful: false, timeoutMs: 5_000 });
      await service.close();
    },
  };
}
