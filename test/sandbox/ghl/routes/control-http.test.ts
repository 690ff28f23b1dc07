import { afterEach, describe, expect, it } from 'vitest';
import { type GhlSandbox, startGhlSandbox } from '../../../../sandbox/ghl/index.js';
import { api, raw, startReceiver } from '../_support.js';

let sb: GhlSandbox | undefined;
let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
afterEach(async () => {
  await sb?.close();
  await receiver?.close();
  sb = undefined;
  receiver = undefined;
});

/** The control API as a test in another process sees it: plain JSON over HTTP, no token. */
function control(s: GhlSandbox) {
  return async (method: string, path: string, body?: unknown) => {
    const answer = await raw(`${s.baseUrl}/_sandbox${path}`, {
      method,
      ...(body !== undefined
        ? { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }
        : {}),
    });
    return answer as { status: number; body: Record<string, unknown> };
  };
}

describe('control API over HTTP (/_sandbox)', () => {
  it('gives the ready info and changes knobs', async () => {
    sb = await startGhlSandbox({ seed: 61 });
    const ctl = control(sb);
    expect((await ctl('GET', '/info')).body).toEqual(sb.readyInfo());
    const set = await ctl('POST', '/settings', {
      allowDuplicates: true,
      searchLagMs: 250,
      rateLimit: { limit: 2, windowMs: 60_000 },
    });
    expect(set.body).toMatchObject({ allowDuplicates: true, searchLagMs: 250, rateLimit: { limit: 2 } });
    const call = api(sb);
    await call('GET', `/contacts/?locationId=${sb.locationId}`);
    await call('GET', `/contacts/?locationId=${sb.locationId}`);
    expect((await call('GET', `/contacts/?locationId=${sb.locationId}`)).status).toBe(429);
    expect((await ctl('POST', '/rate-limit/reset')).status).toBe(200);
    expect((await call('GET', `/contacts/?locationId=${sb.locationId}`)).status).toBe(200);
    const stats = await ctl('GET', '/stats');
    expect(stats.body).toMatchObject({ rateLimited: 1, byStatus: { '200': 3, '429': 1 } });
    const bad = await ctl('POST', '/settings', { nope: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/Unknown GHL sandbox setting "nope"/);
  });

  it('acts as a GHL user (contact, note, task edits) and each action fires its webhook', async () => {
    receiver = await startReceiver();
    sb = await startGhlSandbox({ seed: 62 });
    const ctl = control(sb);
    await ctl('POST', '/settings', { webhookUrl: receiver.url });
    const created = (await ctl('POST', '/contacts', { firstName: 'Ui', email: 'ui@example.com' })).body as {
      contact: { id: string };
    };
    const id = created.contact.id;
    expect(
      (await ctl('PUT', `/contacts/${id}`, { lastName: 'User', companyName: 'UI Co' })).body,
    ).toMatchObject({
      contact: { lastName: 'User', companyName: 'UI Co' },
    });
    const note = (await ctl('POST', `/contacts/${id}/notes`, { body: 'hi' })).body as {
      note: { id: string };
    };
    await ctl('PUT', `/contacts/${id}/notes/${note.note.id}`, { body: 'hello' });
    await ctl('DELETE', `/contacts/${id}/notes/${note.note.id}`);
    const task = (await ctl('POST', `/contacts/${id}/tasks`, { title: 'Do it' })).body as {
      task: { id: string };
    };
    await ctl('POST', `/contacts/${id}/tasks/${task.task.id}/complete`);
    expect((await ctl('GET', `/contacts/${id}/tasks`)).body).toMatchObject({ tasks: [{ completed: true }] });
    await ctl('DELETE', `/contacts/${id}/tasks/${task.task.id}`);
    await ctl('DELETE', `/contacts/${id}`);
    await ctl('POST', '/uninstall');
    await ctl('POST', '/webhooks/wait', {});
    expect(receiver.received.map((r) => JSON.parse(r.raw.toString()).type)).toEqual([
      'ContactCreate',
      'ContactUpdate',
      'NoteCreate',
      'NoteUpdate',
      'NoteDelete',
      'TaskCreate',
      'TaskComplete',
      'TaskDelete',
      'ContactDelete',
      'UNINSTALL',
    ]);
    const listed = (await ctl('GET', '/webhooks')).body as { deliveries: { state: string }[] };
    expect(listed.deliveries.every((d) => d.state === 'delivered')).toBe(true);
    expect((await ctl('GET', `/contacts/${id}`)).status).toBe(404);
  });

  it('mints scoped tokens and authorization codes, and expires access tokens', async () => {
    sb = await startGhlSandbox({ seed: 63 });
    const ctl = control(sb);
    const token = (
      (await ctl('POST', '/tokens', { scopes: ['contacts.readonly'] })).body as { token: string }
    ).token;
    expect((await api(sb, token)('GET', `/contacts/?locationId=${sb.locationId}`)).status).toBe(200);
    expect((await api(sb, token)('POST', '/contacts/', { locationId: sb.locationId })).status).toBe(401);
    const auth = (
      await ctl('POST', '/oauth/authorize', {
        scopes: ['contacts.readonly'],
        redirectUri: 'http://127.0.0.1:9/cb',
        state: 'z',
      })
    ).body as { code: string; location: string };
    expect(new URL(auth.location).searchParams.get('state')).toBe('z');
    const exchanged = await raw(`${sb.baseUrl}/oauth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: sb.clientId,
        client_secret: sb.clientSecret,
        grant_type: 'authorization_code',
        code: auth.code,
      }).toString(),
    });
    const access = (exchanged.body as { access_token: string }).access_token;
    expect((await ctl('POST', '/oauth/expire')).body).toEqual({ expired: 1 });
    expect((await api(sb, access)('GET', `/contacts/?locationId=${sb.locationId}`)).status).toBe(401);
    expect((await ctl('POST', '/tokens', { scopes: ['root'] })).status).toBe(400);
  });

  it('seeds people and finds contacts by email or phone', async () => {
    sb = await startGhlSandbox({ seed: 64 });
    const ctl = control(sb);
    const seeded = (
      await ctl('POST', '/seed', { people: [{ firstName: 'A', lastName: 'B', phone: '+1 415 555 0142' }] })
    ).body as {
      ids: string[];
    };
    const found = (await ctl('GET', `/contacts?phone=${encodeURIComponent('415-555-0142')}`)).body as {
      count: number;
      contacts: { id: string }[];
    };
    expect(found.count).toBe(1);
    expect(found.contacts.map((c) => c.id)).toEqual(seeded.ids);
    expect((await ctl('POST', '/seed', { people: [{ firstName: 'NoLast' }] })).status).toBe(400);
  });
});
