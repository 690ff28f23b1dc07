/**
 * Live updates: `GET /live` is a server-sent event stream (hono's streaming helper) that sends a
 * snapshot — the counts the pages show, the run going on with its progress, and one version string
 * per topic (runs, failures, conflicts, connections, records) — every second when something
 * changed, and a comment every 15 s otherwise. The page's script updates values in place and
 * re-fetches only the parts whose topic moved. A stream ends after a few minutes (the browser
 * reconnects by itself) and as soon as the service starts stopping.
 */
import type { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { sql } from 'kysely';
import type { AppEnv } from '../app.js';
import type { DashboardDeps } from './context.js';
import { type LiveRun, runControlFor } from './control/run-control.js';
import { phaseText } from './pages/fragments.js';

export interface LiveSnapshot {
  at: string;
  values: Record<string, string | number | null>;
  run: LiveRun | null;
  topics: Record<string, string>;
}

/**
 * The snapshot: a handful of small queries.
 *
 * @example
 * const snap = await liveSnapshot(deps);
 */
export async function liveSnapshot(deps: DashboardDeps): Promise<LiveSnapshot> {
  const db = deps.store.db;
  const [customers, links, failures, conflicts, run, connections, inbox, dead] = await Promise.all([
    db
      .selectFrom('customers')
      .select([
        sql<number>`count(*)::int`.as('total'),
        sql<number>`count(*) filter (where dirty)::int`.as('dirty'),
        sql<string | null>`max(updated_at)::text`.as('changed'),
      ])
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('links')
      .select([
        sql<number>`count(*) filter (where state = 'linked')::int`.as('linked'),
        sql<number>`count(*) filter (where state = 'pending')::int`.as('pending'),
        sql<string | null>`max(updated_at)::text`.as('changed'),
      ])
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('failures')
      .select([
        sql<number>`count(*) filter (where status = 'open')::int`.as('open'),
        sql<string | null>`max(last_at)::text`.as('changed'),
        sql<string | null>`max(resolved_at)::text`.as('resolved'),
      ])
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('conflicts')
      .select([
        sql<number>`count(*) filter (where status = 'open')::int`.as('open'),
        sql<string | null>`max(updated_at)::text`.as('changed'),
      ])
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('sync_runs')
      .select(['id', 'status', sql<string>`heartbeat_at::text`.as('beat')])
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst(),
    db
      .selectFrom('connections')
      .select([
        sql<string>`string_agg(id || ':' || status || ':' || updated_at::text, ',' order by id)`.as('v'),
      ])
      .executeTakeFirst(),
    db
      .selectFrom('inbox')
      .select([sql<string | null>`max(id)::text`.as('last')])
      .executeTakeFirst(),
    deps.store
      .query<{ n: number }>(
        `select count(*)::int as n from pgboss.job where name like '%.dead' and state in ('created', 'retry')`,
      )
      .then((r) => r.rows[0]?.n ?? 0)
      .catch(() => 0),
  ]);
  const live = runControlFor(deps).live();
  const runPart = live ? `${live.seq}:${live.status}:${live.phase}` : '-';
  return {
    at: new Date().toISOString(),
    values: {
      'customers.total': customers.total,
      'customers.dirty': customers.dirty,
      'links.linked': links.linked,
      'links.pending': links.pending,
      'failures.open': failures.open,
      'conflicts.open': conflicts.open,
      'deadLetters.open': dead,
      'run.phase': live ? (live.status === 'running' ? phaseText(live.phase) : live.status) : null,
      'run.progress':
        live?.status === 'running' ? `${live.done}${live.total !== null ? ` / ${live.total}` : ''}` : null,
    },
    run: live,
    topics: {
      runs: `${run?.id ?? '-'}:${run?.status ?? '-'}:${runPart}`,
      failures: `${failures.open}:${failures.changed ?? '-'}:${failures.resolved ?? '-'}:${dead}`,
      conflicts: `${conflicts.open}:${conflicts.changed ?? '-'}`,
      connections: `${connections?.v ?? '-'}:${inbox?.last ?? '-'}`,
      records: `${customers.total}:${customers.changed ?? '-'}:${links.linked}:${links.changed ?? '-'}`,
    },
  };
}

const TICK_MS = 1000;
const KEEPALIVE_MS = 15_000;
const STREAM_MAX_MS = 5 * 60_000;

/**
 * @example
 * liveRoutes(app, deps); // GET /live
 */
export function liveRoutes(app: Hono<AppEnv>, deps: DashboardDeps): void {
  app.get('/live', (c) =>
    streamSSE(c, async (stream) => {
      const opened = Date.now();
      let last = '';
      let lastSent = 0;
      let closed = false;
      stream.onAbort(() => {
        closed = true;
      });
      await stream.writeSSE({ event: 'hello', data: '{}', retry: 2000 });
      while (!closed && !deps.isStopping() && Date.now() - opened < STREAM_MAX_MS) {
        try {
          const snap = await liveSnapshot(deps);
          const key = JSON.stringify({ ...snap, at: '' });
          if (key !== last) {
            last = key;
            lastSent = Date.now();
            await stream.writeSSE({ event: 'snapshot', data: JSON.stringify(snap) });
          } else if (Date.now() - lastSent > KEEPALIVE_MS) {
            lastSent = Date.now();
            await stream.write(': keep-alive\n\n');
          }
        } catch (e) {
          // The store is closing (shutdown) or busy: say nothing this tick.
          deps.logger.debug({ err: e }, 'live snapshot failed');
          if (deps.isStopping()) break;
        }
        await stream.sleep(TICK_MS);
      }
    }),
  );
}
