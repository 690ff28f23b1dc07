/**
 * `GET /records?q=`: customers by name, email or id with their links, the last change on each side
 * and the sync status; `GET /records/:id`: the unified profile — the Cin7 customer, its purchase
 * aggregates and rule tags, and each linked GHL contact with notes, tasks, appointments and business.
 */
import type { Context } from 'hono';
import { type CustomerProfile, type ProfileContact, findProfiles } from '../../../sync/profile/index.js';
import { listFailures } from '../../../sync/repo/failures.js';
import { listConflicts } from '../../../sync/conflicts/repo.js';
import { type DashboardDeps, renderPage } from '../context.js';
import { searchRecords } from '../control/data.js';
import { type Html, badge, html, num, shown, time } from '../html.js';

export async function recordsPage(c: Context, deps: DashboardDeps): Promise<Response> {
  const q = (c.req.query('q') ?? '').slice(0, 200);
  const rows = await searchRecords(deps.store.db, q, 100);
  const body = html`<h1>Records</h1>
<p class="lead">Every Cin7 customer, its GHL contact(s), and where each stands.</p>
<form method="get" action="/records" role="search" class="actions">
  <label for="q">Search by name, email, Cin7 customer id or GHL contact id</label>
  <input id="q" name="q" type="search" value="${q}" placeholder="e.g. jane@example.com">
  <button type="submit">Search</button>
  ${q ? html`<a href="/records">Clear</a>` : ''}
</form>
<section id="records-table" data-region data-topics="records" aria-labelledby="h-found">
<h2 id="h-found">${q ? html`Matching “${q}”: ${rows.length}${rows.length === 100 ? '+' : ''}` : 'Most recently synced'}</h2>
${
  rows.length === 0
    ? html`<p>No customer matches${q ? html` “${q}”` : ' yet: the first sync reads them'}.</p>`
    : html`<div class="table-wrap"><table>
<caption class="sr-only">Customers</caption>
<thead><tr><th scope="col">Customer</th><th scope="col">Sync status</th><th scope="col">GHL contact(s)</th>
<th scope="col">Last change in Cin7</th><th scope="col">Last change in GHL</th><th scope="col">Synced</th><th scope="col">Issues</th></tr></thead>
<tbody>${rows.map(
        (r) => html`<tr>
<td><a href="/records/${r.cin7CustomerId}">${r.name}</a><div class="muted"><code>${r.cin7CustomerId}</code>${r.status && r.status !== 'Active' ? html` · ${r.status}` : ''}</div></td>
<td>${badge(r.dirty ? 'waiting' : (r.syncStatus ?? 'never synced'))}</td>
<td>${
          r.links.length === 0
            ? html`<span class="muted">none</span>`
            : r.links.map(
                (l) =>
                  html`<div>${badge(l.state)} <code>${l.ghlContactId ?? '—'}</code>${l.email ? html` <span class="muted">${l.email}</span>` : ''}</div>`,
              )
        }</td>
<td>${time(r.cin7ChangedAt)}</td><td>${time(r.ghlChangedAt)}</td><td>${time(r.syncedAt)}</td>
<td>${r.openFailures > 0 ? html`<a href="/failures?customer=${r.cin7CustomerId}">${r.openFailures} failed</a> ` : ''}${
          r.openConflicts > 0
            ? html`<a href="/conflicts">${r.openConflicts} conflict${r.openConflicts > 1 ? 's' : ''}</a>`
            : ''
        }${r.openFailures + r.openConflicts === 0 ? html`<span class="muted">none</span>` : ''}</td>
</tr>`,
      )}</tbody></table></div>`
}
</section>`;
  return renderPage(c, deps, { title: 'Records', nav: 'records', body });
}

function contactBlock(ct: ProfileContact): Html {
  const g = (ct.ghl ?? {}) as Record<string, unknown>;
  const name = [g.firstName, g.lastName].filter((x) => typeof x === 'string' && x !== '').join(' ');
  const tags = Array.isArray(g.tags) ? (g.tags as string[]) : [];
  return html`<article class="panel" aria-labelledby="ct-${ct.cin7ContactId}">
<h3 id="ct-${ct.cin7ContactId}">${ct.contactName} ${badge(ct.linkState)}</h3>
<dl class="kv">
  <dt>GHL contact</dt><dd><code>${ct.ghlContactId ?? '—'}</code>${name ? ` (${name})` : ''}</dd>
  <dt>Email / phone in GHL</dt><dd>${shown(g.email)} / ${shown(g.phone)}</dd>
  <dt>Company</dt><dd>${shown(g.companyName)}</dd>
  <dt>Tags</dt><dd>${tags.length > 0 ? tags.map((t, i) => html`${i > 0 ? ' ' : ''}<span class="badge badge-info">${t}</span>`) : '(none)'}</dd>
  <dt>Business</dt><dd>${ct.businessId ? html`<code>${ct.businessId}</code>` : '(none)'}</dd>
  <dt>Read from GHL</dt><dd>${time(ct.readAt)}</dd>
</dl>
${ct.warnings.length > 0 ? html`<ul>${ct.warnings.map((w) => html`<li class="error-text">${w}</li>`)}</ul>` : ''}
<h4>Notes</h4>
${
  ct.notes === null
    ? html`<p class="muted">Not read yet (a contact is read back after the sync writes to it).</p>`
    : ct.notes.length === 0
      ? html`<p class="muted">No notes.</p>`
      : html`<ul class="plain notes">${ct.notes.map((n) => html`<li>${n.body ?? ''} <span class="muted">${time(n.dateAdded ?? null)}</span></li>`)}</ul>`
}
<h4>Tasks</h4>
${
  ct.tasks === null
    ? html`<p class="muted">Not read yet.</p>`
    : ct.tasks.length === 0
      ? html`<p class="muted">No tasks.</p>`
      : html`<ul class="plain tasks">${ct.tasks.map(
          (t) =>
            html`<li>${t.completed ? badge('completed') : badge('open')} ${t.title ?? ''}${t.body ? html` — ${t.body}` : ''} <span class="muted">due ${time(t.dueDate ?? null)}</span></li>`,
        )}</ul>`
}
<h4>Appointments</h4>
${
  !ct.appointments
    ? html`<p class="muted">Not read (appointments are read when enabled).</p>`
    : ct.appointments.length === 0
      ? html`<p class="muted">No appointments.</p>`
      : html`<ul class="plain">${ct.appointments.map(
          (a) =>
            html`<li>${a.title ?? 'Appointment'} ${badge(a.appointmentStatus ?? a.status ?? 'booked')} ${time(a.startTime ?? null)}</li>`,
        )}</ul>`
}
</article>`;
}

function profileBody(p: CustomerProfile, failures: number, conflicts: number): Html {
  const a = p.aggregates;
  return html`<h1>${p.name}</h1>
<p class="lead">Cin7 customer <code>${p.cin7CustomerId}</code> · last change in Cin7 ${time(p.lastChange.cin7)} · in GHL ${time(p.lastChange.ghl)}</p>
${failures + conflicts > 0 ? html`<p class="flash flash-error">${failures > 0 ? html`<a href="/failures?customer=${p.cin7CustomerId}">${failures} open failure(s)</a> ` : ''}${conflicts > 0 ? html`<a href="/conflicts">${conflicts} open conflict(s)</a>` : ''}</p>` : ''}
<div class="side-by-side">
<section class="panel" aria-labelledby="h-cin7">
  <h2 id="h-cin7">In Cin7</h2>
  <dl class="kv">
    <dt>Status</dt><dd>${shown(p.cin7.Status)}</dd>
    <dt>Price tier</dt><dd>${shown((p.cin7 as { PriceTier?: unknown }).PriceTier)}</dd>
    <dt>Tags</dt><dd>${shown((p.cin7 as { Tags?: unknown }).Tags)}</dd>
    <dt>Contacts</dt><dd>${p.cin7.Contacts.map((ct, i) => html`${i > 0 ? html`<br>` : ''}${ct.Name} <span class="muted">${shown(ct.Email)} · ${shown(ct.Phone ?? ct.MobilePhone)}</span>`)}</dd>
    <dt>Addresses</dt><dd>${p.cin7.Addresses.map((ad, i) => html`${i > 0 ? html`<br>` : ''}${[ad.Line1, ad.City, ad.Country].filter(Boolean).join(', ')}`)}</dd>
  </dl>
</section>
<section class="panel" aria-labelledby="h-buy">
  <h2 id="h-buy">Purchases and rule tags</h2>
  ${
    a
      ? html`<dl class="kv"><dt>Orders</dt><dd>${num(a.orderCount)}</dd><dt>Lifetime spend</dt><dd>${shown(a.lifetimeSpend)} ${a.currency ?? ''}</dd>
      <dt>First / last order</dt><dd>${shown(a.firstOrderDate)} / ${shown(a.lastOrderDate)}</dd></dl>`
      : html`<p class="muted">No purchase data yet.</p>`
  }
  <p>Rule tags: ${p.ruleTags.length > 0 ? p.ruleTags.map((t, i) => html`${i > 0 ? ' ' : ''}<span class="badge badge-info">${t}</span>`) : '(none)'}</p>
  ${p.ruleReasons.length > 0 ? html`<ul>${p.ruleReasons.map((r) => html`<li><code>${r.tag}</code> ← ${r.rule}: ${r.why}</li>`)}</ul>` : ''}
  ${p.business ? html`<p>Business: ${p.business.name} <code>${p.business.id}</code></p>` : ''}
</section>
</div>
<section aria-labelledby="h-ghl">
  <h2 id="h-ghl">In GHL</h2>
  ${p.contacts.length === 0 ? html`<p class="muted">Not synced yet.</p>` : p.contacts.map(contactBlock)}
  ${p.skipped.length > 0 ? html`<h3>Skipped contacts</h3><ul>${p.skipped.map((s) => html`<li>${shown((s as { contactName?: unknown }).contactName)}: ${shown((s as { reason?: unknown }).reason)}</li>`)}</ul>` : ''}
</section>
<p><a href="/mapping?customer=${p.cin7CustomerId}">What the mapping would send for this customer</a> · <a href="/records">All records</a></p>`;
}

export async function profilePage(c: Context, deps: DashboardDeps, id: string): Promise<Response> {
  const locationId =
    deps.config.ghl.locationId ??
    (
      await deps.store.db
        .selectFrom('connections')
        .select('account_id')
        .where('api', '=', 'ghl')
        .executeTakeFirst()
    )?.account_id ??
    null;
  const [profile] = await findProfiles(deps.store, id, { locationId });
  if (!profile) {
    return renderPage(c, deps, {
      title: 'Not found',
      nav: 'records',
      status: 404,
      body: html`<h1>No such customer</h1><p>No Cin7 customer <code>${id}</code> is known here yet. <a href="/records">Search the records</a>.</p>`,
    });
  }
  const [failures, conflicts] = await Promise.all([
    listFailures(deps.store.db, { status: 'open', customerId: profile.cin7CustomerId, limit: 100 }),
    listConflicts(deps.store.db, { cin7CustomerId: profile.cin7CustomerId }),
  ]);
  const body = html`<div id="profile" data-region data-topics="records">${profileBody(profile, failures.length, conflicts.length)}</div>`;
  return renderPage(c, deps, { title: profile.name, nav: 'records', body });
}
