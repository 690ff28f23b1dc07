/** `GET /`: is the sync healthy, at a glance — counts, connections, the run going on, the latest runs. */
import type { Context } from 'hono';
import { conflictCounts } from '../../../sync/conflicts/repo.js';
import { customerCounts } from '../../../sync/repo/customers.js';
import { linkCounts } from '../../../sync/repo/links.js';
import { listRuns } from '../../../sync/repo/runs.js';
import { type DashboardDeps, renderPage } from '../context.js';
import { listConnectionViews, listDeadLetters, scheduleInfo } from '../control/data.js';
import { runControlFor } from '../control/run-control.js';
import { html, num, time } from '../html.js';
import { connectionsSummary, liveRunBlock, runsTable } from './fragments.js';

export async function overviewPage(c: Context, deps: DashboardDeps): Promise<Response> {
  const db = deps.store.db;
  const [customers, links, conflicts, failures, connections, runs, schedules, dead] = await Promise.all([
    customerCounts(db),
    linkCounts(db),
    conflictCounts(db),
    db
      .selectFrom('failures')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('status', '=', 'open')
      .executeTakeFirstOrThrow(),
    listConnectionViews(db),
    listRuns(db, 5),
    scheduleInfo(deps),
    listDeadLetters(deps.store, 1000),
  ]);
  const live = runControlFor(deps).live();
  const card = (label: string, key: string, value: number, href?: string) =>
    html`<div class="card"><div class="metric" data-live="${key}">${num(value)}</div><div class="metric-label">${
      href ? html`<a href="${href}">${label}</a>` : label
    }</div></div>`;
  const body = html`<h1>Overview</h1>
<p class="lead">Cin7 Core customers and HighLevel contacts, kept in step both ways.</p>
<section aria-labelledby="h-numbers">
<h2 id="h-numbers" class="sr-only">Numbers</h2>
<div class="cards">
  ${card('Cin7 customers', 'customers.total', customers.total, '/records')}
  ${card('GHL contacts linked', 'links.linked', links.linked, '/records')}
  ${card('Customers waiting to sync', 'customers.dirty', customers.dirty)}
  ${card('Open failures', 'failures.open', Number(failures.n), '/failures')}
  ${card('Open conflicts', 'conflicts.open', conflicts.open, '/conflicts')}
  ${card('Dead letters', 'deadLetters.open', dead.length, '/failures#dead-letters')}
</div>
</section>
<div class="side-by-side">
<section class="panel" aria-labelledby="h-conn" id="overview-connections" data-region data-topics="connections">
  <h2 id="h-conn">Connections</h2>
  ${connectionsSummary(connections)}
</section>
<section class="panel" aria-labelledby="h-run" id="overview-run" data-region data-topics="runs">
  <h2 id="h-run">Sync activity</h2>
  ${liveRunBlock(live)}
  <p>Next polling pass: ${schedules.paused.sync ? html`<strong>paused</strong>` : time(schedules.next.sync)} ·
  next reconciliation: ${schedules.paused.reconcile ? html`<strong>paused</strong>` : schedules.next.reconcile ? time(schedules.next.reconcile) : html`<span class="muted">not scheduled here</span>`}</p>
  <p><a href="/runs">Runs, run now, pause</a></p>
</section>
</div>
<section aria-labelledby="h-latest" id="overview-runs" data-region data-topics="runs">
  <h2 id="h-latest">Latest runs</h2>
  ${runsTable(runs, 'Latest runs')}
</section>`;
  return renderPage(c, deps, { title: 'Overview', nav: 'overview', body });
}
