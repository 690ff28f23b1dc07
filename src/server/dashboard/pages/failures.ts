/**
 * `GET /failures`: records that failed alone — the error in plain words with its fix, the request
 * the vendor refused, the record as read — with retry (one, or all: each customer is read again from
 * Cin7, where the data was probably just fixed); and the jobs that ended in a dead-letter queue.
 */
import type { Context } from 'hono';
import { type FailureRecord, listFailures } from '../../../sync/repo/failures.js';
import { type DashboardDeps, renderPage } from '../context.js';
import { listDeadLetters } from '../control/data.js';
import { type Html, badge, html, pretty, time } from '../html.js';

function failureCard(f: FailureRecord, csrf: string): Html {
  const id = `failure-${f.id}`;
  return html`<article class="panel failure" id="${id}" aria-labelledby="${id}-h">
<h3 id="${id}-h"><a href="/records/${f.cin7CustomerId}">Customer ${f.cin7CustomerId}</a>
  <span class="muted">contact ${f.cin7ContactId}</span> ${badge(f.status)}</h3>
<p class="error-text plain-error">${f.error}</p>
<p class="muted">Stage ${f.stage} · <code>${f.code}</code> · ${f.attempts} attempt${f.attempts === 1 ? '' : 's'} · first ${time(f.firstAt)} · last ${time(f.lastAt)}${
    f.ghlContactId ? html` · GHL contact <code>${f.ghlContactId}</code>` : ''
  }</p>
${f.request ? html`<details><summary>The request</summary><pre>${pretty(f.request)}</pre></details>` : ''}
${f.record ? html`<details><summary>The record as read</summary><pre>${pretty(f.record)}</pre></details>` : ''}
${
  f.status === 'open'
    ? html`<form method="post" action="/failures/${f.id}/retry" class="inline" data-api="/api/failures/retry"
  data-ok="Retried: see whether it is resolved below.">
  <input type="hidden" name="_csrf" value="${csrf}">
  <input type="hidden" name="ids" value="${f.id}" data-type="list">
  <button type="submit">Retry</button>
</form>`
    : ''
}
</article>`;
}

export async function failuresPage(c: Context, deps: DashboardDeps, csrf: string): Promise<Response> {
  const customer = c.req.query('customer')?.slice(0, 100) || undefined;
  const [open, resolved, dead] = await Promise.all([
    listFailures(deps.store.db, {
      status: 'open',
      limit: 200,
      ...(customer ? { customerId: customer } : {}),
    }),
    listFailures(deps.store.db, {
      status: 'resolved',
      limit: 10,
      ...(customer ? { customerId: customer } : {}),
    }),
    listDeadLetters(deps.store, 100),
  ]);
  const body = html`<h1>Failures and dead letters</h1>
<p class="lead">A record that fails is kept here with the error and the request; the rest of the sync goes on. Fix the data in Cin7, then retry.</p>
${customer ? html`<p>Showing customer <code>${customer}</code> only. <a href="/failures">Show all</a></p>` : ''}
<section aria-labelledby="h-open" id="failures-open" data-region data-topics="failures">
<h2 id="h-open">Open failures: ${open.length}</h2>
${
  open.length > 0
    ? html`<form method="post" action="/failures/retry-all" class="actions" data-api="/api/failures/retry"
    data-ok="Retried every open failure." data-confirm="Retry all ${open.length} open failures now? Each customer is read again from Cin7.">
    <input type="hidden" name="_csrf" value="${csrf}">
    <input type="hidden" name="all" value="true" data-type="boolean">
    <button type="submit" class="secondary">Retry all</button>
  </form>
  ${open.map((f) => failureCard(f, csrf))}`
    : html`<p class="panel">No open failures.</p>`
}
</section>
<section aria-labelledby="h-resolved" id="failures-resolved" data-region data-topics="failures">
<h2 id="h-resolved">Resolved lately</h2>
${
  resolved.length === 0
    ? html`<p class="muted">None yet.</p>`
    : html`<ul class="plain">${resolved.map(
        (f) =>
          html`<li>${badge('resolved')} <a href="/records/${f.cin7CustomerId}">Customer ${f.cin7CustomerId}</a> (${f.code}) ${time(f.resolvedAt)} <span class="muted">— was: ${f.error}</span></li>`,
      )}</ul>`
}
</section>
<section aria-labelledby="dead-letters" id="failures-dead" data-region data-topics="failures">
<h2 id="dead-letters">Dead letters: ${dead.length}</h2>
<p class="muted">Jobs that failed after their last retry (a webhook that could not be processed, an event that could not be delivered …).</p>
${
  dead.length === 0
    ? html`<p class="panel">None.</p>`
    : html`<div class="table-wrap"><table><caption class="sr-only">Dead letters</caption>
<thead><tr><th scope="col">Job</th><th scope="col">Error</th><th scope="col">Payload</th><th scope="col">Since</th><th scope="col">Action</th></tr></thead>
<tbody>${dead.map(
        (d) => html`<tr><td><code>${d.kind}</code></td><td class="error-text">${d.error}</td>
<td><details><summary>payload</summary><pre>${pretty(d.payload)}</pre></details></td><td>${time(d.deadAt)}</td>
<td><form method="post" action="/dead-letters/${d.id}/retry" class="inline" data-api="/api/dead-letters/${d.id}/retry" data-ok="Sent back to its queue.">
<input type="hidden" name="_csrf" value="${csrf}"><button type="submit" class="secondary">Retry</button></form></td></tr>`,
      )}</tbody></table></div>`
}
</section>`;
  return renderPage(c, deps, { title: 'Failures', nav: 'failures', body });
}
