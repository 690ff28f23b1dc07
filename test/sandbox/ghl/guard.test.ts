import { afterEach, describe, expect, it } from 'vitest';
import { type GhlSandbox, startGhlSandbox } from '../../../sandbox/ghl/index.js';
import { api, raw } from './_support.js';

let sb: GhlSandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

const rateHeaders = (h: Headers) => ({
  daily: h.get('x-ratelimit-limit-daily'),
  dailyRemaining: h.get('x-ratelimit-daily-remaining'),
  interval: h.get('x-ratelimit-interval-milliseconds'),
  max: h.get('x-ratelimit-max'),
  remaining: h.get('x-ratelimit-remaining'),
});

describe('GHL sandbox guard: auth, Version, scope, rate limits', () => {
  it('puts the five X-RateLimit-* headers on every API answer, counting down per location', async () => {
    sb = await startGhlSandbox({ seed: 1, contacts: 2 });
    const call = api(sb);
    const first = await call('GET', `/contacts/?locationId=${sb.locationId}`);
    expect(rateHeaders(first.headers)).toEqual({
      daily: '200000',
      dailyRemaining: '199999',
      interval: '10000',
      max: '100',
      remaining: '99',
    });
    const notFound = await call('GET', '/contacts/NoSuchContact0000000');
    expect(notFound.status).toBe(400);
    expect(rateHeaders(notFound.headers)).toMatchObject({ remaining: '98', dailyRemaining: '199998' });
    const invalid = await call('POST', '/contacts/', { firstName: 'x' });
    expect(invalid.status).toBe(422);
    expect(rateHeaders(invalid.headers).remaining).toBe('97');
    const unauthenticated = await api(sb, 'not-a-token')('GET', `/contacts/?locationId=${sb.locationId}`);
    expect(unauthenticated.status).toBe(401);
    expect(rateHeaders(unauthenticated.headers).max).toBe('100');
  });

  it('timeScale divides the window: 10 → X-RateLimit-Interval-Milliseconds 1000', async () => {
    sb = await startGhlSandbox({ seed: 1, timeScale: 10 });
    const answer = await api(sb)('GET', `/contacts/?locationId=${sb.locationId}`);
    expect(rateHeaders(answer.headers).interval).toBe('1000');
  });

  it('answers 429 over the burst limit; a refused request does not use up the window', async () => {
    sb = await startGhlSandbox({ seed: 1, rateLimit: { limit: 5, windowMs: 60_000 } });
    const call = api(sb);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++)
      statuses.push((await call('GET', `/contacts/?locationId=${sb.locationId}`)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    const over = await call('GET', `/contacts/?locationId=${sb.locationId}`);
    expect(over.body).toMatchObject({ statusCode: 429 });
    expect(rateHeaders(over.headers)).toMatchObject({ remaining: '0', max: '5', dailyRemaining: '199995' });
    expect(sb.control.stats().rateLimited).toBe(4);
  });

  it('tokens of one location share its window (private integration token and OAuth token alike)', async () => {
    sb = await startGhlSandbox({ seed: 1, rateLimit: { limit: 3, windowMs: 60_000 } });
    const other = sb.control.createToken(['contacts.readonly']);
    expect((await api(sb)('GET', `/contacts/?locationId=${sb.locationId}`)).status).toBe(200);
    expect((await api(sb, other)('GET', `/contacts/?locationId=${sb.locationId}`)).status).toBe(200);
    expect((await api(sb)('GET', `/contacts/?locationId=${sb.locationId}`)).status).toBe(200);
    expect((await api(sb, other)('GET', `/contacts/?locationId=${sb.locationId}`)).status).toBe(429);
  });

  it('answers 429 once the daily limit is used, with X-RateLimit-Daily-Remaining 0', async () => {
    sb = await startGhlSandbox({ seed: 1, dailyLimit: 3 });
    const call = api(sb);
    for (let i = 0; i < 3; i++)
      expect((await call('GET', `/contacts/?locationId=${sb.locationId}`)).status).toBe(200);
    const over = await call('GET', `/contacts/?locationId=${sb.locationId}`);
    expect(over.status).toBe(429);
    expect(rateHeaders(over.headers)).toMatchObject({ dailyRemaining: '0', daily: '3' });
    expect((over.body as { message: string }).message).toMatch(/Daily limit/);
  });

  it('requires Version: 2021-07-28 (missing or other value → 400 naming the header)', async () => {
    sb = await startGhlSandbox({ seed: 1 });
    const missing = await raw(`${sb.baseUrl}/contacts/?locationId=${sb.locationId}`, {
      headers: { Authorization: `Bearer ${sb.token}` },
    });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({
      statusCode: 400,
      message: 'Version header was not found: send "Version: 2021-07-28"',
    });
    const other = await api(sb)('GET', `/contacts/?locationId=${sb.locationId}`, undefined, {
      Version: '2023-02-21',
    });
    expect(other.status).toBe(400);
    expect((other.body as { message: string }).message).toContain('2023-02-21');
  });

  it('answers 401 without a token, with an unknown one, or with a malformed Authorization header', async () => {
    sb = await startGhlSandbox({ seed: 1 });
    const none = await raw(`${sb.baseUrl}/contacts/?locationId=${sb.locationId}`, {
      headers: { Version: '2021-07-28' },
    });
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({
      statusCode: 401,
      message: 'Invalid token: access token is invalid',
      error: 'Unauthorized',
    });
    expect((await api(sb, 'pit-unknown')('GET', `/contacts/?locationId=${sb.locationId}`)).status).toBe(401);
    const basic = await raw(`${sb.baseUrl}/contacts/?locationId=${sb.locationId}`, {
      headers: { Authorization: `Basic ${sb.token}`, Version: '2021-07-28' },
    });
    expect(basic.status).toBe(401);
  });

  it('enforces the scope of each operation family (contacts, businesses, custom fields, tasks)', async () => {
    sb = await startGhlSandbox({ seed: 1 });
    const readOnly = api(sb, sb.control.createToken(['contacts.readonly', 'businesses.readonly']));
    expect((await readOnly('GET', `/businesses/?locationId=${sb.locationId}`)).status).toBe(200);
    const scopeDenied = { statusCode: 401, message: 'The token is not authorized for this scope.' };
    expect(
      (await readOnly('POST', '/businesses/', { name: 'x', locationId: sb.locationId })).body,
    ).toMatchObject(scopeDenied);
    expect((await readOnly('GET', `/locations/${sb.locationId}/customFields`)).body).toMatchObject(
      scopeDenied,
    );
    expect((await readOnly('POST', `/locations/${sb.locationId}/tasks/search`, {})).body).toMatchObject(
      scopeDenied,
    );
    expect((await readOnly('POST', '/contacts/bulk/tags/update/add', {})).body).toMatchObject(scopeDenied);
    // The product's private integration token carries every scope the catalog needs.
    const pit = api(sb);
    expect((await pit('GET', `/locations/${sb.locationId}/customFields`)).status).toBe(200);
    expect((await pit('POST', `/locations/${sb.locationId}/tasks/search`, {})).status).toBe(200);
  });

  it('answers 403 when a request names another location', async () => {
    sb = await startGhlSandbox({ seed: 1 });
    const answer = await api(sb)('GET', '/contacts/?locationId=SomeOtherLocation000');
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({
      statusCode: 403,
      message: 'The token does not have access to this location.',
    });
  });
});
