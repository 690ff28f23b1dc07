/**
 * `GET /api-access`: API tokens for machines (create — the token is shown once —, revoke) and
 * subscriptions of URLs to the product's events (create — the signing secret is shown once —,
 * delete). The page after a create is rendered directly (no redirect): the secret is never stored
 * in a cookie or a URL.
 */
import type { Context } from 'hono';
import { PRODUCT_EVENT_NAMES } from '../../../events/names.js';
import { listSubscriptions } from '../../../events/subscriptions.js';
import { listApiTokens } from '../../auth/tokens.js';
import { type DashboardDeps, type Flash, renderPage } from '../context.js';
import { type Html, badge, html, time } from '../html.js';

export interface ShownOnce {
  what: 'token' | 'secret';
  label: string;
  value: string;
}

export async function apiAccessPage(
  c: Context,
  deps: DashboardDeps,
  csrf: string,
  extra: { once?: ShownOnce; flash?: Flash | null; status?: 200 | 400 } = {},
): Promise<Response> {
  const [tokens, subs] = await Promise.all([listApiTokens(deps.store.db), listSubscriptions(deps.store.db)]);
  const once: Html = extra.once
    ? html`<section class="panel" aria-labelledby="h-once" id="shown-once">
<h2 id="h-once">${extra.once.label}</h2>
<p>Copy it now: it is shown this once and only its ${extra.once.what === 'token' ? 'hash' : 'encrypted copy'} is kept.</p>
<p class="secret" id="once-value">${extra.once.value}</p>
</section>`
    : html``;
  const body = html`<h1>API and events</h1>
<p class="lead">Tokens for scripts and no-code tools (Zapier, Make, n8n), and the URLs that receive the product's events.
The REST API is described at <a href="/api/openapi.json">/api/openapi.json</a>.</p>
${once}
<section class="panel" aria-labelledby="h-tokens">
<h2 id="h-tokens">API tokens</h2>
<form method="post" action="/api-access/tokens" class="actions">
  <input type="hidden" name="_csrf" value="${csrf}">
  <label for="token-name">Name (who uses it)</label>
  <input id="token-name" name="name" type="text" required maxlength="100" placeholder="e.g. zapier">
  <button type="submit">Create token</button>
</form>
${
  tokens.length === 0
    ? html`<p class="muted">No tokens yet.</p>`
    : html`<div class="table-wrap"><table><caption class="sr-only">API tokens</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Id</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">State</th><th scope="col">Action</th></tr></thead>
<tbody>${tokens.map(
        (
          t,
        ) => html`<tr><td>${t.name}${t.kind === 'local-admin' ? html` <span class="muted">(the local CLI)</span>` : ''}</td><td><code>${t.id}</code></td>
<td>${time(t.createdAt)}</td><td>${time(t.lastUsedAt)}</td><td>${t.revokedAt ? badge('revoked') : badge('active')}</td>
<td>${
          t.revokedAt
            ? ''
            : html`<form method="post" action="/api-access/tokens/${t.id}/revoke" class="inline" data-confirm="Revoke ${t.name}? Its next request is refused.">
<input type="hidden" name="_csrf" value="${csrf}"><button type="submit" class="danger">Revoke</button></form>`
        }</td></tr>`,
      )}</tbody></table></div>`
}
</section>
<section class="panel" aria-labelledby="h-subs">
<h2 id="h-subs">Event subscriptions</h2>
<form method="post" action="/api-access/subscriptions">
  <input type="hidden" name="_csrf" value="${csrf}">
  <p><label for="sub-url">URL that receives the events</label><br>
  <input id="sub-url" name="url" type="url" required placeholder="https://hooks.zapier.com/…" size="60"></p>
  <fieldset><legend>Events</legend>
  <p><input type="checkbox" id="ev-all" name="events" value="*"> <label for="ev-all">all of them (*)</label></p>
  ${PRODUCT_EVENT_NAMES.map(
    (n) =>
      html`<p><input type="checkbox" id="ev-${n}" name="events" value="${n}"> <label for="ev-${n}"><code>${n}</code></label></p>`,
  )}
  </fieldset>
  <button type="submit">Subscribe</button>
</form>
<p class="muted">Deliveries are signed JSON (HMAC-SHA256 with a timestamp), retried, then dead-lettered; see docs/events.md for the check.</p>
${
  subs.length === 0
    ? html`<p class="muted">No subscriptions yet.</p>`
    : html`<div class="table-wrap"><table><caption class="sr-only">Subscriptions</caption>
<thead><tr><th scope="col">URL</th><th scope="col">Events</th><th scope="col">From</th><th scope="col">Since</th><th scope="col">Action</th></tr></thead>
<tbody>${subs.map(
        (
          s,
        ) => html`<tr><td><code>${s.url}</code></td><td>${s.events.join(', ')}</td><td>${s.source}</td><td>${time(s.createdAt)}</td>
<td>${
          s.source === 'config'
            ? html`<span class="muted">in the config file</span>`
            : html`<form method="post" action="/api-access/subscriptions/${s.id}/delete" class="inline" data-confirm="Stop sending events to ${s.url}?">
<input type="hidden" name="_csrf" value="${csrf}"><button type="submit" class="danger">Delete</button></form>`
        }</td></tr>`,
      )}</tbody></table></div>`
}
</section>`;
  return renderPage(c, deps, {
    title: 'API and events',
    nav: 'api',
    body,
    ...(extra.flash !== undefined ? { flash: extra.flash } : {}),
    ...(extra.status ? { status: extra.status } : {}),
  });
}
