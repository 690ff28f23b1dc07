/**
 * Credentials (403) and the per-application rate limit (429/503), with a window long enough that
 * these checks never depend on timing (the sliding behaviour is in rate-limit.timing.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { startCin7Sandbox } from '../../../sandbox/cin7/index.js';
import { api, authHeaders } from './client.js';

describe('cin7 sandbox credentials', () => {
  it('answers 403 to missing or wrong api-auth headers and serves the right ones', async () => {
    const s = await startCin7Sandbox({ seed: 41, customers: 2, salesPerCustomer: 0 });
    try {
      const good = authHeaders(s);
      const cases: Record<string, string>[] = [
        {},
        { 'api-auth-accountid': s.accountId },
        { 'api-auth-applicationkey': s.applicationKey },
        { ...good, 'api-auth-applicationkey': '0342a546-e0c2-0dff-f0be-6a5e17154033' },
        { ...good, 'api-auth-accountid': '704ef231-cd93-49c9-a201-26b4b5d0d35b' },
      ];
      for (const headers of cases) {
        const a = await api(s, 'GET', '/me', undefined, headers);
        expect(a.status).toBe(403);
        expect((a.body as { ErrorCode: number }).ErrorCode).toBe(403);
      }
      expect((await api(s, 'GET', '/me', undefined, good)).status).toBe(200);
      expect(s.control.calls().forbidden).toBe(cases.length);
    } finally {
      await s.close();
    }
  });

  it('derives credentials from the seed unless given, and reports them in readyInfo', async () => {
    const a = await startCin7Sandbox({ seed: 42, customers: 1, salesPerCustomer: 0 });
    const b = await startCin7Sandbox({
      seed: 42,
      customers: 1,
      salesPerCustomer: 0,
      applicationKey: 'fixed-key-for-demo',
    });
    try {
      expect(a.accountId).toBe(b.accountId);
      expect(b.applicationKey).toBe('fixed-key-for-demo');
      expect(a.readyInfo()).toEqual({
        baseUrl: a.baseUrl,
        accountId: a.accountId,
        applicationKey: a.applicationKey,
      });
      expect(a.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/ExternalApi\/v2$/);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('cin7 sandbox rate limit (window far longer than the test)', () => {
  it.each([429, 503] as const)(
    'refuses the call over the limit with %i and Cin7 message; refused calls do not count',
    async (status) => {
      const s = await startCin7Sandbox({
        seed: 43,
        customers: 2,
        salesPerCustomer: 0,
        rateLimit: { limit: 5, windowMs: 3_600_000 },
        rateLimitStatus: status,
      });
      try {
        const answers = [];
        for (let i = 0; i < 8; i++) answers.push(await api(s, 'GET', '/me'));
        expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, status, status, status]);
        expect(answers[5]?.body).toEqual({
          ErrorCode: status,
          Exception: 'You reached 5 calls per minute API limit',
        });
        expect(s.control.calls()).toMatchObject({ accepted: 5, rateLimited: 3, byRoute: { 'cin7.me': 5 } });
        s.control.resetRateLimits();
        expect((await api(s, 'GET', '/me')).status).toBe(200);
      } finally {
        await s.close();
      }
    },
  );

  it("writes Cin7's own message at the documented 60 calls", async () => {
    const s = await startCin7Sandbox({
      seed: 44,
      customers: 1,
      salesPerCustomer: 0,
      rateLimit: { limit: 60, windowMs: 3_600_000 },
    });
    try {
      for (let i = 0; i < 60; i++) expect((await api(s, 'GET', '/me')).status).toBe(200);
      const over = await api(s, 'GET', '/me');
      expect(over.status).toBe(429);
      expect(over.body).toEqual({ ErrorCode: 429, Exception: 'You reached 60 calls per minute API limit' });
    } finally {
      await s.close();
    }
  });

  it("answers both 429 and 503 in 'mixed' mode", async () => {
    const s = await startCin7Sandbox({
      seed: 45,
      customers: 1,
      salesPerCustomer: 0,
      rateLimit: { limit: 1, windowMs: 3_600_000 },
      rateLimitStatus: 'mixed',
    });
    try {
      const seen = new Set<number>();
      for (let i = 0; i < 40; i++) seen.add((await api(s, 'GET', '/me')).status);
      expect([...seen].sort()).toEqual([200, 429, 503]);
    } finally {
      await s.close();
    }
  });

  it('counts per application key: a second API application has its own budget', async () => {
    const s = await startCin7Sandbox({
      seed: 46,
      customers: 1,
      salesPerCustomer: 0,
      rateLimit: { limit: 3, windowMs: 3_600_000 },
    });
    try {
      for (let i = 0; i < 3; i++) await api(s, 'GET', '/me');
      expect((await api(s, 'GET', '/me')).status).toBe(429);
      const second = s.control.addApplicationKey();
      const headers = { 'api-auth-accountid': s.accountId, 'api-auth-applicationkey': second };
      for (let i = 0; i < 3; i++) expect((await api(s, 'GET', '/me', undefined, headers)).status).toBe(200);
      expect((await api(s, 'GET', '/me', undefined, headers)).status).toBe(429);
    } finally {
      await s.close();
    }
  });
});

describe('cin7 sandbox clock skew', () => {
  it("writes LastModifiedOn by its own clock, so a client's 'now' can miss fresh changes", async () => {
    const skew = -2 * 3_600_000;
    const s = await startCin7Sandbox({
      seed: 47,
      customers: 2,
      salesPerCustomer: 0,
      clockSkewMs: skew,
      rateLimit: { limit: 1000, windowMs: 60_000 },
    });
    try {
      const clientNow = Date.now();
      const edited = s.control.editCustomer(String(s.customers()[0]?.ID), { Comments: 'skewed' });
      const written = Date.parse(edited.LastModifiedOn);
      expect(Math.abs(written - (clientNow + skew))).toBeLessThan(5_000);
      const since = new Date(clientNow - 60_000).toISOString();
      const a = await api(s, 'GET', `/customer?IncludeDeprecated=true&ModifiedSince=${since}`);
      expect((a.body as { Total: number }).Total).toBe(0);
      s.control.configure({ clockSkewMs: 0 });
      expect(Math.abs(Date.parse(s.control.now()) - Date.now())).toBeLessThan(5_000);
    } finally {
      await s.close();
    }
  });
});
