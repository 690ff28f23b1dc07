import { randomUUID } from 'node:crypto';
import { FaultInjector } from '../shared/faults.js';
import { Rng } from '../shared/rng.js';
import { type Handler, Router, startServer } from '../shared/server.js';
import { PRODUCT_SCOPES, TokenRegistry } from './auth.js';
import type { GhlContext } from './context.js';
import { type GhlControl, GhlSandboxError, createControl } from './control.js';
import { GhlGuard } from './guard.js';
import { OAUTH_TOKEN_ROUTE, OPERATIONS } from './operations.js';
import { activityRoutes } from './routes/activities.js';
import { businessRoutes } from './routes/businesses.js';
import { contactRoutes } from './routes/contacts.js';
import { addControlRoutes } from './routes/control-http.js';
import { locationRoutes } from './routes/locations.js';
import { membershipRoutes } from './routes/membership.js';
import { type AppInstallState, oauthRoutes } from './routes/oauth.js';
import { searchRoutes } from './routes/search.js';
import { seedContacts, seedLocation } from './seed.js';
import { GhlStore } from './store.js';
import type { GhlReadyInfo, GhlSandboxOptions, GhlSettings, GhlStats, SeedPerson } from './types.js';
import { WebhookDispatcher, assertLoopbackUrl, webhookKeys } from './webhooks.js';

export type { GhlControl } from './control.js';
export { GhlSandboxError } from './control.js';
export { OPERATIONS, type OperationDef } from './operations.js';
export { PRODUCT_SCOPES, KNOWN_SCOPES } from './auth.js';
export type * from './types.js';

/** A running GHL sandbox. */
export interface GhlSandbox extends GhlReadyInfo {
  /** Pre-existing contacts for these people (no webhooks, visible to search at once); their ids. */
  seedContacts(people: SeedPerson[]): string[];
  control: GhlControl;
  readyInfo(): GhlReadyInfo;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/**
 * Starts the HighLevel (GHL) API emulator on loopback: the 32 contacts operations, businesses,
 * custom fields, task search, OAuth (token endpoint and consent page), scopes, rate limits, search
 * lag, signed webhooks, fault injection and seeded data. See sandbox/ghl/README.md.
 *
 * @example
 * const ghl = await startGhlSandbox({ seed: 7, contacts: 1000 });
 * const res = await fetch(`${ghl.baseUrl}/contacts/?locationId=${ghl.locationId}`, {
 *   headers: { Authorization: `Bearer ${ghl.token}`, Version: '2021-07-28' },
 * });
 * await ghl.close();
 */
export async function startGhlSandbox(options: GhlSandboxOptions = {}): Promise<GhlSandbox> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host))
    throw new GhlSandboxError(`GHL sandbox: host "${host}" is not a loopback address (use 127.0.0.1)`);
  const scale = options.timeScale ?? 1;
  if (!(scale > 0) || !Number.isFinite(scale))
    throw new GhlSandboxError('GHL sandbox: timeScale must be a number > 0');
  const seed = options.seed ?? 1;
  if (options.webhookUrl) assertLoopbackUrl(options.webhookUrl);

  const ids = seedLocation(null, seed);
  const store = new GhlStore(ids.locationId);
  seedLocation(store, seed);
  seedContacts(store, seed, options.contacts ?? 0);

  const settings: GhlSettings = {
    searchLagMs: options.searchLagMs ?? 0,
    allowDuplicates: options.allowDuplicates ?? false,
    faults: { ...(options.faults ?? {}) },
    webhookUrl: options.webhookUrl ?? null,
    webhookDelayMs: options.webhookDelayMs ?? 0,
    taskCreateBug: options.taskCreateBug ?? false,
    rateLimit: { ...(options.rateLimit ?? { limit: 100, windowMs: 10_000 }) },
    dailyLimit: options.dailyLimit ?? 200_000,
    accessTokenLifetimeSeconds: options.accessTokenLifetimeSeconds ?? 86_399,
  };
  const log = options.logger ?? (() => {});
  const now = (): number => Date.now();
  const tokens = new TokenRegistry(now);
  const stats: GhlStats = { requests: 0, byRoute: {}, byStatus: {}, rateLimited: 0 };
  const webhooks = new WebhookDispatcher({
    url: () => settings.webhookUrl,
    scale,
    delayMs: () => settings.webhookDelayMs,
    rng: new Rng((seed + 104_729) >>> 0),
    log,
  });
  const ctx: GhlContext = {
    store,
    settings,
    scale,
    tokens,
    webhooks,
    ids: new Rng((seed + 7919) >>> 0),
    locationId: ids.locationId,
    locationName: ids.locationName,
    companyId: ids.companyId,
    appId: ids.appId,
    userId: ids.userId,
    clientId: ids.clientId,
    clientSecret: randomUUID(),
    stats,
    baseUrl: '',
    now,
    visibleAt: () => now() + settings.searchLagMs / scale,
    log,
  };
  const pit = tokens.issuePit(ids.locationId, PRODUCT_SCOPES);
  const install: AppInstallState = { installed: false };
  const guard = new GhlGuard(tokens, settings, scale, stats, now);
  const faults = new FaultInjector(new Rng((seed + 31) >>> 0));
  faults.set(settings.faults);
  const control = createControl(ctx, guard, install, () => faults.set(settings.faults));

  const handlers: Record<string, Handler> = {
    ...contactRoutes(ctx),
    ...searchRoutes(ctx),
    ...activityRoutes(ctx),
    ...membershipRoutes(ctx),
    ...businessRoutes(ctx),
    ...locationRoutes(ctx),
    ...oauthRoutes(ctx, install),
  };
  const router = new Router();
  for (const op of OPERATIONS) {
    const handler = handlers[op.name];
    if (!handler) throw new Error(`GHL sandbox: no handler for ${op.name}`);
    router.add(op.method, op.path, op.name, handler, { write: op.write });
  }
  router.add('POST', '/oauth/token', OAUTH_TOKEN_ROUTE, handlers[OAUTH_TOKEN_ROUTE] as Handler, {
    write: true,
  });
  // The consent page is a browser page, not an API route: no auth, rate limit or faults.
  for (const path of ['/v2/oauth/chooselocation', '/oauth/chooselocation']) {
    for (const method of ['GET', 'POST'])
      router.add(method, path, 'ghl.oauth.consent', handlers['ghl.oauth.consent'] as Handler, {
        control: true,
      });
  }
  const webhookPublicKeys = { ed25519: webhookKeys().ed25519.publicPem, rsa: webhookKeys().rsa.publicPem };
  const readyInfo = (): GhlReadyInfo => ({
    baseUrl: ctx.baseUrl,
    locationId: ctx.locationId,
    token: pit,
    clientId: ctx.clientId,
    clientSecret: ctx.clientSecret,
    authorizeUrl: `${ctx.baseUrl}/v2/oauth/chooselocation`,
    webhookPublicKeys: { ...webhookPublicKeys },
    campaignId: ids.campaignId,
    workflowId: ids.workflowId,
  });
  addControlRoutes(router, control, readyInfo);

  const server = await startServer({
    host,
    port: options.port ?? 0,
    router,
    faults,
    guard: (req, route) => guard.guard(req, route),
    decorate: (req, res) => {
      guard.decorate(req, res);
      log(`${req.method} ${req.path} ${res.status} (${req.routeName})`);
    },
    notFound: (req) => ({
      status: 404,
      body: { statusCode: 404, message: `Cannot ${req.method} ${req.path}`, error: 'Not Found' },
    }),
  });
  ctx.baseUrl = server.url;

  return {
    ...readyInfo(),
    seedContacts: (people) => control.seedContacts(people),
    control,
    readyInfo,
    close: async () => {
      webhooks.close();
      await server.close();
    },
  };
}
