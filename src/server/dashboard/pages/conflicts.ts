/**
 * `GET /conflicts`: the inbox of fields both sides changed since the last sync — both values side by
 * side with when each changed — resolved by taking Cin7's value, GHL's, or a value typed here; and
 * the conflicts resolved lately (by a person or by the policy).
 */
import type { Context } from 'hono';
import { type ConflictRecord, listConflicts } from '../../../sync/conflicts/repo.js';
import { type DashboardDeps, renderPage } from '../context.js';
import { type Html, badge, html, shown, time } from '../html.js';

function conflictCard(c: ConflictRecord, csrf: string): Html {
  const id = `conflict-${c.id}`;
  return html`<article class="panel conflict" aria-labelledby="${id}-h" id="${id}">
<h2 id="${id}-h">Conflict #${c.id}: <code>${c.field}</code> of
  <a href="/records/${c.cin7CustomerId}">customer ${c.cin7CustomerId}</a></h2>
<p class="muted">Last synced value: ${shown(c.baseValue)} · found ${time(c.createdAt)} by run #${c.runId ?? '?'} · policy ${c.policy}</p>
<div class="side-by-side">
  <div class="value-box"><h3>Cin7 (contact <code>${c.cin7ContactId}</code>)</h3>
    <div class="value" data-side="cin7">${shown(c.cin7Value)}</div><div class="muted">changed ${time(c.cin7ChangedAt)}</div></div>
  <div class="value-box"><h3>GHL (contact <code>${c.ghlContactId ?? '?'}</code>)</h3>
    <div class="value" data-side="ghl">${shown(c.ghlValue)}</div><div class="muted">changed ${time(c.ghlChangedAt)}</div></div>
</div>
<form method="post" action="/conflicts/${c.id}/resolve" data-api="/api/conflicts/${c.id}/resolve"
  data-ok="Conflict #${c.id} resolved: the value was written where it was needed.">
  <input type="hidden" name="_csrf" value="${csrf}">
  <fieldset>
    <legend>Resolve with</legend>
    <p><input type="radio" id="${id}-cin7" name="take" value="cin7" checked> <label for="${id}-cin7">Cin7's value (${shown(c.cin7Value)})</label></p>
    <p><input type="radio" id="${id}-ghl" name="take" value="ghl"> <label for="${id}-ghl">GHL's value (${shown(c.ghlValue)})</label></p>
    <p><input type="radio" id="${id}-value" name="take" value="value"> <label for="${id}-value">This value:</label>
      <input type="text" name="value" aria-label="Custom value for ${c.field}" id="${id}-custom"></p>
  </fieldset>
  <button type="submit">Resolve</button>
</form>
</article>`;
}

export async function conflictsPage(c: Context, deps: DashboardDeps, csrf: string): Promise<Response> {
  const [open, closed] = await Promise.all([
    listConflicts(deps.store.db, { status: 'open', limit: 200 }),
    listConflicts(deps.store.db, { status: 'resolved', limit: 20 }),
  ]);
  const body = html`<h1>Conflicts</h1>
<p class="lead">A field both sides changed since the last sync. The value chosen is written to the side(s) that need it and audited.</p>
<div id="conflicts-open" data-region data-topics="conflicts">
${
  open.length === 0
    ? html`<p class="panel">No open conflicts. ${deps.config.reconcile.conflictPolicy === 'manual' ? '' : html`<span class="muted">(The policy is <code>${deps.config.reconcile.conflictPolicy}</code>: conflicts are decided by it and listed below.)</span>`}</p>`
    : open.map((x) => conflictCard(x, csrf))
}
</div>
<section aria-labelledby="h-resolved" id="conflicts-resolved" data-region data-topics="conflicts">
<h2 id="h-resolved">Resolved lately</h2>
${
  closed.length === 0
    ? html`<p class="muted">None yet.</p>`
    : html`<div class="table-wrap"><table><caption class="sr-only">Resolved conflicts</caption>
<thead><tr><th scope="col">#</th><th scope="col">Field</th><th scope="col">Customer</th><th scope="col">Cin7 / GHL</th>
<th scope="col">Outcome</th><th scope="col">Value</th><th scope="col">When</th></tr></thead>
<tbody>${closed.map(
        (
          x,
        ) => html`<tr><td>${x.id}</td><td><code>${x.field}</code></td><td><a href="/records/${x.cin7CustomerId}">${x.cin7CustomerId}</a></td>
<td>${shown(x.cin7Value)} / ${shown(x.ghlValue)}</td>
<td>${badge('resolved')} ${x.resolution === 'policy' ? `${x.policy} policy: ${x.winner} won` : `took ${x.resolution} (${x.resolvedBy ?? '?'})`}</td>
<td>${shown(x.resolvedValue)}</td><td>${time(x.resolvedAt)}</td></tr>`,
      )}</tbody></table></div>`
}
</section>`;
  return renderPage(c, deps, { title: 'Conflicts', nav: 'conflicts', body });
}
