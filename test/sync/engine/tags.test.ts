/**
 * Tag rules through the real engine, against the sandboxes: tags go into the create body; a
 * customer entering a segment (new sales in Cin7) gets the tag with one add call; leaving it (a sale
 * voided) loses it with one removal call; a template tag follows its field; tags no rule owns — added
 * by GHL users — are never touched; the run costs exactly the formula's calls.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallCounter } from '../../../src/http/counter.js';
import { allLinks } from '../../../src/sync/repo/links.js';
import { type Harness, startHarness } from './harness.js';

const RULES = `
rules:
  - name: repeat buyer
    tag: repeat-buyer
    when: { orderCount: { gte: 2 } }
  - name: price tier
    tag: "tier:{priceTier}"
`;

describe('tag rules applied by the engine', () => {
  let h: Harness;
  let customerId: string;
  let contactId: string;
  let ghlId: string;
  const tagsOf = () => [...(h.sb.ghl.control.contact(ghlId)?.tags ?? [])].sort();

  beforeAll(async () => {
    h = await startHarness({
      customers: 12,
      salesPerCustomer: 0,
      ghlContacts: 0,
      seed: 21,
      rulesYaml: RULES,
    });
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  });

  it('a new contact is created with its rule tags in the body', async () => {
    const first = await h.run();
    expect(first.contactsCreated).toBeGreaterThan(5);
    const links = await allLinks(h.t.store.db, h.clients.locationId);
    const link = links.find((l) => {
      const c = h.sb.cin7.control.customer(l.cin7CustomerId);
      return c?.PriceTier === 'Tier 1';
    });
    expect(link).toBeDefined();
    if (!link) return;
    customerId = link.cin7CustomerId;
    contactId = link.cin7ContactId;
    ghlId = link.ghlContactId as string;
    expect(tagsOf()).toEqual(['tier:tier 1']);
    // The create carried the tags: no tag call was made.
    expect(first.minimumCalls.ghl).toBe(first.contactsCreated + 0);
  });

  it('entering a segment adds the tag with one call; tags people added in GHL stay', async () => {
    h.sb.ghl.control.editContact(ghlId, { tags: [...tagsOf(), 'newsletter', 'VIP Lounge'] });
    expect(tagsOf()).toEqual(['newsletter', 'tier:tier 1', 'vip lounge']);
    h.sb.cin7.control.createSale({ CustomerID: customerId, Status: 'ORDERED' });
    h.sb.cin7.control.createSale({ CustomerID: customerId, Status: 'COMPLETED' });
    const before = h.clients.counter.snapshot();
    const r = await h.run();
    expect(r.contactsUpdated).toBe(1);
    expect(tagsOf()).toEqual(['newsletter', 'repeat-buyer', 'tier:tier 1', 'vip lounge']);
    const used = CallCounter.diff(before, h.clients.counter.snapshot()).calls.filter((c) => c.api === 'ghl');
    const byOp = Object.fromEntries(used.map((c) => [c.operation, c.count]));
    expect(byOp).toEqual({
      'ghl.contacts.tags.add': 1,
      'ghl.contacts.get': 1,
      'ghl.contacts.notes.list': 1,
      'ghl.contacts.tasks.list': 1,
    });
    expect(r.calls.ghl).toBe(r.minimumCalls.ghl);
  });

  it('leaving the segment removes only that tag', async () => {
    const rows = (await h.t.store.db
      .selectFrom('sales')
      .select(['sale_id', 'status'])
      .where('cin7_customer_id', '=', customerId)
      .execute()) as Array<{ sale_id: string; status: string | null }>;
    expect(rows).toHaveLength(2);
    h.sb.cin7.control.voidSale(rows[0]?.sale_id as string);
    const r = await h.run();
    expect(r.contactsUpdated).toBe(1);
    expect(tagsOf()).toEqual(['newsletter', 'tier:tier 1', 'vip lounge']);
    const audit = await h.t.store.db
      .selectFrom('audit')
      .select(['details'])
      .where('cin7_contact_id', '=', contactId)
      .where('action', '=', 'tags')
      .orderBy('id', 'desc')
      .executeTakeFirst();
    expect(audit?.details).toEqual({ added: [], removed: ['repeat-buyer'] });
  });

  it('a template tag follows its field: the old one is removed and the new one added', async () => {
    h.sb.cin7.control.editCustomer(customerId, { PriceTier: 'Wholesale' });
    const r = await h.run();
    expect(r.contactsUpdated).toBe(1);
    expect(tagsOf()).toEqual(['newsletter', 'tier:wholesale', 'vip lounge']);
    // One add and one removal call, then the read-backs; nothing else.
    expect(r.calls.ghl).toBe(2 + 3);
    expect(r.minimumCalls.ghl).toBe(5);
  });

  it('a run with nothing changed touches no tag', async () => {
    h.sb.ghl.control.editContact(ghlId, { tags: [...tagsOf(), 'another-user-tag'] });
    const r = await h.run({ full: true });
    expect(r.contactsUpdated + r.contactsCreated).toBe(0);
    expect(tagsOf()).toEqual(['another-user-tag', 'newsletter', 'tier:wholesale', 'vip lounge']);
  });
});
