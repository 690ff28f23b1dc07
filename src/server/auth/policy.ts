/**
 * Which routes answer without a session or token. Everything else is behind authentication: the
 * middleware checks this list first, and a test walks the app's whole route table against it, so a
 * new route that should be open has to be added here, with its reason, on purpose.
 */

export interface OpenRoute {
  method: 'GET' | 'POST';
  path: string;
  /** What protects it instead of a session. */
  why: string;
}

export const OPEN_ROUTES: readonly OpenRoute[] = [
  { method: 'GET', path: '/healthz', why: 'liveness probe; says only that the process is up' },
  { method: 'GET', path: '/readyz', why: 'readiness probe; names the checks, no data' },
  { method: 'GET', path: '/metrics', why: 'bearer CIN7_GHL_METRICS_TOKEN when it is set' },
  { method: 'GET', path: '/login', why: 'the login page itself' },
  { method: 'POST', path: '/login', why: 'the login form: password checked, slowed after failures' },
  { method: 'POST', path: '/webhooks/ghl', why: 'GHL signature (Ed25519 or RSA) over the raw body' },
  { method: 'POST', path: '/webhooks/cin7/customers', why: 'Cin7 webhook secret (bearer), constant-time' },
  { method: 'POST', path: '/webhooks/cin7/sales', why: 'Cin7 webhook secret (bearer), constant-time' },
  {
    method: 'GET',
    path: '/oauth/ghl/callback',
    why: 'OAuth state, or a pending connect started by an operator',
  },
];

const OPEN = new Set(OPEN_ROUTES.map((r) => `${r.method} ${r.path}`));

/** True when `method path` is open (HEAD counts as GET, as the router treats it). */
export function isOpenRoute(method: string, path: string): boolean {
  const m = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
  return OPEN.has(`${m} ${path}`);
}

/** API routes answer 401 JSON; everything else is a page and redirects to the login page. */
export function isApiPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/');
}
