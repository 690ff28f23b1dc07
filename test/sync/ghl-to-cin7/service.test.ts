/**
 * GHL → Cin7 in the service: both polls are scheduled every `sync.pollIntervalMinutes`; a GHL change
 * whose webhook was lost (delivery dropped) is caught by the next contact poll; a task change whose
 * webhook was lost by the next task poll (`sync.taskPolling`); our own writes are not taken for GHL
 * changes by the poll. The scheduled job (the worker the cron starts) does the same when GHL's search
 * index lags behind the change: the pass that runs before the index shows it finds nothing, the next
 * one does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ghlPollContactsJob,
  ghlPollTasksJob,
  pollContacts,
  pollTaskChanges,
} from '../../../src/sync/ghl-to-cin7/index.js';
import { listAudit } from '../../../src/sync/repo/audit.js';
import { type LinkRecord, allLinks } from '../../../src/sync/repo/links.js';
import { type G2cService, startG2cService } from './helpers.js';

let s: G2cService;
let links: LinkRecord[];

beforeAll(async () => {
  s = await startG2cService({
    customers: 10,
    salesPerCustomer: 0,
    seed: 29,
    timeScale: 100,
    polling: true,
    config: { 'sync.taskPolling': true, 'sync.pollIntervalMinutes': 10 },
  });
  links = (await allLinks(s.h.t.store.db, s.h.clients.locationId)).filter(
    (l) => l.state === 'linked' && s.h.sb.ghl.control.contact(l.ghlContactId as string)?.dnd === false,
  );
  if (links.length < 3) throw new Error(`only ${links.length} links without DND`);
  await s.settle();
}, 180_000);

afterAll(async () => {
  await s?.stop();
});

describe('GHL polls', () => {
  it('both polls are scheduled every sync.pollIntervalMinutes', async () => {
    for (const kind of [ghlPollContactsJob, ghlPollTasksJob]) {
      expect((await s.queue.schedules(kind)).map((x) => [x.cron, x.tz])).toEqual([['*/10 * * * *', 'UTC']]);
    }
  });

  it('a GHL change whose webhook was lost is caught by the next contact poll', async () => {
    const link = links[0] as LinkRecord;
    const ghlId = link.ghlContactId as string;
    // Our own writes since the service started are not GHL changes: the first poll queues nothing.
    expect((await pollContacts(s.deps)).queued).toBe(0);
    s.h.sb.ghl.control.set({ webhookUrl: null });
    s.h.sb.ghl.control.editContact(ghlId, { dnd: true });
    s.h.sb.ghl.control.set({ webhookUrl: s.ghlWebhookUrl });
    await s.settle();
    const consent = () =>
      s.h.sb.cin7.control.customer(link.cin7CustomerId)?.Contacts.find((c) => c.ID === link.cin7ContactId)
        ?.MarketingConsent;
    expect(consent()).not.toBe(3);
    expect(s.h.sb.ghl.control.deliveries().at(-1)).toMatchObject({
      type: 'ContactDndUpdate',
      state: 'skipped',
    });

    const r = await pollContacts(s.deps);
    expect(r.queued).toBe(1);
    await s.settle();
    expect(consent()).toBe(3);
    const [row] = await listAudit(s.h.t.store.db, { ghlContactId: ghlId, limit: 5 }).then((a) =>
      a.filter((x) => x.action === 'update'),
    );
    expect(row).toMatchObject({
      direction: 'ghl_to_cin7',
      cause: 'poll',
      fields: ['dnd'],
      after: { dnd: true },
    });
    // Seen once is enough: the next pass queues nothing.
    expect((await pollContacts(s.deps)).queued).toBe(0);
  }, 60_000);

  it('the scheduled contact poll job catches a lost change once the lagging search index shows it', async () => {
    const link = links[2] as LinkRecord;
    const ghlId = link.ghlContactId as string;
    const consent = () =>
      s.h.sb.cin7.control.customer(link.cin7CustomerId)?.Contacts.find((c) => c.ID === link.cin7ContactId)
        ?.MarketingConsent;
    // 200 s of index lag, scaled by the harness's timeScale (100): 2 s.
    s.h.sb.ghl.control.set({ searchLagMs: 200_000, webhookUrl: null });
    try {
      s.h.sb.ghl.control.editContact(ghlId, { dnd: true });
      s.h.sb.ghl.control.set({ webhookUrl: s.ghlWebhookUrl });
      await s.queue.send(ghlPollContactsJob, { reason: 'schedule' });
      await s.settle();
      expect(consent()).not.toBe(3);
      await new Promise((r) => setTimeout(r, 2_100));
      await s.queue.send(ghlPollContactsJob, { reason: 'schedule' });
      await s.settle();
      expect(consent()).toBe(3);
      const [row] = await listAudit(s.h.t.store.db, { ghlContactId: ghlId, limit: 5 }).then((a) =>
        a.filter((x) => x.action === 'update'),
      );
      expect(row).toMatchObject({ direction: 'ghl_to_cin7', cause: 'poll', fields: ['dnd'] });
    } finally {
      s.h.sb.ghl.control.set({ searchLagMs: 0, webhookUrl: s.ghlWebhookUrl });
    }
  }, 60_000);

  it('a task change whose webhook was lost is caught by the next task poll', async () => {
    const link = links[1] as LinkRecord;
    const ghlId = link.ghlContactId as string;
    const first = await pollTaskChanges(s.deps);
    expect(first.baseline).toBe(true);
    expect(first.changedContacts).toEqual([]);
    s.h.sb.ghl.control.set({ webhookUrl: null });
    s.h.sb.ghl.control.addTask(ghlId, {
      title: 'Call about the renewal',
      dueDate: '2032-05-06T00:00:00.000Z',
    });
    s.h.sb.ghl.control.set({ webhookUrl: s.ghlWebhookUrl });
    await s.settle();
    expect(s.h.sb.cin7.control.customer(link.cin7CustomerId)?.Comments ?? '').not.toContain('renewal');

    const r = await pollTaskChanges(s.deps);
    expect(r.changedContacts).toEqual([ghlId]);
    await s.settle();
    expect(s.h.sb.cin7.control.customer(link.cin7CustomerId)?.Comments).toContain(
      'Open tasks (1):\n- [due 2032-05-06] Call about the renewal',
    );
    const [row] = await listAudit(s.h.t.store.db, { cin7CustomerId: link.cin7CustomerId, limit: 1 });
    expect(row).toMatchObject({ action: 'profile', cause: 'poll' });
    expect((await pollTaskChanges(s.deps)).changedContacts).toEqual([]);
  }, 60_000);
});
