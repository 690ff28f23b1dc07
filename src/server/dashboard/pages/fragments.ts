/** Pieces several pages show: the run in progress, the runs table, the connection summary. */
import type { Json } from '../../../store/schema.js';
import type { RunRecord } from '../../../sync/repo/runs.js';
import type { LiveRun } from '../control/run-control.js';
import type { ConnectionView } from '../control/data.js';
import { type Html, badge, duration, html, num, time } from '../html.js';

const PHASES: Record<string, string> = {
  starting: 'Starting',
  me: 'Checking the Cin7 account',
  sales: 'Reading Cin7 sales (pages)',
  customers: 'Reading Cin7 customers (pages)',
  prefetch: 'Reading GHL contacts for matching',
  sync: 'Syncing customers to GHL',
  cin7: 'Reading Cin7 customers (pages)',
  ghl: 'Reading GHL contacts',
  business: 'Checking business associations',
  classify: 'Comparing linked records',
  candidates: 'Finding unlinked candidates',
  apply: 'Applying fixes',
  orphans: 'Handling orphans',
  done: 'Done',
};

/** The phase in words. */
export function phaseText(phase: string): string {
  return PHASES[phase] ?? phase;
}

/** The run this process is doing (progress bar, live), or the one it just finished. */
export function liveRunBlock(live: LiveRun | null): Html {
  const running = live?.status === 'running';
  return html`<div class="live-run">
  <div class="progress" data-run-progress${running ? '' : html` hidden`}>
    <label for="run-progress">Progress</label>
    <progress id="run-progress"${live?.total ? html` max="${live.total}" value="${Math.min(live.done, live.total)}"` : ''}>${live ? `${live.done}` : ''}</progress>
    <span data-live="run.progress">${running && live ? `${live.done}${live.total !== null ? ` / ${live.total}` : ''}` : ''}</span>
  </div>
  ${
    live
      ? html`<p><strong>${live.kind === 'sync' ? 'Sync' : 'Reconciliation'}</strong> (${live.mode}, started ${time(live.startedAt)}):
      ${badge(live.status)} <span data-live="run.phase">${running ? phaseText(live.phase) : live.status}</span>${
        live.finishedAt
          ? html`, took ${duration(Date.parse(live.finishedAt) - Date.parse(live.startedAt))}`
          : ''
      }</p>
      ${live.error ? html`<p class="error-text">${live.error}</p>` : ''}
      ${live.summary && !running ? summaryLine(live) : ''}`
      : html`<p class="muted">No run started from this dashboard yet. <span data-live="run.phase"></span></p>`
  }
</div>`;
}

function summaryLine(live: LiveRun): Html {
  const s = live.summary as Record<string, unknown>;
  if (live.kind === 'sync') {
    return html`<p>${num(s.customersRead as number)} customers read · ${num(s.contactsCreated as number)} contacts created ·
      ${num(s.contactsUpdated as number)} updated · ${num(s.unchanged as number)} unchanged · ${num(s.skipped as number)} skipped ·
      ${num(s.failed as number)} failed · ${num(s.deferred as number)} deferred</p>`;
  }
  const counts = (s.counts ?? {}) as Record<string, number>;
  return html`<p>${num(counts.inSync)} in sync · ${num(counts.drift)} drift · ${num(counts.conflict)} conflicts ·
    ${num(counts.orphan)} orphans · ${num(counts.unlinked)} unlinked candidates; ${num(s.applied as number)} applied,
    ${num(s.openConflicts as number)} conflicts open</p>`;
}

function obj(v: Json): Record<string, Json> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, Json>) : {};
}

function countsText(run: RunRecord): string {
  const c = obj(run.counts);
  const keys = Object.keys(c).filter((k) => typeof c[k] === 'number' && c[k] !== 0);
  if (keys.length === 0) return run.status === 'running' ? 'in progress' : '—';
  return keys.map((k) => `${k} ${num(c[k] as number)}`).join(', ');
}

function callsText(run: RunRecord): Html {
  const used = obj(run.calls);
  const min = obj(run.minimumCalls);
  const apis = ['ghl', 'cin7'].filter((a) => typeof used[a] === 'number');
  if (apis.length === 0) return html`—`;
  return html`${apis.map(
    (a, i) =>
      html`${i > 0 ? ', ' : ''}${a === 'ghl' ? 'GHL' : 'Cin7'} ${num(used[a] as number)}${
        typeof min[a] === 'number' ? html` <span class="muted">/ min ${num(min[a] as number)}</span>` : ''
      }`,
  )}`;
}

/** The runs, newest first: kind, status, counts by class, calls against the minimum, duration. */
export function runsTable(runs: RunRecord[], caption: string): Html {
  if (runs.length === 0) return html`<p class="muted">No runs yet.</p>`;
  return html`<div class="table-wrap"><table>
<caption class="sr-only">${caption}</caption>
<thead><tr><th scope="col">Run</th><th scope="col">Kind</th><th scope="col">Status</th><th scope="col">Started</th>
<th scope="col" class="num">Duration</th><th scope="col">Counts</th><th scope="col">Calls used / minimum</th></tr></thead>
<tbody>
${runs.map((r) => {
  const end = r.finishedAt ?? (r.status === 'running' ? new Date() : null);
  return html`<tr>
<td>#${r.id}</td>
<td>${r.kind} <span class="muted">${r.mode}, ${r.trigger}</span></td>
<td>${badge(r.status)}${r.error ? html`<div class="error-text">${r.error}</div>` : ''}</td>
<td>${time(r.startedAt)}</td>
<td class="num">${end ? duration(end.getTime() - r.startedAt.getTime()) : '—'}</td>
<td>${countsText(r)}</td>
<td>${callsText(r)}</td>
</tr>`;
})}
</tbody></table></div>`;
}

/** One line per connection: status, expiry, errors. */
export function connectionsSummary(rows: ConnectionView[]): Html {
  const ghl = rows.filter((r) => r.api === 'ghl');
  const cin7 = rows.filter((r) => r.api === 'cin7');
  const line = (label: string, list: ConnectionView[]) =>
    list.length === 0
      ? html`<li><strong>${label}</strong>: ${badge('not connected')} <a href="/connections">connect</a></li>`
      : list.map(
          (r) =>
            html`<li><strong>${label}</strong> <code>${r.accountId}</code>: ${badge(r.status)}${
              r.tokenExpiresAt ? html` · token expires ${time(r.tokenExpiresAt)}` : ''
            }${r.lastError ? html` · <span class="error-text">${r.lastError}</span>` : ''}</li>`,
        );
  return html`<ul class="plain">${line('GHL', ghl)}${line('Cin7', cin7)}</ul>`;
}
