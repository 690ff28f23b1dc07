import type { IncomingHttpHeaders } from 'node:http';
import { FaultInjector } from '../shared/faults.js';
import { Rng } from '../shared/rng.js';
import { Router, startServer } from '../shared/server.js';
import { SlidingWindow } from '../shared/sliding-window.js';
import { SandboxClock } from './clock.js';
import { type CallStats, type Cin7Control, addControlRoutes, createControl } from './control.js';
import { type Cin7Knobs, type Cin7SandboxOptions, checkKnobs, defaultKnobs } from './options.js';
import { errorResponse, notFoundPage } from './responses.js';
import { BASE_PATH, addApiRoutes } from './routes.js';
import { seedTenant } from './seed.js';
import { Cin7Tenant } from './tenant.js';
import type { Cin7Customer } from './types.js';

export type { Cin7Control, CallStats } from './control.js';
export type { Cin7Knobs, Cin7SandboxOptions, RateLimitStatus } from './options.js';
export type { Cin7Address, Cin7Contact, Cin7Customer, Cin7Webhook } from './types.js';
export type { DeliveryRecord, AttemptRecord } from './webhook-dispatcher.js';
export { WEBHOOK_TYPES } from './webhook-types.js';

/** The `cin7` half of the combined sandbox's ready line. */
export interface Cin7ReadyInfo {
  baseUrl: string;
  accountId: string;
  applicationKey: string;
}

export interface Cin7Sandbox {
  /** Root the spec's paths (`/customer`, …) are appended to: `http://127.0.0.1:PORT/ExternalApi/v2`. */
  baseUrl: string;
  /** The server root, where `/_sandbox/…` control routes live. */
  rootUrl: string;
  accountId: string;
  applicationKey: string;
  /** Every customer as `GET /customer` would return it (deprecated ones included), in ID order. */
  customers(): Cin7Customer[];
  control: Cin7Control;
  readyInfo(): Cin7ReadyInfo;
  close(): Promise<void>;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return (Array.isArray(v) ? v[0] : v)?.trim() || undefined;
}

/** Start of the current UTC day: seeded times are relative to it, so one seed gives one dataset a day. */
function startOfUtcDay(): number {
  return Math.floor(Date.now() / 86_400_000) * 86_400_000;
}

/**
 * Starts a Cin7 Core Inventory API v2 emulator on loopback: seeded customers and sales, Cin7's
 * validation, paging, rate limit, webhooks and faults (see `sandbox/cin7/README.md`).
 *
 * @example
 * const cin7 = await startCin7Sandbox({ customers: 200, timeScale: 60 });
 * const res = await fetch(`${cin7.baseUrl}/customer?Limit=10`, {
 *   headers: { 'api-auth-accountid': cin7.accountId, 'api-auth-applicationkey': cin7.applicationKey },
 * });
 * await cin7.close();
 */
export async function startCin7Sandbox(options: Cin7SandboxOptions = {}): Promise<Cin7Sandbox> {
  const seed = options.seed ?? 1;
  const log = options.logger ?? (() => {});
  const knobs: Cin7Knobs = defaultKnobs(options);
  checkKnobs(knobs);
  const credentialRng = new Rng((seed ^ 0x2545f491) >>> 0);
  const accountId = options.accountId ?? credentialRng.guid();
  const applicationKey = options.applicationKey ?? credentialRng.guid();
  const keys = new Set([applicationKey]);

  const clock = new SandboxClock(knobs.clockSkewMs);
  const seeded = seedTenant({
    seed,
    customers: options.customers ?? 50,
    salesPerCustomer: options.salesPerCustomer ?? 3,
    epochMs: options.seedEpochMs ?? startOfUtcDay(),
  });
  const tenant = new Cin7Tenant(
    clock,
    knobs,
    accountId,
    seed,
    seeded,
    options.webhookTimeoutMs ?? 10_000,
    log,
  );

  const window = new SlidingWindow(knobs.rateLimit.limit, knobs.rateLimit.windowMs / knobs.timeScale);
  const statusRng = new Rng((seed ^ 0x68e31da4) >>> 0);
  const faults = new FaultInjector(new Rng((seed ^ 0x1b873593) >>> 0));
  if (options.faults) faults.set(options.faults);
  const stats: CallStats = { byRoute: {}, accepted: 0, rateLimited: 0, forbidden: 0 };

  const configure = (patch: Partial<Cin7Knobs>): Cin7Knobs => {
    const unknown = Object.keys(patch).filter((k) => !(k in knobs));
    if (unknown.length > 0) throw new Error(`cin7 sandbox: unknown knob(s) ${unknown.join(', ')}`);
    const next = { ...knobs, ...patch };
    checkKnobs(next);
    Object.assign(knobs, next);
    clock.skewMs = knobs.clockSkewMs;
    window.limit = knobs.rateLimit.limit;
    window.windowMs = knobs.rateLimit.windowMs / knobs.timeScale;
    return { ...knobs };
  };

  const router = new Router({ caseInsensitive: true });
  addApiRoutes(router, tenant);

  const server = await startServer({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    router,
    faults,
    guard: (req, route) => {
      const account = header(req.headers, 'api-auth-accountid');
      const key = header(req.headers, 'api-auth-applicationkey');
      if (!account || !key || account.toLowerCase() !== accountId.toLowerCase() || !keys.has(key)) {
        stats.forbidden++;
        return errorResponse(
          403,
          [
            'Method authentication failed: send your Account ID in api-auth-accountid and your API Application Key in api-auth-applicationkey.',
          ],
          knobs.errorShape,
        );
      }
      if (!window.hit(key).allowed) {
        stats.rateLimited++;
        const status =
          knobs.rateLimitStatus === 'mixed' ? (statusRng.chance(0.5) ? 429 : 503) : knobs.rateLimitStatus;
        return errorResponse(
          status,
          [`You reached ${knobs.rateLimit.limit} calls per minute API limit`],
          knobs.errorShape,
        );
      }
      stats.accepted++;
      stats.byRoute[route.name] = (stats.byRoute[route.name] ?? 0) + 1;
      return null;
    },
    notFound: () => notFoundPage(knobs.wrongPath === 'html200' ? 200 : 404),
    methodNotAllowed: (req) =>
      errorResponse(
        405,
        [`The requested resource does not support http method '${req.method}'.`],
        knobs.errorShape,
      ),
    faultBody: (status) => {
      const message =
        status === 503 || status === 429
          ? `You reached ${knobs.rateLimit.limit} calls per minute API limit`
          : 'An unexpected error occurred in Cin7 Core while processing API request.';
      return errorResponse(status, [message], knobs.errorShape).body;
    },
  });

  const rootUrl = server.url;
  const baseUrl = `${rootUrl}${BASE_PATH}`;
  const readyInfo = (): Cin7ReadyInfo => ({ baseUrl, accountId, applicationKey });
  const keyRng = new Rng((seed ^ 0x7feb352d) >>> 0);
  const control = createControl({
    tenant,
    configure,
    setFaults: (f) => faults.set(f),
    stats,
    resetRateLimits: () => window.reset(),
    addApplicationKey: () => {
      const key = keyRng.guid();
      keys.add(key);
      return key;
    },
  });
  addControlRoutes(router, control, tenant, readyInfo);
  log(
    `cin7 sandbox listening on ${baseUrl} (${tenant.customers.size} customers, ${tenant.sales.size} sales)`,
  );

  return {
    baseUrl,
    rootUrl,
    accountId,
    applicationKey,
    customers: () => tenant.customers.all().map((r) => control.customer(r.data.ID) as Cin7Customer),
    control,
    readyInfo,
    close: async () => {
      tenant.dispatcher.close();
      await server.close();
    },
  };
}
