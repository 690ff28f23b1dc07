/**
 * `/metrics` in the Prometheus text format (0.0.4), written by hand: a registry of collectors that
 * each answer metric families when scraped. The service registers the built-in ones (vendor calls,
 * queue depth, dead letters, deliveries, alerts, requests); the sync module registers run durations
 * and sync lag through the same `register` seam.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { CallCounter } from '../http/counter.js';
import { JOBS_SCHEMA } from '../jobs/queue.js';
import type { Store } from '../store/open.js';
import { safeEqual } from './auth/secrets.js';

export type MetricType = 'counter' | 'gauge';

export interface MetricSample {
  labels?: Record<string, string | number>;
  value: number;
}

export interface MetricFamily {
  /** e.g. `cin7ghl_vendor_calls_total`. */
  name: string;
  help: string;
  type: MetricType;
  samples: MetricSample[];
}

export type MetricsCollector = () => Promise<MetricFamily[]> | MetricFamily[];

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(v);
}

/**
 * Families as Prometheus text. Families with the same name are merged (first help/type wins).
 *
 * @example
 * renderPrometheus([{ name: 'up', help: 'Up', type: 'gauge', samples: [{ value: 1 }] }]) // '# HELP up Up\n# TYPE up gauge\nup 1\n'
 */
export function renderPrometheus(families: MetricFamily[]): string {
  const merged = new Map<string, MetricFamily>();
  for (const f of families) {
    if (!NAME.test(f.name)) throw new Error(`metric name ${f.name} is not valid`);
    const known = merged.get(f.name);
    if (known) known.samples.push(...f.samples);
    else merged.set(f.name, { ...f, samples: [...f.samples] });
  }
  const lines: string[] = [];
  for (const f of merged.values()) {
    lines.push(`# HELP ${f.name} ${f.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`);
    lines.push(`# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) {
      const labels = Object.entries(s.labels ?? {});
      const text = labels.length
        ? `{${labels.map(([k, v]) => `${k}="${escapeLabel(String(v))}"`).join(',')}}`
        : '';
      lines.push(`${f.name}${text} ${formatValue(s.value)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** In-process counters (requests served, deliveries sent …) kept by label set. */
export class CounterMetric {
  readonly #values = new Map<string, { labels: Record<string, string>; value: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels: Record<string, string> = {}, by = 1): void {
    const key = JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
    const cur = this.#values.get(key);
    if (cur) cur.value += by;
    else this.#values.set(key, { labels, value: by });
  }

  family(): MetricFamily {
    return {
      name: this.name,
      help: this.help,
      type: 'counter',
      samples: [...this.#values.values()].map((v) => ({ labels: v.labels, value: v.value })),
    };
  }
}

/**
 * The collectors scraped by `/metrics`. A failing collector does not hide the others: it shows as
 * `cin7ghl_metrics_collector_errors{collector}`.
 *
 * @example
 * registry.register('sync', async () => [{ name: 'cin7ghl_sync_lag_seconds', help: '…', type: 'gauge', samples: [{ value: lag }] }]);
 */
export class MetricsRegistry {
  readonly #collectors = new Map<string, MetricsCollector>();

  register(name: string, collector: MetricsCollector): void {
    this.#collectors.set(name, collector);
  }

  unregister(name: string): void {
    this.#collectors.delete(name);
  }

  /** A counter whose family is rendered with the rest. */
  counter(name: string, help: string): CounterMetric {
    const c = new CounterMetric(name, help);
    this.register(`counter:${name}`, () => [c.family()]);
    return c;
  }

  async collect(): Promise<MetricFamily[]> {
    const errors: MetricSample[] = [];
    const all: MetricFamily[] = [];
    for (const [name, collector] of this.#collectors) {
      try {
        all.push(...(await collector()));
        errors.push({ labels: { collector: name }, value: 0 });
      } catch {
        errors.push({ labels: { collector: name }, value: 1 });
      }
    }
    all.push({
      name: 'cin7ghl_metrics_collector_errors',
      help: 'Collectors that failed in this scrape (1) or not (0)',
      type: 'gauge',
      samples: errors,
    });
    return all;
  }

  async render(): Promise<string> {
    return renderPrometheus(await this.collect());
  }
}

/** Vendor calls from the process's `CallCounter`: by API, operation and result, plus 429s and retries. */
export function callCounterCollector(counter: CallCounter): MetricsCollector {
  return () => {
    const snap = counter.snapshot();
    const totals = Object.entries(snap.totals);
    return [
      {
        name: 'cin7ghl_vendor_calls_total',
        help: 'Vendor API attempts sent by this process, by API, operation and result (HTTP status, network, timeout)',
        type: 'counter',
        samples: snap.calls.map((c) => ({
          labels: { api: c.api, operation: c.operation, result: c.result },
          value: c.count,
        })),
      },
      {
        name: 'cin7ghl_vendor_rate_limited_total',
        help: 'Vendor answers that meant rate limited (429, Cin7 503)',
        type: 'counter',
        samples: totals.map(([api, t]) => ({ labels: { api }, value: t.rateLimited })),
      },
      {
        name: 'cin7ghl_vendor_retries_total',
        help: 'Vendor calls re-sent after an error or a rate-limit answer',
        type: 'counter',
        samples: totals.map(([api, t]) => ({ labels: { api }, value: t.retries })),
      },
      {
        name: 'cin7ghl_vendor_failures_total',
        help: 'Vendor attempts that ended without a 2xx/3xx answer',
        type: 'counter',
        samples: totals.map(([api, t]) => ({ labels: { api }, value: t.failures })),
      },
    ];
  };
}

/**
 * Queue depth per job kind and state, dead letters per kind, and jobs kept in the failed state,
 * read from the job table (shared by every process on PostgreSQL).
 */
export function queueCollector(store: Store): MetricsCollector {
  return async () => {
    const { rows } = await store.query<{ name: string; state: string; n: number }>(
      `select name, state::text as state, count(*)::int as n from ${JOBS_SCHEMA}.job group by name, state`,
    );
    const depth: MetricSample[] = [];
    const dead: MetricSample[] = [];
    const failed: MetricSample[] = [];
    for (const r of rows) {
      if (r.name.startsWith('__')) continue;
      if (r.name.endsWith('.dead')) {
        if (r.state === 'created' || r.state === 'retry')
          dead.push({ labels: { kind: r.name.slice(0, -5) }, value: r.n });
        continue;
      }
      if (r.state === 'created' || r.state === 'retry' || r.state === 'active') {
        depth.push({ labels: { kind: r.name, state: r.state }, value: r.n });
      } else if (r.state === 'failed') {
        failed.push({ labels: { kind: r.name }, value: r.n });
      }
    }
    return [
      {
        name: 'cin7ghl_queue_jobs',
        help: 'Jobs waiting (created, retry) or running (active), by kind',
        type: 'gauge',
        samples: depth,
      },
      {
        name: 'cin7ghl_dead_letters',
        help: 'Jobs that failed after their last retry, waiting in the dead-letter queue, by kind',
        type: 'gauge',
        samples: dead,
      },
      {
        name: 'cin7ghl_jobs_failed',
        help: 'Failed jobs still kept in the job table (retention 1 day), by kind',
        type: 'gauge',
        samples: failed,
      },
    ];
  };
}

/** Counts every request by method, route pattern and status. */
export function requestMetrics(counter: CounterMetric): MiddlewareHandler {
  return async (c, next) => {
    await next();
    let route = routePath(c, -1);
    if (!route || route === '*' || route === '/*') route = c.res.status === 404 ? 'unmatched' : route;
    counter.inc({ method: c.req.method, route, status: String(c.res.status) });
  };
}

/**
 * The `/metrics` handler; with `token`, only `Authorization: Bearer <token>` may scrape.
 *
 * @example
 * app.get('/metrics', metricsHandler(registry, config.secrets.metricsToken));
 */
export function metricsHandler(registry: MetricsRegistry, token: string | undefined) {
  return async (c: Context): Promise<Response> => {
    if (token) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
      if (!m?.[1] || !safeEqual(m[1], token)) {
        c.header('WWW-Authenticate', 'Bearer realm="metrics"');
        return c.json(
          {
            error: 'Unauthorized',
            code: 'metrics_token_required',
            message: '/metrics needs the metrics token.',
            hint: 'Send Authorization: Bearer <CIN7_GHL_METRICS_TOKEN>.',
          },
          401,
        );
      }
    }
    const body = await registry.render();
    return c.body(body, 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
  };
}
