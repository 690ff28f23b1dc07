/**
 * The unified customer profile, as the engine stores it: the Cin7 customer with contacts and
 * addresses, aggregates and rule tags, the linked GHL contact, its notes and tasks (read back after a
 * write; a contact just created has none, and none are read), and the last change on each side.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallCounter } from '../../../src/http/counter.js';
import { findProfiles, profileText } from '../../../src/sync/profile/read.js';
import { allLinks } from '../../../src/sync/repo/links.js';
import { type Harness, startHarness } from '../engine/harness.js';

describe('unified customer profile', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({
      customers: 10,
      salesPerCustomer: 3,
      ghlContacts: 0,
      seed: 51,
      rulesYaml: 'rules:\n  - { tag: "lifecycle:{stage}" }\n',
    });
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  });

  it('after a create: the upsert answer, no notes or tasks read (there can be none)', async () => {
    const before = h.clients.counter.snapshot();
    const r = await h.run();
    expect(r.contactsCreated).toBeGreaterThan(3);
    const used = CallCounter.diff(before, h.clients.counter.snapshot()).calls;
    expect(used.filter((c) => c.operation === 'ghl.contacts.notes.list')).toEqual([]);
    expect(used.filter((c) => c.operation === 'ghl.contacts.tasks.list')).toEqual([]);
    const link = (await allLinks(h.t.store.db, h.clients.locationId))[0];
    const [profile] = await findProfiles(h.t.store, link?.cin7CustomerId as string, {
      locationId: h.clients.locationId,
    });
    const cin7 = h.sb.cin7.control.customer(link?.cin7CustomerId as string);
    expect(profile?.cin7CustomerId).toBe(cin7?.ID);
    expect(profile?.cin7.Contacts.map((c) => c.ID)).toEqual(cin7?.Contacts.map((c) => c.ID));
    expect(profile?.cin7.Addresses).toHaveLength(cin7?.Addresses.length ?? -1);
    const contact = profile?.contacts.find((c) => c.cin7ContactId === link?.cin7ContactId);
    expect(contact).toMatchObject({
      ghlContactId: link?.ghlContactId,
      linkState: 'linked',
      notes: [],
      tasks: [],
    });
    expect(contact?.ghl?.id).toBe(link?.ghlContactId);
    expect(profile?.aggregates?.orderCount).toBeGreaterThanOrEqual(0);
    expect(profile?.ruleTags).toEqual([`lifecycle:${profile?.aggregates?.lifecycleStage}`]);
    expect(profile?.lastChange.cin7).toBe(cin7?.LastModifiedOn);
    expect(profile?.lastChange.ghl).not.toBeNull();
  });

  it('after a write to an existing contact: its notes and tasks are read back into the profile', async () => {
    const link = (await allLinks(h.t.store.db, h.clients.locationId))[0];
    if (!link?.ghlContactId) throw new Error('no link');
    h.sb.ghl.control.addNote(link.ghlContactId, { body: 'Called about the March order' });
    h.sb.ghl.control.addTask(link.ghlContactId, { title: 'Send the new price list' });
    h.sb.cin7.control.editCustomer(link.cin7CustomerId, { Comments: 'touch' });
    h.sb.cin7.control.editContact(link.cin7CustomerId, link.cin7ContactId, {
      Website: 'https://profile.example.com',
    });
    h.sb.cin7.control.editCustomer(link.cin7CustomerId, { Comments: 'website changed' });
    const r = await h.run();
    expect(r.contactsUpdated).toBe(1);
    const contactEmail = link.email;
    const [profile] = await findProfiles(h.t.store, contactEmail ?? link.cin7CustomerId, {
      locationId: h.clients.locationId,
    });
    const contact = profile?.contacts.find((c) => c.cin7ContactId === link.cin7ContactId);
    expect(contact?.notes?.map((n) => n.body)).toEqual(['Called about the March order']);
    expect(contact?.tasks?.map((t) => [t.title, t.completed])).toEqual([['Send the new price list', false]]);
    expect(contact?.ghl?.website).toBe('https://profile.example.com');
    const text = profileText(profile as NonNullable<typeof profile>);
    expect(text).toContain('Notes: 1 (latest: Called about the March order)');
    expect(text).toContain('Tasks: 1 (1 open)');
  });

  it('a later run that does not write keeps the notes and tasks already read', async () => {
    const link = (await allLinks(h.t.store.db, h.clients.locationId))[0];
    h.sb.cin7.control.editCustomer(link?.cin7CustomerId as string, { Comments: 'no mapped change' });
    const r = await h.run();
    expect(r.contactsUpdated).toBe(0);
    const [profile] = await findProfiles(h.t.store, link?.cin7CustomerId as string);
    const contact = profile?.contacts.find((c) => c.cin7ContactId === link?.cin7ContactId);
    expect(contact?.notes).toHaveLength(1);
    expect(contact?.tasks).toHaveLength(1);
  });
});
