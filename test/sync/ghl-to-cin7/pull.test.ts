/**
 * GHL → Cin7 end to end, against both sandboxes with the service running: GHL users change DND,
 * notes and tasks; signed webhooks reach the service; the Cin7 customer gets MarketingConsent and the
 * profile summary in `Comments` in one read-modify-write; what Cin7 already holds is not rewritten;
 * a deleted GHL contact is unlinked (the Cin7 customer stays). Every write is audited with its cause
 * and emits one `record.synced` (direction `ghl_to_cin7`); nothing written, no event.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLOCK_MARKER } from '../../../src/sync/summary/index.js';
import { listAudit } from '../../../src/sync/repo/audit.js';
import { type LinkRecord, allLinks, linkById } from '../../../src/sync/repo/links.js';
import { getCustomerRecord } from '../../../src/sync/repo/customers.js';
import { type G2cService, startG2cService } from './helpers.js';

let s: G2cService;
let links: LinkRecord[];

beforeAll(async () => {
  s = await startG2cService({ customers: 14, salesPerCustomer: 1, seed: 17, timeScale: 100 });
  links = (await allLinks(s.h.t.store.db, s.h.clients.locationId)).filter((l) => l.state === 'linked');
  if (links.length < 6) throw new Error(`only ${links.length} links`);
  await s.settle();
}, 180_000);

afterAll(async () => {
  await s?.stop();
});

interface EventRow {
  name: string;
  payload: Record<string, unknown>;
}

/** The `record.synced` events of GHL → Cin7 in the outbox (read from the store), oldest first. */
const g2cEvents = async (): Promise<EventRow[]> => {
  const rows = await s.h.t.store.db
    .selectFrom('product_events')
    .select(['name', 'payload'])
    .where('name', '=', 'record.synced')
    .orderBy('id')
    .execute();
  return (rows as unknown as EventRow[]).filter((r) => r.payload.direction === 'ghl_to_cin7');
};

const cin7Customer = (id: string) => s.h.sb.cin7.control.customer(id);
const ghlId = (l: LinkRecord) => l.ghlContactId as string;

describe('GHL → Cin7 through webhooks', () => {
  it('a GHL DND change becomes MarketingConsent 3 in Cin7, in one read-modify-write, audited', async () => {
    // A contact GHL has without DND, whose Cin7 consent is unknown (1) or an opt-in (2).
    const link = links.find((l) => {
      const consent = cin7Customer(l.cin7CustomerId)?.Contacts.find(
        (c) => c.ID === l.cin7ContactId,
      )?.MarketingConsent;
      return s.h.sb.ghl.control.contact(ghlId(l))?.dnd === false && (consent === 1 || consent === 2);
    }) as LinkRecord;
    const consent = cin7Customer(link.cin7CustomerId)?.Contacts.find(
      (c) => c.ID === link.cin7ContactId,
    )?.MarketingConsent;
    links = [link, ...links.filter((l) => l !== link)];
    const eventsBefore = (await g2cEvents()).length;
    s.mark();
    s.h.sb.ghl.control.editContact(ghlId(link), { dnd: true });
    await s.settle();
    const contact = cin7Customer(link.cin7CustomerId)?.Contacts.find((c) => c.ID === link.cin7ContactId);
    expect(contact?.MarketingConsent).toBe(3);
    expect(s.writes()).toEqual({ ghl: {}, cin7: { 'cin7.customers.update': 1 } });
    const audit = await listAudit(s.h.t.store.db, { ghlContactId: ghlId(link), limit: 5 });
    // The same write carried the profile (the summary's header: contact id and link).
    expect(audit.map((a) => a.action).sort()).toEqual(['create', 'profile', 'update']);
    expect(audit.find((a) => a.action === 'update')).toMatchObject({
      direction: 'ghl_to_cin7',
      action: 'update',
      cause: 'webhook',
      fields: ['dnd'],
      before: { dnd: consent === 1 ? null : false },
      after: { dnd: true },
    });
    // One Cin7 write, one record.synced: the field and the profile fields it carried.
    const profileFields = audit.find((a) => a.action === 'profile')?.fields ?? [];
    const events = (await g2cEvents()).slice(eventsBefore);
    expect(events).toEqual([
      {
        name: 'record.synced',
        payload: {
          cin7CustomerId: link.cin7CustomerId,
          cin7ContactId: link.cin7ContactId,
          ghlContactId: ghlId(link),
          ghlLocationId: s.h.clients.locationId,
          action: 'updated',
          fields: ['dnd', ...profileFields],
          direction: 'ghl_to_cin7',
          runId: null,
          at: expect.any(String),
        },
      },
    ]);
    // The link now holds GHL's hash: the same value again changes nothing.
    s.mark();
    s.h.sb.ghl.control.editContact(ghlId(link), { city: 'Elsewhere' });
    await s.settle();
    expect(s.writes()).toEqual({ ghl: {}, cin7: {} });
    expect((await g2cEvents()).length).toBe(eventsBefore + 1);
  }, 60_000);

  it("a GHL note reaches the summary in Comments; the users' text above it is kept", async () => {
    const link = links[1] as LinkRecord;
    s.h.sb.cin7.control.editCustomer(link.cin7CustomerId, { Comments: 'Pays by cheque.' });
    await s.settle();
    const eventsBefore = (await g2cEvents()).length;
    s.mark();
    s.h.sb.ghl.control.addNote(ghlId(link), { body: 'Asked about the spring catalogue' });
    await s.settle();
    const comments = cin7Customer(link.cin7CustomerId)?.Comments ?? '';
    expect(comments.startsWith(`Pays by cheque.\n\n${BLOCK_MARKER}\n`)).toBe(true);
    expect(comments).toContain(`GHL contact ${ghlId(link)}: https://app.gohighlevel.com/v2/location/`);
    expect(comments).toMatch(/Notes \(1\):\n- \d{4}-\d{2}-\d{2} Asked about the spring catalogue$/);
    expect(s.writes()).toEqual({ ghl: {}, cin7: { 'cin7.customers.update': 1 } });
    const [row] = await listAudit(s.h.t.store.db, { cin7CustomerId: link.cin7CustomerId, limit: 1 });
    expect(row).toMatchObject({ action: 'profile', fields: ['Comments'], cause: 'webhook' });
    expect((row?.before as { Comments?: string } | undefined)?.Comments).toBe('Pays by cheque.');
    expect((row?.after as { Comments?: string } | undefined)?.Comments).toBe(comments);
    // A profile-only write: one record.synced naming the Cin7 field it wrote.
    expect((await g2cEvents()).slice(eventsBefore)).toEqual([
      {
        name: 'record.synced',
        payload: expect.objectContaining({
          cin7CustomerId: link.cin7CustomerId,
          ghlContactId: ghlId(link),
          action: 'updated',
          fields: ['Comments'],
          direction: 'ghl_to_cin7',
        }),
      },
    ]);
  }, 60_000);

  it('a task change reaches the summary; an unchanged summary is not rewritten', async () => {
    const link = links[1] as LinkRecord;
    s.mark();
    const task = s.h.sb.ghl.control.addTask(ghlId(link), {
      title: 'Send the quote',
      dueDate: '2030-01-15T00:00:00.000Z',
    });
    await s.settle();
    expect(cin7Customer(link.cin7CustomerId)?.Comments).toContain(
      'Open tasks (1):\n- [due 2030-01-15] Send the quote',
    );
    expect(s.writes().cin7).toEqual({ 'cin7.customers.update': 1 });

    // A task created completed: only open tasks are listed, so the summary is the same.
    s.mark();
    const before = s.h.sb.cin7.control.calls().byRoute['cin7.customers.get'] ?? 0;
    s.h.sb.ghl.control.addTask(ghlId(link), { title: 'Already done', completed: true });
    await s.settle();
    expect(s.writes()).toEqual({ ghl: {}, cin7: {} });
    // Decided on the stored snapshot: not even a Cin7 read.
    expect(s.h.sb.cin7.control.calls().byRoute['cin7.customers.get'] ?? 0).toBe(before);

    s.mark();
    s.h.sb.ghl.control.completeTask(ghlId(link), task.id as string);
    await s.settle();
    expect(cin7Customer(link.cin7CustomerId)?.Comments).not.toContain('Send the quote');
    expect(s.writes().cin7).toEqual({ 'cin7.customers.update': 1 });
  }, 60_000);

  it('a 5,000-character history is cut to the 2,000 characters of Comments with the marker; a burst is one write', async () => {
    const link = links[2] as LinkRecord;
    s.h.sb.cin7.control.editCustomer(link.cin7CustomerId, { Comments: '' });
    await s.settle();
    s.mark();
    for (let i = 0; i < 50; i++) {
      s.h.sb.ghl.control.addNote(ghlId(link), { body: `${String(i).padStart(2, '0')}${'n'.repeat(98)}` });
      await new Promise((r) => setTimeout(r, 3)); // distinct times, so "newest first" is one order
    }
    await s.settle();
    const comments = cin7Customer(link.cin7CustomerId)?.Comments ?? '';
    expect(comments.length).toBeLessThanOrEqual(2000);
    expect(comments.length).toBeGreaterThan(1800);
    const lines = comments.split('\n');
    const shown = lines.filter((l) => /^- \d{4}-\d{2}-\d{2} \d\dn+$/.test(l));
    const marker = /^… \((\d+) more in GHL\)$/.exec(lines.at(-1) ?? '');
    expect(marker).not.toBeNull();
    expect(shown.length + Number(marker?.[1])).toBe(50);
    // Newest first: the last notes written, in reverse order.
    expect(shown.map((l) => l.slice(13, 15))).toEqual(
      Array.from({ length: shown.length }, (_, i) => String(49 - i).padStart(2, '0')),
    );
    const puts = s.writes().cin7['cin7.customers.update'] ?? 0;
    expect(puts).toBeGreaterThanOrEqual(1);
    expect(puts).toBeLessThanOrEqual(3);
  }, 90_000);

  it('TaskCreate without contactId (GHL bug) reaches the right customer through the task search', async () => {
    const link = links[3] as LinkRecord;
    s.h.sb.ghl.control.set({ taskCreateBug: true });
    try {
      s.mark();
      const searches = s.h.sb.ghl.control.stats().byRoute['ghl.tasks.search'] ?? 0;
      s.h.sb.ghl.control.addTask(ghlId(link), {
        title: 'Bugged task payload',
        dueDate: '2031-02-03T00:00:00.000Z',
      });
      await s.settle();
      const delivered = s.h.sb.ghl.control
        .deliveries()
        .filter((d) => d.type === 'TaskCreate')
        .at(-1);
      expect(JSON.parse(delivered?.body ?? '{}').contactId).toBeUndefined();
      expect(cin7Customer(link.cin7CustomerId)?.Comments).toContain('- [due 2031-02-03] Bugged task payload');
      expect((s.h.sb.ghl.control.stats().byRoute['ghl.tasks.search'] ?? 0) - searches).toBe(1);
    } finally {
      s.h.sb.ghl.control.set({ taskCreateBug: false });
    }
  }, 60_000);

  it('the profile is rewritten only when its content changes: a note edited to the same text writes nothing; a field write leaves the summary alone', async () => {
    const link = links[5] as LinkRecord;
    const id = ghlId(link);
    const gets = () => s.h.sb.cin7.control.calls().byRoute['cin7.customers.get'] ?? 0;
    s.mark();
    const note = s.h.sb.ghl.control.addNote(id, { body: 'Prefers deliveries on Tuesdays' });
    await s.settle();
    const comments = cin7Customer(link.cin7CustomerId)?.Comments ?? '';
    expect(comments).toMatch(/Notes \(1\):\n- \d{4}-\d{2}-\d{2} Prefers deliveries on Tuesdays$/);
    expect(s.writes()).toEqual({ ghl: {}, cin7: { 'cin7.customers.update': 1 } });

    // NoteUpdate with the same text: the notes are read again, the summary is the same → no call.
    const eventsBefore = (await g2cEvents()).length;
    s.mark();
    const getsBefore = gets();
    s.h.sb.ghl.control.editNote(id, note.id as string, { body: 'Prefers deliveries on Tuesdays' });
    await s.settle();
    expect(s.h.sb.ghl.control.deliveries().at(-1)).toMatchObject({ type: 'NoteUpdate', state: 'delivered' });
    expect(s.writes()).toEqual({ ghl: {}, cin7: {} });
    expect(gets()).toBe(getsBefore);
    expect(cin7Customer(link.cin7CustomerId)?.Comments).toBe(comments);
    expect((await g2cEvents()).length).toBe(eventsBefore);

    // A DND change goes out; the profile it would carry is what Cin7 holds, so only the field moves.
    const auditBefore = await listAudit(s.h.t.store.db, { cin7CustomerId: link.cin7CustomerId, limit: 50 });
    s.mark();
    const dnd = s.h.sb.ghl.control.contact(id)?.dnd === true;
    s.h.sb.ghl.control.editContact(id, { dnd: !dnd });
    await s.settle();
    expect(s.writes()).toEqual({ ghl: {}, cin7: { 'cin7.customers.update': 1 } });
    expect(
      cin7Customer(link.cin7CustomerId)?.Contacts.find((c) => c.ID === link.cin7ContactId)?.MarketingConsent,
    ).toBe(dnd ? 2 : 3);
    expect(cin7Customer(link.cin7CustomerId)?.Comments).toBe(comments);
    const audit = await listAudit(s.h.t.store.db, { cin7CustomerId: link.cin7CustomerId, limit: 50 });
    const added = audit.slice(0, audit.length - auditBefore.length);
    expect(added.map((a) => [a.action, a.fields])).toEqual([['update', ['dnd']]]);
    expect((await g2cEvents()).slice(eventsBefore).map((e) => e.payload.fields)).toEqual([['dnd']]);
  }, 60_000);

  it('a deleted GHL contact is unlinked and recorded in the profile; nothing is written to Cin7', async () => {
    const link = links[4] as LinkRecord;
    s.mark();
    s.h.sb.ghl.control.deleteContact(ghlId(link));
    await s.settle();
    expect((await linkById(s.h.t.store.db, link.id))?.state).toBe('unlinked');
    expect(cin7Customer(link.cin7CustomerId)?.Status).toBe('Active');
    const audit = await listAudit(s.h.t.store.db, { ghlContactId: ghlId(link), limit: 5 });
    expect(audit.find((a) => a.action === 'unlink')).toMatchObject({
      direction: 'ghl_to_cin7',
      cause: 'webhook',
      before: { link: ghlId(link) },
      after: { link: null },
    });
    const profile = (await getCustomerRecord(s.h.t.store.db, link.cin7CustomerId))?.profile as {
      contacts: Array<{ ghlContactId: string; linkState: string; warnings: string[] }>;
    };
    const entry = profile.contacts.find((c) => c.ghlContactId === ghlId(link));
    expect(entry?.linkState).toBe('unlinked');
    expect(entry?.warnings.join(' ')).toMatch(/was deleted in GHL/);
    // A Cin7 write would make the engine create the contact again (an echo): none is made.
    expect(s.writes()).toEqual({ ghl: {}, cin7: {} });
  }, 60_000);

  it('a new GHL contact changes nothing in Cin7 while creating customers is off (the default)', async () => {
    const before = s.h.sb.cin7.customers().length;
    s.mark();
    s.h.sb.ghl.control.createContact({ firstName: 'Walk', lastName: 'In', email: 'walk.in@example.com' });
    await s.settle();
    expect(s.h.sb.cin7.customers().length).toBe(before);
    expect(s.writes()).toEqual({ ghl: {}, cin7: {} });
  }, 60_000);

  it('Cin7 refusing the write (400) emits one record.failed for the customer, without a failure row', async () => {
    const link = links[0] as LinkRecord;
    const failedBefore = await s.h.t.store.db
      .selectFrom('product_events')
      .select('id')
      .where('name', '=', 'record.failed')
      .execute();
    s.h.sb.cin7.control.setFaults({ statusRates: { '400': 1 }, operations: ['cin7.customers.update'] });
    try {
      const dnd = s.h.sb.ghl.control.contact(ghlId(link))?.dnd === true;
      s.h.sb.ghl.control.editContact(ghlId(link), { dnd: !dnd });
      await s.settle();
    } finally {
      s.h.sb.cin7.control.setFaults({});
    }
    const rows = (await s.h.t.store.db
      .selectFrom('product_events')
      .select(['name', 'payload'])
      .where('name', '=', 'record.failed')
      .orderBy('id')
      .execute()) as unknown as EventRow[];
    expect(rows.slice(failedBefore.length)).toEqual([
      {
        name: 'record.failed',
        payload: {
          cin7CustomerId: link.cin7CustomerId,
          cin7ContactId: null,
          ghlContactId: ghlId(link),
          failureId: null,
          stage: 'update',
          code: 'cin7_rejected',
          error: expect.stringMatching(/^Cin7 refused the GHL → Cin7 write of customer /),
          runId: null,
          at: expect.any(String),
        },
      },
    ]);
  }, 60_000);
});
