/**
 * The demo's configuration: the user's (log level, admin password, time zone …) pointed at the two
 * in-memory sandboxes — never a vendor host — with windows and delays scaled so the demo is lively,
 * its own data directory, the example tag rules, and conflicts left for a person (policy `manual`).
 */
import path from 'node:path';
import type { Sandboxes } from '../../sandbox/index.js';
import type { Config } from '../config/load.js';
import { packageRoot } from '../config/package-root.js';

/** The example tag rules shipped in the repository (`examples/tag-rules.yaml`). */
export const EXAMPLE_TAG_RULES = path.join(packageRoot(), 'examples', 'tag-rules.yaml');

export interface DemoConfigOptions {
  dataDir: string;
  port: number;
  /** Divides the vendors' rate windows (the sandboxes use the same factor). */
  timeScale: number;
}

/**
 * @example
 * const config = demoConfig(ctx.config, sandboxes, { dataDir: 'data/demo', port: 3000, timeScale: 5 });
 */
export function demoConfig(base: Config, sb: Sandboxes, o: DemoConfigOptions): Config {
  const ghl = sb.ghl;
  return {
    ...base,
    env: 'sandbox',
    dataDir: o.dataDir,
    // The demo's sandboxes live in this process: its store is always the embedded one.
    databaseUrl: null,
    server: { ...base.server, host: '127.0.0.1', port: o.port, publicUrl: undefined },
    ghl: {
      ...base.ghl,
      baseUrl: ghl.baseUrl,
      authorizeUrl: ghl.authorizeUrl,
      clientId: ghl.clientId,
      authMode: 'oauth',
      locationId: undefined,
      rateLimit: { requests: 100, windowMs: Math.ceil(10_000 / o.timeScale) },
      dailyLimit: 200_000,
      webhook: {
        ...base.ghl.webhook,
        ed25519PublicKey: ghl.webhookPublicKeys.ed25519,
        rsaPublicKey: ghl.webhookPublicKeys.rsa,
      },
    },
    cin7: {
      ...base.cin7,
      baseUrl: sb.cin7.baseUrl,
      accountId: undefined,
      rateLimit: { requests: 60, windowMs: Math.ceil(60_000 / o.timeScale) },
      webhooks: { ...base.cin7.webhooks, debounceMs: 500 },
    },
    sync: {
      ...base.sync,
      pollIntervalMinutes: 1,
      tagRulesFile: EXAMPLE_TAG_RULES,
      mappingFile: undefined,
    },
    reconcile: { ...base.reconcile, conflictPolicy: 'manual' },
    events: { subscriptions: [] },
    alerts: {},
    secrets: {
      // Connections come from the OAuth consent and the stored Cin7 key, not from GHL_* / CIN7_*.
      ghlClientSecret: ghl.clientSecret,
      ...(base.secrets.adminPassword ? { adminPassword: base.secrets.adminPassword } : {}),
    },
  };
}
