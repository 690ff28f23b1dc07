/**
 * `GET /runs`: live progress of the run going on, run now (sync, full sync, reconcile plan or
 * apply), pause/resume of the schedules with their next times, the runs with counts by class and
 * calls used against the minimum, and the last reconciliation's plan (per record and field).
 */
import type { Context } from 'hono';
import { listRuns } from '../../../sync/repo/runs.js';
import { type DashboardDeps, renderPage } from '../context.js';
import { scheduleInfo } from '../control/data.js';
import { type LastPlan, runControlFor } from '../control/run-control.js';
import { type Html, badge, html, num, shown, time } from '../html.js';
import { liveRunBlock, runsTable } from './fragments.js';

function runButton(
  csrf: string,
  label: string,
  fields: Record<string, string>,
  ok: string,
  secondary = false,
): Html {
  return html`<form method="post" action="/runs/start" class="inline" data-api="/api/runs" data-ok="${ok}">
  <input type="hidden" name="_csrf" value="${csrf}">
  ${Object.entries(fields).map(
    ([k, v]) =>
      html`<input type="hidden" name="${k}" value="${v}"${v === 'true' || v === 'false' ? html` data-type="boolean"` : ''}>`,
  )}
  <button type="submit"${secondary ? html` class="secondary"` : ''}>${label}</button>
</form>`;
}

function planView(plan: LastPlan | null): Html {
  if (!plan) {
    return html`<p class="muted">No reconciliation has run in this service since it started. "Reconcile: plan" compares every
    linked record on both sides and lists the differences here, writing nothing.</p>`;
  }
  const c = plan.counts;
  return html`<p>Reconciliation #${plan.runId} (${plan.mode}) ${badge(plan.status)} ${time(plan.at)}:
  ${num(c.inSync)} in sync, ${num(c.drift)} drift, ${num(c.conflict)} conflicts, ${num(c.orphan)} orphans,
  ${num(c.unlinked)} unlinked candidates. ${plan.mode === 'plan' ? 'Applying it would cost' : 'It was forecast at'}
  ${num(plan.forecastCalls.ghl)} GHL and ${num(plan.forecastCalls.cin7)} Cin7 calls.</p>
  ${
    plan.changes.length === 0
      ? html`<p>No differences: both sides agree.</p>`
      : html`<div class="table-wrap"><table>
<caption class="sr-only">Differences found</caption>
<thead><tr><th scope="col">Class</th><th scope="col">Cin7 customer / contact</th><th scope="col">GHL contact</th>
<th scope="col">Field</th><th scope="col">Old → new</th><th scope="col">Side written</th></tr></thead>
<tbody>${plan.changes.map(
          (ch) => html`<tr><td>${badge(ch.class)}</td>
<td>${ch.cin7CustomerId ? html`<a href="/records/${ch.cin7CustomerId}">${ch.cin7CustomerId}</a>` : '—'}${ch.cin7ContactId ? html` <span class="muted">/ ${ch.cin7ContactId}</span>` : ''}</td>
<td>${ch.ghlContactId ?? '—'}</td><td><code>${ch.field}</code></td>
<td>${shown(ch.from)} → ${shown(ch.to)}</td><td>${ch.target ? (ch.target === 'ghl' ? 'GHL' : 'Cin7') : 'none'}</td></tr>`,
        )}</tbody></table></div>${plan.more > 0 ? html`<p class="muted">… and ${num(plan.more)} more.</p>` : ''}`
  }`;
}

export async function runsPage(c: Context, deps: DashboardDeps, csrf: string): Promise<Response> {
  const [runs, schedules] = await Promise.all([listRuns(deps.store.db, 25), scheduleInfo(deps)]);
  const control = runControlFor(deps);
  const live = control.live();
  const pause = schedules.paused;
  const body = html`<h1>Runs</h1>
<p class="lead">Sync passes and reconciliations: live progress, what each did, and what it cost.</p>
<section class="panel" aria-labelledby="h-now">
  <h2 id="h-now">Run now</h2>
  <div class="actions">
    ${runButton(csrf, 'Sync changes', { kind: 'sync' }, 'Sync started: progress shows below.')}
    ${runButton(csrf, 'Full sync', { kind: 'sync', full: 'true' }, 'Full sync started.', true)}
    ${runButton(csrf, 'Reconcile: plan', { kind: 'reconcile', mode: 'plan' }, 'Reconciliation plan started: it writes nothing.', true)}
    ${runButton(csrf, 'Reconcile: apply', { kind: 'reconcile', mode: 'apply' }, 'Reconciliation started.', true)}
  </div>
  <div id="runs-live" data-region data-topics="runs">${liveRunBlock(live)}</div>
</section>
<section class="panel" aria-labelledby="h-sched" id="runs-schedules" data-region data-topics="runs">
  <h2 id="h-sched">Schedules</h2>
  <dl class="kv">
    <dt>Polling pass (sync)</dt><dd>${pause.sync ? badge('paused') : schedules.crons.sync ? badge('active') : badge('not scheduled')} ${
      schedules.crons.sync
        ? html`<code>${schedules.crons.sync}</code>, next ${time(schedules.next.sync)}`
        : html`<span class="muted">not scheduled (connect both accounts)</span>`
    }</dd>
    <dt>Reconciliation</dt><dd>${pause.reconcile ? badge('paused') : schedules.crons.reconcile ? badge('active') : badge('not scheduled')} ${
      schedules.crons.reconcile
        ? html`<code>${schedules.crons.reconcile}</code>, next ${time(schedules.next.reconcile)}`
        : html`<span class="muted">not scheduled in this service (config <code>reconcile.schedule</code>: <code>${deps.config.reconcile.schedule}</code>)</span>`
    }</dd>
  </dl>
  <form method="post" action="/runs/schedules" class="inline" data-api="/api/schedules" data-method="PUT" data-ok="Schedules updated.">
    <input type="hidden" name="_csrf" value="${csrf}">
    <input type="hidden" name="sync" value="${pause.sync || pause.reconcile ? 'false' : 'true'}" data-type="boolean">
    <input type="hidden" name="reconcile" value="${pause.sync || pause.reconcile ? 'false' : 'true'}" data-type="boolean">
    <button type="submit" class="secondary">${pause.sync || pause.reconcile ? 'Resume schedules' : 'Pause schedules'}</button>
  </form>
  <p class="muted">A pause skips the scheduled passes; webhooks, retries and runs started here still run.</p>
</section>
<section aria-labelledby="h-runs" id="runs-table" data-region data-topics="runs">
  <h2 id="h-runs">Runs</h2>
  ${runsTable(runs, 'Runs, newest first')}
</section>
<section aria-labelledby="h-plan" id="runs-plan" data-region data-topics="runs">
  <h2 id="h-plan">Plan view</h2>
  ${planView(control.lastPlan())}
</section>`;
  return renderPage(c, deps, { title: 'Runs', nav: 'runs', body });
}
