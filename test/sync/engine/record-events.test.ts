/**
 * The engine's product events, one per record, in the transaction of the write: a customer synced
 * to GHL yields one `record.synced` (created, then updated when a field changes in Cin7; nothing when
 * nothing changed); a contact that fails alone yields one `record.failed` naming its failure row.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listFailures } from '../../../src/sync/repo/failures.js';
import { allLinks } from '../../../src/sync/repo/links.js';
import { CUSTOMER_DEFAULTS } from './cli-workspace.js';
import { type Harness, startHarness } from './harness.js';

interface EventRow {
  name: string;
  payload: Record<string, unknown>;
}

describe('record.synced and record.failed from the Cin7 → GHL engine', () => {
  let h: Harness;
  let good: { customer: string; contact: string };
  let bad: { customer: string; contact: string };

  const customer = (name: string, contact: Record<string, unknown>) => {
    const c = h.sb.cin7.control.createCustomer({
      ...CUSTOMER_DEFAULTS,
      Name: name,
      Contacts: [{ Default: true, ...contact }],
      Addresses: [
        {
          Line1: '1 Test Street',
          City: 'Austin',
          State: 'TX',
          Postcode: '78701',
          Country: 'United States',
          Type: 'Billing',
          DefaultForType: true,
        },
      ],
    });
    return { customer: c.ID, contact: c.Contacts[0]?.ID ?? '' };
  };

  /** The events about one Cin7 customer, oldest first. */
  const eventsOf = async (customerId: string): Promise<EventRow[]> => {
    const rows = await h.t.store.db
      .selectFrom('product_events')
      .select(['name', 'payload'])
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return (rows as unknown as EventRow[]).filter((r) => r.payload.cin7CustomerId === customerId);
  };

  beforeAll(async () => {
    h = await startHarness({ customers: 2, salesPerCustomer: 0, ghlContacts: 0, seed: 73 });
    good = customer('Event Good Ltd', {
      Name: 'Ivy Events',
      Email: 'ivy.events@example.com',
      Phone: '+1 512 555 0101',
    });
    bad = customer('Event Bad Ltd', { Name: 'Jon Broken', Email: 'jon.broken@', Phone: null });
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  });

  it('a created contact: one record.synced; a contact failing alone: one record.failed', async () => {
    const r = await h.run();
    expect(r.status).toBe('partial');
    const link = (await allLinks(h.t.store.db, h.clients.locationId)).find(
      (l) => l.cin7ContactId === good.contact,
    );
    expect(link?.ghlContactId).toBeTruthy();

    const synced = await eventsOf(good.customer);
    expect(synced).toHaveLength(1);
    expect(synced[0]?.name).toBe('record.synced');
    expect(synced[0]?.payload).toMatchObject({
      cin7CustomerId: good.customer,
      cin7ContactId: good.contact,
      ghlContactId: link?.ghlContactId,
      ghlLocationId: h.clients.locationId,
      action: 'created',
      direction: 'cin7_to_ghl',
      runId: r.runId,
    });
    expect(synced[0]?.payload.fields).toEqual(expect.arrayContaining(['email', 'phone', 'firstName']));

    const failed = await eventsOf(bad.customer);
    const [failure] = await listFailures(h.t.store.db, { customerId: bad.customer });
    expect(failed).toEqual([
      {
        name: 'record.failed',
        payload: {
          cin7CustomerId: bad.customer,
          cin7ContactId: bad.contact,
          ghlContactId: null,
          failureId: failure?.id,
          stage: 'map',
          code: 'invalid_email',
          error: failure?.error,
          runId: r.runId,
          at: expect.any(String),
        },
      },
    ]);
  });

  it('nothing changed: no event; a field changed in Cin7: one record.synced (updated, that field)', async () => {
    await h.run();
    expect(await eventsOf(good.customer)).toHaveLength(1);

    h.sb.cin7.control.editContact(good.customer, good.contact, { Phone: '+1 512 555 0199' });
    // A contact-only edit does not move LastModifiedOn in Cin7 (sandbox default): a customer edit does.
    h.sb.cin7.control.editCustomer(good.customer, { Comments: 'new phone' });
    const r = await h.run();
    expect(r.contactsUpdated).toBe(1);
    const events = await eventsOf(good.customer);
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({
      name: 'record.synced',
      payload: { action: 'updated', fields: ['phone'], cin7ContactId: good.contact, runId: r.runId },
    });
  });
});
