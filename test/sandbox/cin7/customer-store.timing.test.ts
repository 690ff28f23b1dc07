/**
 * Scale: 100,000 customers, and a 1,000-customer page with ModifiedSince served well under 100 ms
 * (the bound, measured over HTTP including the 1.6 MB body; median of 5 per case).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cin7Sandbox, startCin7Sandbox } from '../../../sandbox/cin7/index.js';
import { NO_RATE_LIMIT, api, json, list } from './client.js';

const N = 100_000;
const BOUND_MS = 100;

describe('cin7 sandbox at 100,000 customers', () => {
  let s: Cin7Sandbox;
  let times: number[];
  beforeAll(async () => {
    s = await startCin7Sandbox({ seed: 91, customers: N, salesPerCustomer: 0, rateLimit: NO_RATE_LIMIT });
    times = s
      .customers()
      .map((c) => Date.parse(c.LastModifiedOn))
      .sort((a, b) => a - b);
    // One unmeasured call so the first case does not pay for JIT warm-up.
    await api(s, 'GET', '/customer?IncludeDeprecated=true&Limit=1000');
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  async function median(path: string): Promise<{ ms: number; rows: number; total: number }> {
    const runs: number[] = [];
    let rows = 0;
    let total = 0;
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      const a = await api(s, 'GET', path);
      runs.push(performance.now() - t);
      rows = list(a, 'CustomerList').length;
      total = Number(json(a).Total);
    }
    runs.sort((a, b) => a - b);
    return { ms: runs[2] as number, rows, total };
  }

  it.each([
    ['every customer (scan)', 0, 1],
    ['half of them, a deep page', N / 2, 20],
    ['the newest 5,000 (time index)', N - 5000, 3],
    ['the newest 1,500 (time index), last page', N - 1500, 2],
  ])('serves a 1,000-customer ModifiedSince page of %s under 100 ms', async (_label, from, page) => {
    const since = new Date(times[from] as number).toISOString();
    const expectedTotal = times.filter((t) => t >= (times[from] as number)).length;
    const r = await median(`/customer?IncludeDeprecated=true&Limit=1000&Page=${page}&ModifiedSince=${since}`);
    expect(r.total).toBe(expectedTotal);
    expect(r.rows).toBe(Math.min(1000, expectedTotal - (page - 1) * 1000));
    console.log(`cin7 sandbox page (${_label}): median ${r.ms.toFixed(1)} ms for ${r.rows} rows`);
    expect(r.ms).toBeLessThan(BOUND_MS);
  });

  it('keeps answering fast after 2,000 user edits (index entries replaced, not re-sorted)', async () => {
    s.control.randomEdits(2000);
    const latest = s
      .customers()
      .map((c) => Date.parse(c.LastModifiedOn))
      .sort((a, b) => b - a);
    const cut = latest[1499] as number;
    const since = new Date(cut).toISOString();
    const r = await median(`/customer?IncludeDeprecated=true&Limit=1000&ModifiedSince=${since}`);
    expect(r.total).toBe(latest.filter((t) => t >= cut).length);
    expect(r.rows).toBe(1000);
    expect(r.ms).toBeLessThan(BOUND_MS);
  });
});
