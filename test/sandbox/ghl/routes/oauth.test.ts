import { afterEach, describe, expect, it } from 'vitest';
import { type GhlSandbox, startGhlSandbox } from '../../../../sandbox/ghl/index.js';
import { api, raw, sleep, startReceiver } from '../_support.js';

const REDIRECT = 'http://127.0.0.1:9/oauth/callback';

let sb: GhlSandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

function tokenRequest(s: GhlSandbox, fields: Record<string, string>) {
  return raw(`${s.baseUrl}/oauth/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: s.clientId, client_secret: s.clientSecret, ...fields }).toString(),
  });
}

interface TokenPair {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  scope: string;
}

async function exchange(s: GhlSandbox, scopes: string[]): Promise<TokenPair> {
  const { code } = s.control.authorize({ scopes, redirectUri: REDIRECT });
  const answer = await tokenRequest(s, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
  expect(answer.status, answer.text).toBe(200);
  return answer.body as TokenPair;
}

describe('consent page (stand-in for chooselocation)', () => {
  it('GET names the location and the scopes; approving redirects with a code and echoes state', async () => {
    sb = await startGhlSandbox({ seed: 2 });
    const url = new URL(sb.authorizeUrl);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: sb.clientId,
      redirect_uri: REDIRECT,
      scope: 'contacts.readonly contacts.write',
      state: 'st-123',
    }).toString();
    const page = await raw(url.toString());
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.text).toContain(sb.locationId);
    expect(page.text).toContain('<li>contacts.readonly</li><li>contacts.write</li>');

    const approve = await raw(sb.authorizeUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        response_type: 'code',
        client_id: sb.clientId,
        redirect_uri: REDIRECT,
        scope: 'contacts.readonly contacts.write',
        state: 'st-123',
        decision: 'approve',
      }).toString(),
    });
    expect(approve.status).toBe(302);
    const location = new URL(approve.headers.get('location') as string);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    expect(location.searchParams.get('state')).toBe('st-123');
    const code = location.searchParams.get('code') as string;
    expect(code.length).toBeGreaterThan(10);

    const token = await tokenRequest(sb, { grant_type: 'authorization_code', code });
    expect(token.status).toBe(200);
    expect(token.body).toMatchObject({
      token_type: 'Bearer',
      expires_in: 86399,
      scope: 'contacts.readonly contacts.write',
      userType: 'Location',
      locationId: sb.locationId,
    });
  });

  it('without state the redirect carries no state; "Cancel" redirects with error=access_denied', async () => {
    sb = await startGhlSandbox({ seed: 2 });
    const post = (decision: string) =>
      raw(`${sb?.baseUrl}/oauth/chooselocation`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          response_type: 'code',
          client_id: sb?.clientId as string,
          redirect_uri: REDIRECT,
          scope: 'contacts.readonly',
          decision,
        }).toString(),
      });
    const ok = new URL((await post('approve')).headers.get('location') as string);
    expect(ok.searchParams.has('state')).toBe(false);
    expect(ok.searchParams.has('code')).toBe(true);
    const denied = new URL((await post('deny')).headers.get('location') as string);
    expect(denied.searchParams.get('error')).toBe('access_denied');
    expect(denied.searchParams.has('code')).toBe(false);
  });

  it('refuses an unknown client_id, a missing redirect_uri and unknown scopes with a 400 page', async () => {
    sb = await startGhlSandbox({ seed: 2 });
    const get = (params: Record<string, string>) =>
      raw(`${sb?.authorizeUrl}?${new URLSearchParams({ response_type: 'code', ...params })}`);
    const base = { client_id: sb.clientId, redirect_uri: REDIRECT, scope: 'contacts.readonly' };
    expect((await get({ ...base, client_id: 'someone-else' })).text).toContain('Unknown client_id');
    expect((await get({ ...base, redirect_uri: '' })).status).toBe(400);
    const bad = await get({ ...base, scope: 'contacts.readonly admin.everything' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('admin.everything');
  });
});

describe('POST /oauth/token', () => {
  it('an authorization code works once; its reuse gets invalid_grant', async () => {
    sb = await startGhlSandbox({ seed: 3 });
    const { code } = sb.control.authorize({ scopes: ['contacts.readonly'], redirectUri: REDIRECT });
    expect((await tokenRequest(sb, { grant_type: 'authorization_code', code })).status).toBe(200);
    const again = await tokenRequest(sb, { grant_type: 'authorization_code', code });
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({ error: 'invalid_grant' });
  });

  it('a code expires (5 minutes divided by timeScale) and must come back with its redirect_uri', async () => {
    sb = await startGhlSandbox({ seed: 3, timeScale: 1000 });
    const a = sb.control.authorize({ scopes: ['contacts.readonly'], redirectUri: REDIRECT });
    const mismatch = await tokenRequest(sb, {
      grant_type: 'authorization_code',
      code: a.code,
      redirect_uri: 'http://127.0.0.1:9/other',
    });
    expect(mismatch.body).toMatchObject({ error: 'invalid_grant' });
    const b = sb.control.authorize({ scopes: ['contacts.readonly'], redirectUri: REDIRECT });
    await sleep(450); // 300,000 ms / 1000 = 300 ms lifetime
    const late = await tokenRequest(sb, { grant_type: 'authorization_code', code: b.code });
    expect(late.status).toBe(400);
    expect(late.body).toMatchObject({ error: 'invalid_grant' });
  });

  it('refresh tokens are single use: the old one gets invalid_grant, the new one works', async () => {
    sb = await startGhlSandbox({ seed: 4 });
    const first = await exchange(sb, ['contacts.readonly']);
    const second = await tokenRequest(sb, {
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token,
    });
    expect(second.status).toBe(200);
    const pair = second.body as TokenPair;
    expect(pair.refresh_token).not.toBe(first.refresh_token);
    expect(pair.access_token).not.toBe(first.access_token);
    expect(pair.scope).toBe('contacts.readonly');

    const reused = await tokenRequest(sb, {
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token,
    });
    expect(reused.status).toBe(400);
    expect(reused.body).toMatchObject({ error: 'invalid_grant', statusCode: 400 });
    expect((reused.body as { message: string }).message).toMatch(/already been used/);

    const third = await tokenRequest(sb, { grant_type: 'refresh_token', refresh_token: pair.refresh_token });
    expect(third.status).toBe(200);
    expect(sb.control.stats().oauth).toMatchObject({ refreshes: 2, reusedRefreshTokens: 1 });
  });

  it('of 6 concurrent refreshes with one token exactly one succeeds', async () => {
    sb = await startGhlSandbox({ seed: 4 });
    const first = await exchange(sb, ['contacts.readonly']);
    const answers = await Promise.all(
      Array.from({ length: 6 }, () =>
        tokenRequest(sb as GhlSandbox, { grant_type: 'refresh_token', refresh_token: first.refresh_token }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 400, 400, 400, 400, 400]);
  });

  it('access tokens expire after accessTokenLifetimeSeconds with a 401; the refreshed one works', async () => {
    sb = await startGhlSandbox({ seed: 5, accessTokenLifetimeSeconds: 1 });
    const pair = await exchange(sb, ['contacts.readonly']);
    expect(pair.expires_in).toBe(1);
    const call = api(sb, pair.access_token);
    expect((await call('GET', `/contacts/?locationId=${sb.locationId}`)).status).toBe(200);
    await sleep(1100);
    const expired = await call('GET', `/contacts/?locationId=${sb.locationId}`);
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({
      statusCode: 401,
      message: 'Invalid token: access token is invalid',
    });
    const next = (await tokenRequest(sb, { grant_type: 'refresh_token', refresh_token: pair.refresh_token }))
      .body as TokenPair;
    expect((await api(sb, next.access_token)('GET', `/contacts/?locationId=${sb.locationId}`)).status).toBe(
      200,
    );
  });

  it('control.expireAccessTokens() makes OAuth tokens expire now (the private integration token stays)', async () => {
    sb = await startGhlSandbox({ seed: 5 });
    const pair = await exchange(sb, ['contacts.readonly']);
    expect(sb.control.expireAccessTokens()).toBe(1);
    expect((await api(sb, pair.access_token)('GET', `/contacts/?locationId=${sb.locationId}`)).status).toBe(
      401,
    );
    expect((await api(sb)('GET', `/contacts/?locationId=${sb.locationId}`)).status).toBe(200);
  });

  it('tokens carry the scopes asked for: a write with a read-only token gets the scope 401', async () => {
    sb = await startGhlSandbox({ seed: 6, contacts: 3 });
    const pair = await exchange(sb, ['contacts.readonly']);
    const call = api(sb, pair.access_token);
    const write = await call('POST', '/contacts/', { locationId: sb.locationId, firstName: 'No' });
    expect(write.status).toBe(401);
    expect(write.body).toMatchObject({ message: 'The token is not authorized for this scope.' });
  });

  it('wrong client credentials get 401 invalid_client; a JSON body is not read (422)', async () => {
    sb = await startGhlSandbox({ seed: 6 });
    const bad = await tokenRequest(sb, {
      client_secret: 'wrong',
      grant_type: 'refresh_token',
      refresh_token: 'x',
    });
    expect(bad.status).toBe(401);
    expect(bad.body).toMatchObject({ error: 'invalid_client' });
    const json = await raw(`${sb.baseUrl}/oauth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        client_id: sb.clientId,
        client_secret: sb.clientSecret,
        grant_type: 'refresh_token',
      }),
    });
    expect(json.status).toBe(422);
  });

  it('uninstalling the app revokes OAuth tokens and emits AppUninstall; the first consent emitted AppInstall', async () => {
    const receiver = await startReceiver();
    sb = await startGhlSandbox({ seed: 7, webhookUrl: receiver.url });
    try {
      const pair = await exchange(sb, ['contacts.readonly']);
      sb.control.uninstallApp();
      expect((await api(sb, pair.access_token)('GET', `/contacts/?locationId=${sb.locationId}`)).status).toBe(
        401,
      );
      const refresh = await tokenRequest(sb, {
        grant_type: 'refresh_token',
        refresh_token: pair.refresh_token,
      });
      expect(refresh.body).toMatchObject({ error: 'invalid_grant' });
      expect((await api(sb)('GET', `/contacts/?locationId=${sb.locationId}`)).status).toBe(200);
      await sb.control.waitForWebhooks();
      const types = receiver.received.map((r) => (JSON.parse(r.raw.toString()) as { type: string }).type);
      expect(types).toEqual(['INSTALL', 'UNINSTALL']);
      const uninstall = JSON.parse((receiver.received[1] as { raw: Buffer }).raw.toString());
      expect(uninstall).toMatchObject({ type: 'UNINSTALL', locationId: sb.locationId });
    } finally {
      await receiver.close();
    }
  });
});
