import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { CallCounter } from '../../src/http/counter.js';
import {
  MetricsRegistry,
  callCounterCollector,
  metricsHandler,
  renderPrometheus,
  requestMetrics,
} from '../../src/server/metrics.js';

describe('Prometheus text format', () => {
  it('renders HELP, TYPE and samples, escaping label values, merging families of one name', () => {
    const text = renderPrometheus([
      {
        name: 'demo_total',
        help: 'A demo\ncounter',
        type: 'counter',
        samples: [{ labels: { a: 'x"y\\z\nw' }, value: 3 }],
      },
      { name: 'demo_total', help: 'ignored', type: 'counter', samples: [{ labels: { a: 'b' }, value: 1.5 }] },
      {
        name: 'g',
        help: 'gauge',
        type: 'gauge',
        samples: [{ value: Number.NaN }, { labels: { k: 'v' }, value: Number.POSITIVE_INFINITY }],
      },
    ]);
    expect(text).toBe(
      [
        '# HELP demo_total A demo\\ncounter',
        '# TYPE demo_total counter',
        'demo_total{a="x\\"y\\\\z\\nw"} 3',
        'demo_total{a="b"} 1.5',
        '# HELP g gauge',
        '# TYPE g gauge',
        'g NaN',
        'g{k="v"} +Inf',
        '',
      ].join('\n'),
    );
    expect(() => renderPrometheus([{ name: 'bad-name', help: '', type: 'gauge', samples: [] }])).toThrow(
      /not valid/,
    );
  });

  it('vendor calls from a CallCounter: by API, operation and result, plus 429s, retries and failures', async () => {
    const counter = new CallCounter();
    counter.record('ghl', 'ghl.contacts.get', 200);
    counter.record('ghl', 'ghl.contacts.get', 200);
    counter.record('ghl', 'ghl.contacts.get', 429);
    counter.recordRateLimited('ghl');
    counter.recordRetry('ghl');
    counter.record('cin7', 'cin7.me', 'timeout');
    const text = renderPrometheus(await callCounterCollector(counter)());
    expect(text).toContain(
      'cin7ghl_vendor_calls_total{api="ghl",operation="ghl.contacts.get",result="200"} 2',
    );
    expect(text).toContain(
      'cin7ghl_vendor_calls_total{api="ghl",operation="ghl.contacts.get",result="429"} 1',
    );
    expect(text).toContain('cin7ghl_vendor_calls_total{api="cin7",operation="cin7.me",result="timeout"} 1');
    expect(text).toContain('cin7ghl_vendor_rate_limited_total{api="ghl"} 1');
    expect(text).toContain('cin7ghl_vendor_retries_total{api="ghl"} 1');
    expect(text).toContain('cin7ghl_vendor_failures_total{api="ghl"} 1');
    expect(text).toContain('cin7ghl_vendor_failures_total{api="cin7"} 1');
  });

  it('a failing collector is reported and does not hide the others', async () => {
    const registry = new MetricsRegistry();
    registry.register('ok', () => [{ name: 'ok_gauge', help: 'ok', type: 'gauge', samples: [{ value: 1 }] }]);
    registry.register('broken', () => {
      throw new Error('database down');
    });
    const text = await registry.render();
    expect(text).toContain('ok_gauge 1');
    expect(text).toContain('cin7ghl_metrics_collector_errors{collector="broken"} 1');
    expect(text).toContain('cin7ghl_metrics_collector_errors{collector="ok"} 0');
  });

  it('/metrics: open without a token; with one, only its bearer; request counts by route pattern', async () => {
    const registry = new MetricsRegistry();
    const requests = registry.counter('cin7ghl_http_requests_total', 'requests');
    const app = new Hono();
    app.use('*', requestMetrics(requests));
    app.get('/things/:id', (c) => c.text('ok'));
    app.get('/metrics', metricsHandler(registry, 'metrics-secret-123'));
    await app.request('/things/1');
    await app.request('/things/2');
    await app.request('/missing');
    expect((await app.request('/metrics')).status).toBe(401);
    expect((await app.request('/metrics', { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const res = await app.request('/metrics', { headers: { authorization: 'Bearer metrics-secret-123' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const text = await res.text();
    expect(text).toContain('cin7ghl_http_requests_total{method="GET",route="/things/:id",status="200"} 2');
    expect(text).toContain('cin7ghl_http_requests_total{method="GET",route="unmatched",status="404"} 1');
    const open = new Hono();
    open.get('/metrics', metricsHandler(registry, undefined));
    expect((await open.request('/metrics')).status).toBe(200);
  });
});
