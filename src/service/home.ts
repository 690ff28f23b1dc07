/**
 * `GET /`: a minimal signed-in page until the dashboard replaces it (it links the API document,
 * the health answer and the metrics, and signs out with the session's CSRF token).
 */
import type { Hono } from 'hono';
import type { AppEnv } from '../server/app.js';

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

export function homeRoute(app: Hono<AppEnv>, info: { env: string; version: string; role: string }): void {
  app.get('/', (c) => {
    const auth = c.get('auth');
    const csrf = auth?.kind === 'session' ? auth.csrfToken : '';
    return c.html(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>cin7-ghl-sync</title>
<style>body{font-family:system-ui,sans-serif;max-width:42rem;margin:3rem auto;padding:0 1rem;color:#1d2330}a{color:#2456d6}</style>
</head><body>
<h1>cin7-ghl-sync</h1>
<p>Environment <b>${esc(info.env)}</b>, version ${esc(info.version)}, role ${esc(info.role)}.</p>
<ul>
<li><a href="/api/health">Health</a> (JSON)</li>
<li><a href="/api/openapi.json">REST API</a> (OpenAPI 3.1)</li>
<li><a href="/api/connections">Connections</a> (JSON)</li>
<li><a href="/metrics">Metrics</a> (Prometheus)</li>
</ul>
<form method="post" action="/logout"><input type="hidden" name="_csrf" value="${esc(csrf)}"><button type="submit">Sign out</button></form>
</body></html>
`);
  });
}
