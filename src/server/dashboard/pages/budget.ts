/**
 * `GET /budget`: the API calls left — per GHL location, the burst window (as this process's rate
 * limiter holds it) and the daily budget (as GHL's last answer reported it); per Cin7 application,
 * its per-minute window — and the calls this process has made since it started.
 */
import type { Context } from 'hono';
import { type DashboardDeps, renderPage } from '../context.js';
import { type BurstView, rateBudget } from '../control/data.js';
import { type Html, duration, html, num, time } from '../html.js';

function burstRow(label: Html, b: BurstView): Html {
  const used = b.free === null ? null : b.limit - b.free;
  return html`<tr><th scope="row">${label}</th>
<td class="num">${b.free === null ? '—' : num(b.free)}</td><td class="num">${num(b.limit)}</td>
<td>${duration(b.windowMs)}</td>
<td>${used === null ? html`<span class="muted">not known</span>` : html`<meter min="0" max="${b.limit}" value="${used}" aria-label="used in the window">${used}</meter> ${num(used)} in use`}</td></tr>`;
}

export async function budgetPage(c: Context, deps: DashboardDeps): Promise<Response> {
  const budget = await rateBudget(deps);
  const calls = deps.http.counter.snapshot().totals;
  const body = html`<h1>Rate budget</h1>
<p class="lead">Calls are the scarce resource: the limiter keeps every window under the vendor's limit, and this page shows what is left.</p>
<div id="budget" data-region data-topics="runs records">
<section aria-labelledby="h-burst">
<h2 id="h-burst">Burst windows</h2>
${
  budget.ghl.length + budget.cin7.length === 0
    ? html`<p class="muted">No connection yet.</p>`
    : html`<div class="table-wrap"><table><caption class="sr-only">Burst windows</caption>
<thead><tr><th scope="col">Key</th><th scope="col" class="num">Free now</th><th scope="col" class="num">Limit</th><th scope="col">Window</th><th scope="col">In use</th></tr></thead>
<tbody>
${budget.ghl.map((g) => burstRow(html`GHL location <code>${g.locationId}</code>`, g.burst))}
${budget.cin7.map((x) => burstRow(html`Cin7 application of account <code>${x.accountId}</code>`, x.perMinute))}
</tbody></table></div>`
}
</section>
<section aria-labelledby="h-daily">
<h2 id="h-daily">GHL daily budget</h2>
${
  budget.ghl.length === 0
    ? html`<p class="muted">No GHL location connected.</p>`
    : html`<div class="table-wrap"><table><caption class="sr-only">Daily budget per location</caption>
<thead><tr><th scope="col">Location</th><th scope="col" class="num">Remaining today</th><th scope="col" class="num">Limit</th>
<th scope="col" class="num">Reserve</th><th scope="col">Resets</th><th scope="col">Pacing</th><th scope="col">Reported</th></tr></thead>
<tbody>${budget.ghl.map((g) =>
        g.daily
          ? html`<tr><th scope="row"><code>${g.locationId}</code></th><td class="num">${num(g.daily.remaining)}</td><td class="num">${num(g.daily.limit)}</td>
<td class="num">${num(g.daily.reserve)}</td><td>${time(g.daily.resetAt)}</td><td>${g.daily.paceMs > 0 ? `one call every ${duration(g.daily.paceMs)}` : 'none'}</td><td>${time(g.daily.observedAt)}</td></tr>`
          : html`<tr><th scope="row"><code>${g.locationId}</code></th><td class="num">—</td><td class="num">${num(g.dailyLimit)}</td><td class="num">—</td><td>—</td><td>none</td>
<td class="muted">not reported yet today (known after the first GHL answer)</td></tr>`,
      )}</tbody></table></div>`
}
<p class="muted">Cin7 documents no daily cap, only its per-minute limit.</p>
</section>
<section aria-labelledby="h-calls">
<h2 id="h-calls">Calls made by this process</h2>
<div class="table-wrap"><table><caption class="sr-only">Calls by API</caption>
<thead><tr><th scope="col">API</th><th scope="col" class="num">Calls</th><th scope="col" class="num">Rate limited</th><th scope="col" class="num">Retries</th><th scope="col" class="num">Without a 2xx</th></tr></thead>
<tbody>${Object.entries(calls).map(
    ([api, t]) =>
      html`<tr><th scope="row">${api === 'ghl' ? 'GHL' : api === 'cin7' ? 'Cin7' : api}</th><td class="num">${num(t.calls)}</td><td class="num">${num(t.rateLimited)}</td><td class="num">${num(t.retries)}</td><td class="num">${num(t.failures)}</td></tr>`,
  )}</tbody></table></div>
</section>
</div>`;
  return renderPage(c, deps, { title: 'Rate budget', nav: 'budget', body });
}
