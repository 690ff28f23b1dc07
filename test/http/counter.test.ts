import { describe, expect, it } from 'vitest';
import { CallCounter } from '../../src/http/counter.js';

describe('CallCounter', () => {
  it('counts per api, operation and result, with totals', () => {
    const c = new CallCounter();
    c.record('ghl', 'ghl.contacts.get', 200);
    c.record('ghl', 'ghl.contacts.get', 200);
    c.record('ghl', 'ghl.contacts.get', 429);
    c.recordRateLimited('ghl');
    c.recordRetry('ghl');
    c.record('cin7', 'cin7.me', 'timeout');
    const s = c.snapshot();
    expect(s.calls).toEqual([
      { api: 'cin7', operation: 'cin7.me', result: 'timeout', count: 1 },
      { api: 'ghl', operation: 'ghl.contacts.get', result: '200', count: 2 },
      { api: 'ghl', operation: 'ghl.contacts.get', result: '429', count: 1 },
    ]);
    expect(s.totals).toEqual({
      cin7: { calls: 1, rateLimited: 0, retries: 0, failures: 1 },
      ghl: { calls: 3, rateLimited: 1, retries: 1, failures: 1 },
    });
  });

  it('diffs two snapshots, leaving out what did not change', () => {
    const c = new CallCounter();
    c.record('ghl', 'ghl.contacts.get', 200);
    c.record('cin7', 'cin7.me', 200);
    const before = c.snapshot();
    c.record('ghl', 'ghl.contacts.get', 200);
    c.record('ghl', 'ghl.contacts.update', 500);
    const d = CallCounter.diff(before, c.snapshot());
    expect(d.calls).toEqual([
      { api: 'ghl', operation: 'ghl.contacts.get', result: '200', count: 1 },
      { api: 'ghl', operation: 'ghl.contacts.update', result: '500', count: 1 },
    ]);
    expect(d.totals).toEqual({ ghl: { calls: 2, rateLimited: 0, retries: 0, failures: 1 } });
  });
});
