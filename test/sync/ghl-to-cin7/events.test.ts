/**
 * GHL webhooks into GHL → Cin7: a replayed delivery (same webhookId) and forged ones (a tampered
 * body, another key) are refused at the door and change nothing — not in Cin7, not in the store;
 * events of contacts no Cin7 customer is linked to, and of another location, are ignored.
 */
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signBody } from '../../../sandbox/ghl/webhooks.js';
import { noteGhlChange } from '../../../src/sync/ghl-to-cin7/index.js';
import { auditCountSince } from '../../../src/sync/repo/audit.js';
import { type LinkRecord, allLinks } from '../../../src/sync/repo/links.js';
import { type G2cService, startG2cService } from './helpers.js';

let s: G2cService;
let link: LinkRecord;

beforeAll(async () => {
  s = await startG2cService({ customers: 8, salesPerCustomer: 0, seed: 23, timeScale: 100 });
  const links = (await allLinks(s.h.t.store.db, s.h.clients.locationId)).filter((l) => l.state === 'linked');
  link = links.find((l) => s.h.sb.ghl.control.contact(l.ghlContactId as string)?.dnd === false) as LinkRecord;
  await s.settle();
}, 180_000);

afterAll(async () => {
  await s?.stop();
});

/** What the store and Cin7 hold that a webhook could change. */
async function state() {
  const db = s.h.t.store.db;
  const inbox = await db.selectFrom('inbox').select('id').execute();
  const waiting = await db.selectFrom('ghl_inbound').select('ghl_contact_id').execute();
  return {
    inbox: inbox.length,
    waiting: waiting.length,
    audit: await auditCountSince(db, new Date(0)),
    cin7Calls: s.h.sb.cin7.control.calls().accepted,
    customer: s.h.sb.cin7.control.customer(link.cin7CustomerId),
  };
}

const post = (body: string | Buffer, headers: Record<string, string>) =>
  fetch(s.ghlWebhookUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });

describe('GHL webhooks that must change nothing', () => {
  it('a replayed delivery is refused (409) and changes nothing', async () => {
    const ghlId = link.ghlContactId as string;
    s.h.sb.ghl.control.editContact(ghlId, { dnd: true });
    await s.settle();
    expect(
      s.h.sb.cin7.control.customer(link.cin7CustomerId)?.Contacts.find((c) => c.ID === link.cin7ContactId)
        ?.MarketingConsent,
    ).toBe(3);
    const delivery = s.h.sb.ghl.control
      .deliveries()
      .filter((d) => d.type === 'ContactDndUpdate')
      .at(-1);
    if (!delivery) throw new Error('no ContactDndUpdate delivery');
    // A Cin7 user sets the consent back; the replay must not set it to opt-out again.
    s.h.sb.cin7.control.editContact(link.cin7CustomerId, link.cin7ContactId, { MarketingConsent: 2 });
    await s.settle();
    const before = await state();
    const raw = Buffer.from(delivery.body);
    const res = await post(raw, signBody(raw));
    expect(res.status).toBe(409);
    expect(await res.text()).toMatch(/already received; this delivery is a replay/);
    await s.settle();
    expect(await state()).toEqual(before);
  }, 60_000);

  it('forged deliveries (tampered body, another key, no signature) are refused (401) and change nothing', async () => {
    const ghlId = link.ghlContactId as string;
    const before = await state();
    const payload = (extra: Record<string, unknown> = {}) =>
      Buffer.from(
        JSON.stringify({
          type: 'ContactDndUpdate',
          locationId: s.h.clients.locationId,
          id: ghlId,
          dnd: true,
          timestamp: new Date().toISOString(),
          webhookId: randomUUID(),
          ...extra,
        }),
      );
    // Signed by the sandbox (GHL's stand-in), then changed.
    const signed = payload();
    const tampered = Buffer.from(signed.toString('utf8').replace('"dnd":true', '"dnd":false'));
    const r1 = await post(tampered, signBody(signed));
    expect(r1.status).toBe(401);
    expect(await r1.text()).toMatch(/does not verify/);
    // Signed with a key that is not GHL's.
    const other = generateKeyPairSync('ed25519');
    const body = payload();
    const r2 = await post(body, { 'x-ghl-signature': sign(null, body, other.privateKey).toString('base64') });
    expect(r2.status).toBe(401);
    // No signature at all.
    const r3 = await post(payload(), {});
    expect(r3.status).toBe(401);
    expect(await r3.text()).toMatch(/Missing signature/);
    await s.settle();
    expect(await state()).toEqual(before);
  }, 60_000);

  it('events of unlinked contacts and of another location change nothing', async () => {
    const before = await state();
    expect(
      await noteGhlChange(s.deps, 'not-a-linked-contact', { contact: true }, 'webhook', {
        name: 'ContactUpdate',
        at: new Date().toISOString(),
      }),
    ).toBe('ignored');
    const body = Buffer.from(
      JSON.stringify({
        type: 'ContactDndUpdate',
        locationId: 'another-location',
        id: link.ghlContactId,
        dnd: false,
        timestamp: new Date().toISOString(),
        webhookId: randomUUID(),
      }),
    );
    const res = await post(body, signBody(body));
    expect(res.status).toBe(200);
    await s.settle();
    const after = await state();
    expect({ ...after, inbox: after.inbox - 1 }).toEqual(before);
    const row = await s.h.t.store.db
      .selectFrom('inbox')
      .select('status')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('done');
  }, 60_000);
});
