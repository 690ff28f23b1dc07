/**
 * The dashboard: server-rendered pages behind the service's login (the global auth middleware
 * guards every route here; a page without a session redirects to /login), one stylesheet and one
 * script served by the service, live updates over server-sent events, and the actions — each a
 * form carrying the session's CSRF token, sent with fetch (`X-CSRF-Token`) by the script when it
 * runs. The REST routes the actions use are added to the API router (so they are documented in
 * /api/openapi.json). See docs/dashboard.md.
 */
import type { Context, Hono, MiddlewareHandler } from 'hono';
import { connectCin7 } from '../../cin7/connect.js';
import { createSubscription, deleteSubscription } from '../../events/subscriptions.js';
import { startGhlConnect } from '../../ghl/oauth.js';
import { setSchedulePause } from '../../jobs/pause.js';
import { resolveConflict } from '../../sync/conflicts/resolve.js';
import { retryFailures } from '../../sync/engine/retry.js';
import type { AppEnv } from '../app.js';
import { createApiToken, revokeApiToken } from '../auth/tokens.js';
import { CLIENT_JS } from './assets/client.js';
import { ICON_SVG, STYLES_CSS } from './assets/styles.js';
import { type DashboardDeps, back, csrfOf, plainError } from './context.js';
import { controlRoutes } from './control/routes.js';
import { RunBusyError, runControlFor, syncDepsFrom } from './control/run-control.js';
import { liveRoutes } from './live.js';
import { apiAccessPage } from './pages/api-access.js';
import { budgetPage } from './pages/budget.js';
import { conflictsPage } from './pages/conflicts.js';
import { connectionsPage } from './pages/connections.js';
import { failuresPage } from './pages/failures.js';
import { mappingPage } from './pages/mapping.js';
import { overviewPage } from './pages/overview.js';
import { profilePage, recordsPage } from './pages/records.js';
import { runsPage } from './pages/runs.js';

export type { DashboardDeps } from './context.js';
export { type LiveRun, type RunControl, runControlFor } from './control/run-control.js';
export { liveSnapshot } from './live.js';

/** Form fields as strings (a repeated field: its last value; see `all` for lists). */
async function form(c: Context): Promise<Record<string, string | string[]>> {
  const body = await c.req.parseBody({ all: true });
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(body)) {
    if (typeof v === 'string') out[k] = v;
    else if (Array.isArray(v)) out[k] = v.filter((x): x is string => typeof x === 'string');
  }
  return out;
}

function one(v: string | string[] | undefined): string {
  return Array.isArray(v) ? (v[v.length - 1] ?? '') : (v ?? '');
}

function list(v: string | string[] | undefined): string[] {
  return (Array.isArray(v) ? v : v ? [v] : []).map((s) => s.trim()).filter(Boolean);
}

/** Content security for pages: our own script and styles only; forms may lead to GHL's consent page. */
function pageHeaders(deps: DashboardDeps): MiddlewareHandler<AppEnv> {
  let consent = '';
  try {
    consent = new URL(deps.config.ghl.authorizeUrl).origin;
  } catch {
    consent = '';
  }
  const csp = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    `form-action 'self'${consent ? ` ${consent}` : ''}`,
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return async (c, next) => {
    await next();
    const type = c.res.headers.get('content-type') ?? '';
    if (type.startsWith('text/html')) c.res.headers.set('Content-Security-Policy', csp);
  };
}

/**
 * Mounts the dashboard on `app` (before the API router is mounted: its REST routes are added to
 * `deps.api`).
 *
 * @example
 * mountDashboard(app, { ...ctx, isStopping: () => state.stopping });
 */
export function mountDashboard(app: Hono<AppEnv>, deps: DashboardDeps): void {
  deps.api.add(...controlRoutes(deps));
  app.use('*', pageHeaders(deps));

  app.get('/assets/dashboard.css', (c) =>
    c.body(STYLES_CSS, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'no-cache' }),
  );
  app.get('/assets/dashboard.js', (c) =>
    c.body(CLIENT_JS, 200, {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'no-cache',
    }),
  );
  app.get('/assets/icon.svg', (c) =>
    c.body(ICON_SVG, 200, { 'content-type': 'image/svg+xml', 'cache-control': 'max-age=86400' }),
  );
  liveRoutes(app, deps);

  app.get('/', (c) => overviewPage(c, deps));
  app.get('/connections', (c) => connectionsPage(c, deps, csrfOf(c)));
  app.get('/runs', (c) => runsPage(c, deps, csrfOf(c)));
  app.get('/records', (c) => recordsPage(c, deps));
  app.get('/records/:id', (c) => profilePage(c, deps, c.req.param('id')));
  app.get('/conflicts', (c) => conflictsPage(c, deps, csrfOf(c)));
  app.get('/failures', (c) => failuresPage(c, deps, csrfOf(c)));
  app.get('/budget', (c) => budgetPage(c, deps));
  app.get('/mapping', (c) => mappingPage(c, deps));
  app.get('/api-access', (c) => apiAccessPage(c, deps, csrfOf(c)));

  // Actions without the script (the script sends the same through /api/... with fetch).
  app.post('/connections/ghl/connect', async (c) => {
    try {
      const started = await startGhlConnect(deps.store, deps.config);
      deps.logger.info({ scopes: started.scopes }, 'GHL connect started from the dashboard');
      return c.redirect(started.authorizeUrl, 303);
    } catch (e) {
      return back(c, '/connections', { kind: 'error', text: plainError(e) });
    }
  });
  app.post('/connections/cin7', async (c) => {
    const f = await form(c);
    try {
      const r = await connectCin7({
        store: deps.store,
        config: deps.config,
        logger: deps.logger,
        accountId: one(f.accountId).trim(),
        applicationKey: one(f.applicationKey).trim(),
      });
      deps.resetClients();
      return back(c, '/connections', { kind: 'ok', text: `Cin7 account ${r.accountId} connected.` });
    } catch (e) {
      return back(c, '/connections', { kind: 'error', text: plainError(e) });
    }
  });
  app.post('/runs/start', async (c) => {
    const f = await form(c);
    const kind = one(f.kind) === 'reconcile' ? 'reconcile' : 'sync';
    try {
      await runControlFor(deps).start({
        kind,
        full: one(f.full) === 'true',
        ...(kind === 'reconcile' ? { mode: one(f.mode) === 'apply' ? 'apply' : 'plan' } : {}),
      });
      return back(c, '/runs', { kind: 'ok', text: `The ${kind} run started.` });
    } catch (e) {
      return back(c, '/runs', { kind: 'error', text: e instanceof RunBusyError ? e.message : plainError(e) });
    }
  });
  app.post('/runs/schedules', async (c) => {
    const f = await form(c);
    const next = await setSchedulePause(deps.store.db, {
      sync: one(f.sync) === 'true',
      reconcile: one(f.reconcile) === 'true',
    });
    return back(c, '/runs', {
      kind: 'ok',
      text: next.sync || next.reconcile ? 'Schedules paused.' : 'Schedules resumed.',
    });
  });
  app.post('/conflicts/:id/resolve', async (c) => {
    const f = await form(c);
    const id = c.req.param('id');
    const take = one(f.take);
    try {
      await resolveConflict(
        await syncDepsFrom(deps),
        id,
        take === 'value' ? { take: 'value', value: one(f.value) } : { take: take === 'ghl' ? 'ghl' : 'cin7' },
      );
      return back(c, '/conflicts', { kind: 'ok', text: `Conflict #${id} resolved.` });
    } catch (e) {
      return back(c, '/conflicts', { kind: 'error', text: plainError(e) });
    }
  });
  const retry = async (c: Context, options: { ids?: string[]; all?: boolean }) => {
    try {
      const r = await retryFailures(await syncDepsFrom(deps), options);
      const text =
        r.stillFailing.length === 0 && r.notRetried.length === 0
          ? `Retried ${r.retried}: all resolved.`
          : `Retried ${r.retried}: ${r.resolved} resolved, ${r.stillFailing.length} still failing${
              r.stillFailing[0] ? ` (${r.stillFailing[0].error})` : ''
            }${r.notRetried.length > 0 ? `, ${r.notRetried.length} not retried` : ''}.`;
      return back(c, '/failures', { kind: r.stillFailing.length === 0 ? 'ok' : 'error', text });
    } catch (e) {
      return back(c, '/failures', { kind: 'error', text: plainError(e) });
    }
  };
  app.post('/failures/:id/retry', (c) => retry(c, { ids: [c.req.param('id')] }));
  app.post('/failures/retry-all', (c) => retry(c, { all: true }));
  app.post('/dead-letters/:id/retry', async (c) => {
    const ok = await deps.queue.retryDeadLetter(c.req.param('id')).catch(() => false);
    return back(c, '/failures#dead-letters', {
      kind: ok ? 'ok' : 'error',
      text: ok ? 'The job was sent back to its queue.' : 'No such dead letter (already retried?).',
    });
  });
  app.post('/api-access/tokens', async (c) => {
    const f = await form(c);
    try {
      const { token, info } = await createApiToken(deps.store.db, one(f.name));
      return apiAccessPage(c, deps, csrfOf(c), {
        once: { what: 'token', label: `Token “${info.name}” created`, value: token },
        flash: null,
      });
    } catch (e) {
      return apiAccessPage(c, deps, csrfOf(c), {
        flash: { kind: 'error', text: plainError(e) },
        status: 400,
      });
    }
  });
  app.post('/api-access/tokens/:id/revoke', async (c) => {
    try {
      const t = await revokeApiToken(deps.store.db, c.req.param('id'));
      return back(c, '/api-access', { kind: 'ok', text: `Token “${t.name}” revoked.` });
    } catch (e) {
      return back(c, '/api-access', { kind: 'error', text: plainError(e) });
    }
  });
  app.post('/api-access/subscriptions', async (c) => {
    const f = await form(c);
    try {
      const { subscription, secret } = await createSubscription(deps.store, {
        url: one(f.url).trim(),
        events: list(f.events),
        source: 'api',
      });
      return apiAccessPage(c, deps, csrfOf(c), {
        once: { what: 'secret', label: `Signing secret of ${subscription.url}`, value: secret },
        flash: null,
      });
    } catch (e) {
      return apiAccessPage(c, deps, csrfOf(c), {
        flash: { kind: 'error', text: plainError(e) },
        status: 400,
      });
    }
  });
  app.post('/api-access/subscriptions/:id/delete', async (c) => {
    try {
      const s = await deleteSubscription(deps.store, c.req.param('id'));
      return back(c, '/api-access', { kind: 'ok', text: `No more events to ${s.url}.` });
    } catch (e) {
      return back(c, '/api-access', { kind: 'error', text: plainError(e) });
    }
  });
}
