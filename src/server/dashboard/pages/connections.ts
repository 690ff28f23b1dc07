/**
 * `GET /connections`: each GHL location and Cin7 account — status, scopes (granted against what the
 * configuration needs), token expiry, last use and error — with reconnect (GHL OAuth) and connect
 * (Cin7 key); and webhook health: the last GHL webhook received, the Cin7 webhooks registered, their
 * last delivery and the repairs the periodic check made.
 */
import type { Context } from 'hono';
import { missingScopes, requiredGhlScopes } from '../../../ghl/scopes.js';
import { type DashboardDeps, renderPage } from '../context.js';
import { type ConnectionView, listConnectionViews, webhookHealth } from '../control/data.js';
import { type Html, badge, html, time } from '../html.js';

function ghlCard(r: ConnectionView, required: string[], csrf: string): Html {
  const missing = missingScopes(required, r.scopes);
  const reason = typeof r.details.needsReauthReason === 'string' ? r.details.needsReauthReason : null;
  return html`<article class="card" aria-labelledby="conn-${r.id}">
<h3 id="conn-${r.id}">GHL location <code>${r.accountId}</code></h3>
<dl class="kv">
  <dt>Status</dt><dd data-status="${r.status}">${badge(r.status)}${reason ? html` <span class="error-text">(${reason.replace(/_/g, ' ')})</span>` : ''}</dd>
  <dt>Authentication</dt><dd>${r.authMode === 'oauth' ? 'OAuth (Marketplace app)' : 'Private Integration Token'}</dd>
  <dt>Scopes</dt><dd>${r.scopes.map((s, i) => html`${i > 0 ? ', ' : ''}<code>${s}</code>`)}${
    missing.length > 0
      ? html`<div class="error-text">Missing: ${missing.join(', ')} — reconnect granting them.</div>`
      : html` <span class="muted">(all the configuration needs)</span>`
  }</dd>
  <dt>Token expires</dt><dd>${r.authMode === 'pit' ? 'never (PIT)' : time(r.tokenExpiresAt)}</dd>
  <dt>Token refreshed</dt><dd>${time(r.tokenRefreshedAt)}</dd>
  <dt>Last used</dt><dd>${time(r.lastUsedAt)}</dd>
  ${r.lastError ? html`<dt>Last error</dt><dd class="error-text">${r.lastError}</dd>` : ''}
</dl>
<form method="post" action="/connections/ghl/connect" class="actions">
  <input type="hidden" name="_csrf" value="${csrf}">
  <button type="submit" class="${r.status === 'active' ? 'secondary' : ''}">Reconnect GHL (OAuth)</button>
</form>
</article>`;
}

function cin7Card(r: ConnectionView): Html {
  const d = r.details;
  return html`<article class="card" aria-labelledby="conn-${r.id}">
<h3 id="conn-${r.id}">Cin7 account <code>${r.accountId}</code></h3>
<dl class="kv">
  <dt>Status</dt><dd data-status="${r.status}">${badge(r.status)}</dd>
  <dt>Company</dt><dd>${typeof d.company === 'string' ? d.company : '—'}</dd>
  <dt>Currency / time zone</dt><dd>${typeof d.currency === 'string' ? d.currency : '—'} / ${typeof d.timeZone === 'string' ? d.timeZone : '—'}</dd>
  <dt>Authentication</dt><dd>application key (stored encrypted)</dd>
  <dt>Last used</dt><dd>${time(r.lastUsedAt)}</dd>
  ${r.lastError ? html`<dt>Last error</dt><dd class="error-text">${r.lastError}</dd>` : ''}
</dl>
</article>`;
}

export async function connectionsPage(c: Context, deps: DashboardDeps, csrf: string): Promise<Response> {
  const [rows, hooks] = await Promise.all([listConnectionViews(deps.store.db), webhookHealth(deps.store.db)]);
  const required = requiredGhlScopes(deps.config);
  const ghl = rows.filter((r) => r.api === 'ghl');
  const cin7 = rows.filter((r) => r.api === 'cin7');
  const registered = Object.keys(hooks.cin7.registered);
  const body = html`<h1>Connections</h1>
<p class="lead">The accounts this service talks to, and whether their webhooks arrive.</p>
<div id="connections-cards" data-region data-topics="connections">
<section aria-labelledby="h-ghl">
  <h2 id="h-ghl">HighLevel (GHL)</h2>
  <div class="cards wide">${
    ghl.length > 0
      ? ghl.map((r) => ghlCard(r, required, csrf))
      : html`<article class="card"><p>${badge('not connected')} No GHL location is connected.</p>
      <form method="post" action="/connections/ghl/connect"><input type="hidden" name="_csrf" value="${csrf}">
      <button type="submit">Connect GHL (OAuth)</button></form>
      <p class="muted">Scopes asked for: ${required.join(', ')}.</p></article>`
  }</div>
</section>
<section aria-labelledby="h-cin7">
  <h2 id="h-cin7">Cin7 Core</h2>
  <div class="cards wide">${cin7.length > 0 ? cin7.map(cin7Card) : ''}
  <article class="card">
    <h3>${cin7.length > 0 ? 'Connect another key' : 'Connect Cin7'}</h3>
    <form method="post" action="/connections/cin7" data-api="/api/connections/cin7" data-ok="Cin7 connected: the key is stored encrypted.">
      <input type="hidden" name="_csrf" value="${csrf}">
      <p><label for="cin7-account">Account ID</label><br><input id="cin7-account" name="accountId" type="text" required autocomplete="off"></p>
      <p><label for="cin7-key">Application key</label><br><input id="cin7-key" name="applicationKey" type="password" required autocomplete="off"></p>
      <button type="submit"${cin7.length > 0 ? html` class="secondary"` : ''}>Connect Cin7</button>
    </form>
    <p class="muted">Checked with <code>GET /me</code> before it is kept.</p>
  </article>
  </div>
</section>
<section aria-labelledby="h-hooks" class="panel">
  <h2 id="h-hooks">Webhook health</h2>
  <dl class="kv">
    <dt>Last GHL webhook received</dt><dd id="ghl-last-webhook">${time(hooks.ghl.lastAt)} <span class="muted">(${hooks.ghl.lastHour} in the last hour${hooks.ghl.failed > 0 ? `, ${hooks.ghl.failed} failed to process` : ''})</span></dd>
    <dt>Cin7 webhooks</dt><dd>${
      registered.length > 0
        ? html`${badge('active')} ${registered.join(', ')} <span class="muted">→ ${hooks.cin7.baseUrl ?? '?'}</span>`
        : html`${badge('not registered')} <span class="muted">Cin7 needs a URL it can reach: set <code>CIN7_GHL_PUBLIC_URL</code> and connect again. Polling covers changes meanwhile.</span>`
    }</dd>
    <dt>Last Cin7 delivery</dt><dd>${time(hooks.cin7.lastAt)} <span class="muted">(${hooks.cin7.lastHour} in the last hour)</span></dd>
  </dl>
  ${
    hooks.cin7.repairs.length > 0
      ? html`<h3>Repairs by the webhook check</h3><ul>${hooks.cin7.repairs.map((r) => html`<li>${time(r.at)}: ${r.message}</li>`)}</ul>`
      : ''
  }
</section>
</div>`;
  return renderPage(c, deps, { title: 'Connections', nav: 'connections', body });
}
