/** Fault injection on the Cin7 sandbox: statuses in Cin7's error shape, resets, truncated bodies, lost answers after a write. */
import { describe, expect, it } from 'vitest';
import { startCin7Sandbox } from '../../../sandbox/cin7/index.js';
import { type Json, NO_RATE_LIMIT, api, authHeaders, list, newCustomer } from './client.js';

describe('cin7 sandbox faults', () => {
  it('loses the answer after the write: the customer exists, and a blind retry meets the unique-name rule', async () => {
    const s = await startCin7Sandbox({
      seed: 81,
      customers: 2,
      salesPerCustomer: 0,
      rateLimit: NO_RATE_LIMIT,
      faults: { afterWriteRate: 1, operations: ['cin7.customers.create'] },
    });
    try {
      const body = newCustomer('Lost Answer Supply');
      await expect(
        fetch(`${s.baseUrl}/customer`, {
          method: 'POST',
          headers: { ...authHeaders(s), 'content-type': 'application/json' },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(30_000),
        }),
      ).rejects.toThrow();
      const found = list(await api(s, 'GET', '/customer?Name=Lost%20Answer'), 'CustomerList');
      expect(found.map((c) => c.Name)).toEqual(['Lost Answer Supply']);
      s.control.setFaults({});
      const retry = await api(s, 'POST', '/customer', body);
      expect(retry.status).toBe(400);
      expect(String((retry.body as Json).Exception)).toContain('already exists');
    } finally {
      await s.close();
    }
  });

  it('injects statuses before processing, in the Error model, and never on reads when limited to writes', async () => {
    const s = await startCin7Sandbox({
      seed: 82,
      customers: 2,
      salesPerCustomer: 0,
      rateLimit: NO_RATE_LIMIT,
      faults: { statusRates: { '500': 1 }, operations: ['cin7.customers.update'] },
    });
    try {
      const c = s.customers()[0] as unknown as Json;
      const put = await api(s, 'PUT', '/customer', { ...c, Comments: 'never saved' });
      expect(put.status).toBe(500);
      expect(put.body).toEqual({ ErrorCode: 500, Exception: expect.any(String) });
      expect(s.control.customer(String(c.ID))?.Comments).not.toBe('never saved');
      expect((await api(s, 'GET', '/customer')).status).toBe(200);
    } finally {
      await s.close();
    }
  });

  it('injects a share of 503s (a seeded draw) whose body names the rate limit', async () => {
    const s = await startCin7Sandbox({
      seed: 83,
      customers: 1,
      salesPerCustomer: 0,
      rateLimit: NO_RATE_LIMIT,
      faults: { statusRates: { '503': 0.2 } },
    });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 200; i++) statuses.push((await api(s, 'GET', '/me')).status);
      const share = statuses.filter((x) => x === 503).length / statuses.length;
      expect(share).toBeGreaterThan(0.1);
      expect(share).toBeLessThan(0.3);
      expect(statuses.filter((x) => x !== 503 && x !== 200)).toEqual([]);
    } finally {
      await s.close();
    }
  });

  it('resets connections and truncates JSON bodies when asked; control routes are never faulted', async () => {
    const s = await startCin7Sandbox({
      seed: 84,
      customers: 1,
      salesPerCustomer: 0,
      rateLimit: NO_RATE_LIMIT,
      faults: { resetRate: 1 },
    });
    try {
      await expect(
        fetch(`${s.baseUrl}/me`, { headers: authHeaders(s), signal: AbortSignal.timeout(30_000) }),
      ).rejects.toThrow();
      const state = await fetch(`${s.rootUrl}/_sandbox/state`, { signal: AbortSignal.timeout(30_000) });
      expect(state.status).toBe(200);
      s.control.setFaults({ malformedRate: 1 });
      const a = await api(s, 'GET', '/me');
      expect(a.status).toBe(200);
      expect(a.body).toBeUndefined();
      expect(a.text.startsWith('{')).toBe(true);
    } finally {
      await s.close();
    }
  });
});
