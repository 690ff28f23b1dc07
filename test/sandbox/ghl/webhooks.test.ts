import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { type GhlSandbox, startGhlSandbox } from '../../../sandbox/ghl/index.js';
import { api, startReceiver } from './_support.js';

let sb: GhlSandbox | undefined;
let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
afterEach(async () => {
  await sb?.close();
  await receiver?.close();
  sb = undefined;
  receiver = undefined;
});

const header = (h: Record<string, string | string[] | undefined>, name: string): string => {
  const v = h[name];
  if (typeof v !== 'string') throw new Error(`missing header ${name}`);
  return v;
};

const payload = (raw: Buffer): Record<string, unknown> => JSON.parse(raw.toString('utf8'));

describe('signed webhooks', () => {
  it('signs the exact body bytes with Ed25519 (X-GHL-Signature) and RSA-SHA256 (x-wh-signature)', async () => {
    receiver = await startReceiver();
    sb = await startGhlSandbox({ seed: 41, webhookUrl: receiver.url });
    await api(sb)('POST', '/contacts/', {
      locationId: sb.locationId,
      firstName: 'Sig',
      email: 'sig@example.com',
    });
    await sb.control.waitForWebhooks();
    expect(receiver.received).toHaveLength(1);
    const r = receiver.received[0] as { raw: Buffer; headers: Record<string, string | string[] | undefined> };
    const ed = createPublicKey(sb.webhookPublicKeys.ed25519);
    const rsa = createPublicKey(sb.webhookPublicKeys.rsa);
    expect(ed.asymmetricKeyType).toBe('ed25519');
    expect(rsa.asymmetricKeyType).toBe('rsa');
    const edSig = Buffer.from(header(r.headers, 'x-ghl-signature'), 'base64');
    const rsaSig = Buffer.from(header(r.headers, 'x-wh-signature'), 'base64');
    expect(verify(null, r.raw, ed, edSig)).toBe(true);
    expect(verify('sha256', r.raw, rsa, rsaSig)).toBe(true);

    // One changed byte, or another key, and neither signature verifies.
    const tampered = Buffer.from(r.raw);
    tampered[tampered.length - 3] = (tampered[tampered.length - 3] as number) ^ 1;
    expect(verify(null, tampered, ed, edSig)).toBe(false);
    expect(verify('sha256', tampered, rsa, rsaSig)).toBe(false);
    const otherEd = generateKeyPairSync('ed25519').publicKey;
    expect(verify(null, r.raw, otherEd, edSig)).toBe(false);

    const body = payload(r.raw);
    expect(body).toMatchObject({
      type: 'ContactCreate',
      locationId: sb.locationId,
      email: 'sig@example.com',
    });
    expect(typeof body.webhookId).toBe('string');
    expect(Date.parse(body.timestamp as string)).not.toBeNaN();
    expect(header(r.headers, 'content-type')).toBe('application/json');
  });

  it('retries only when the receiver answers 429: up to 6 retries about 10 minutes (scaled) apart', async () => {
    // 10 min / 6000 = 100 ms between attempts.
    receiver = await startReceiver((n) => (n < 2 ? 429 : 200));
    sb = await startGhlSandbox({ seed: 42, webhookUrl: receiver.url, timeScale: 6000 });
    await api(sb)('POST', '/contacts/', { locationId: sb.locationId, firstName: 'Retry' });
    await sb.control.waitForWebhooks();
    expect(receiver.received).toHaveLength(3);
    const [d] = sb.control.deliveries();
    expect(d?.state).toBe('delivered');
    expect(d?.attempts.map((a) => a.status)).toEqual([429, 429, 200]);
    const times = receiver.received.map((r) => r.at);
    const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
    for (const g of gaps) expect(g).toBeGreaterThanOrEqual(85); // 100 ms ± 10 % jitter, minus timer slack
    // Every attempt carries the same body and webhookId (receivers dedupe on it).
    expect(new Set(receiver.received.map((r) => r.raw.toString())).size).toBe(1);
  });

  it('gives up after 6 retries of 429, and never retries other statuses (5xx included)', async () => {
    receiver = await startReceiver((_n, r) => (payload(r.raw).firstName === 'Always429' ? 429 : 500));
    sb = await startGhlSandbox({ seed: 43, webhookUrl: receiver.url, timeScale: 60_000 });
    const call = api(sb);
    await call('POST', '/contacts/', { locationId: sb.locationId, firstName: 'Always429' });
    await call('POST', '/contacts/', { locationId: sb.locationId, firstName: 'Always500' });
    await sb.control.waitForWebhooks();
    const byName = new Map(
      sb.control.deliveries().map((d) => [payload(Buffer.from(d.body)).firstName as string, d] as const),
    );
    expect(byName.get('Always429')?.attempts).toHaveLength(7);
    expect(byName.get('Always429')?.state).toBe('failed');
    expect(byName.get('Always500')?.attempts.map((a) => a.status)).toEqual([500]);
    expect(byName.get('Always500')?.state).toBe('failed');
  });

  it('does not retry when the receiver cannot be reached', async () => {
    receiver = await startReceiver();
    const url = receiver.url;
    await receiver.close();
    receiver = undefined;
    sb = await startGhlSandbox({ seed: 44, webhookUrl: url, timeScale: 60_000 });
    await api(sb)('POST', '/contacts/', { locationId: sb.locationId, firstName: 'Nobody' });
    await sb.control.waitForWebhooks();
    const [d] = sb.control.deliveries();
    expect(d?.attempts).toHaveLength(1);
    expect(d?.attempts[0]?.status).toBeNull();
    expect(d?.state).toBe('failed');
  });

  it('takes the URL from the control later; events before it are recorded as skipped', async () => {
    sb = await startGhlSandbox({ seed: 45 });
    await api(sb)('POST', '/contacts/', { locationId: sb.locationId, firstName: 'Before' });
    receiver = await startReceiver();
    sb.control.set({ webhookUrl: receiver.url });
    await api(sb)('POST', '/contacts/', { locationId: sb.locationId, firstName: 'After' });
    await sb.control.waitForWebhooks();
    expect(sb.control.deliveries().map((d) => d.state)).toEqual(['skipped', 'delivered']);
    expect(receiver.received.map((r) => payload(r.raw).firstName)).toEqual(['After']);
    expect(() => sb?.control.set({ webhookUrl: 'https://example.com/hook' })).toThrow(/loopback/);
  });

  it('emits the right event for each API write and each control "user" action', async () => {
    receiver = await startReceiver();
    sb = await startGhlSandbox({ seed: 46, webhookUrl: receiver.url });
    const call = api(sb);
    const c = (await call('POST', '/contacts/', { locationId: sb.locationId, firstName: 'Ev', tags: ['a'] }))
      .body as {
      contact: { id: string };
    };
    const id = c.contact.id;
    await call('PUT', `/contacts/${id}`, { lastName: 'Ents', tags: ['a', 'b'] }); // Update + TagUpdate
    await call('PUT', `/contacts/${id}`, { dnd: true }); // DndUpdate only
    await call('PUT', `/contacts/${id}`, { lastName: 'Ents' }); // no change: no event
    sb.control.editContact(id, { companyName: 'Edited Co' });
    const note = sb.control.addNote(id, { body: 'from the UI' });
    sb.control.editNote(id, note.id as string, { body: 'edited' });
    sb.control.deleteNote(id, note.id as string);
    const task = sb.control.addTask(id, { title: 'UI task' });
    sb.control.editTask(id, task.id as string, { title: 'renamed' }); // no TaskUpdate event in GHL
    sb.control.completeTask(id, task.id as string);
    sb.control.deleteTask(id, task.id as string);
    sb.control.deleteContact(id);
    await sb.control.waitForWebhooks();
    expect(receiver.received.map((r) => payload(r.raw).type)).toEqual([
      'ContactCreate',
      'ContactUpdate',
      'ContactTagUpdate',
      'ContactDndUpdate',
      'ContactUpdate',
      'NoteCreate',
      'NoteUpdate',
      'NoteDelete',
      'TaskCreate',
      'TaskComplete',
      'TaskDelete',
      'ContactDelete',
    ]);
    const tagUpdate = payload((receiver.received[2] as { raw: Buffer }).raw);
    expect(tagUpdate.tags).toEqual(['a', 'b']);
    const taskCreate = payload((receiver.received[8] as { raw: Buffer }).raw);
    expect(taskCreate).toMatchObject({ contactId: id, title: 'UI task' });
  });

  it('reproduces the known TaskCreate bug on demand (no contactId, no body)', async () => {
    receiver = await startReceiver();
    sb = await startGhlSandbox({ seed: 47, webhookUrl: receiver.url, taskCreateBug: true });
    const c = sb.control.createContact({ firstName: 'Bug' });
    sb.control.addTask(c.id as string, { title: 'T', body: 'B' });
    await sb.control.waitForWebhooks();
    const create = receiver.received.map((r) => payload(r.raw)).find((p) => p.type === 'TaskCreate');
    expect(create).toBeDefined();
    expect(create).not.toHaveProperty('contactId');
    expect(create).not.toHaveProperty('body');
    expect(create).toMatchObject({ title: 'T' });
  });

  it('delays the first send by webhookDelayMs (scaled by timeScale)', async () => {
    receiver = await startReceiver();
    sb = await startGhlSandbox({ seed: 48, webhookUrl: receiver.url, webhookDelayMs: 3000, timeScale: 10 });
    const t0 = Date.now();
    sb.control.createContact({ firstName: 'Late' });
    await sb.control.waitForWebhooks();
    expect((receiver.received[0]?.at ?? 0) - t0).toBeGreaterThanOrEqual(290);
  });
});
