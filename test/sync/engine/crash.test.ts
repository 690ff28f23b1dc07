/**
 * A process SIGKILLed between a GHL write and its bookkeeping (a create whose answer came back but
 * whose link was never recorded; an update whose hashes were never stored) leaves a pending intent
 * or old hashes; the next run completes them through the upsert path and never makes a second
 * contact.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSync } from '../../../src/sync/engine/run.js';
import { allLinks } from '../../../src/sync/repo/links.js';
import { startChild } from '../../store/fixtures/child.js';
import { type Harness, listGhlContacts, startHarness } from './harness.js';

const fixture = path.resolve(import.meta.dirname, 'fixtures/crash-child.ts');

describe('SIGKILL between the GHL write and its bookkeeping', () => {
  let h: Harness;
  let preExisting: Set<string>;

  beforeAll(async () => {
    h = await startHarness({ customers: 60, salesPerCustomer: 1, ghlContacts: 10, seed: 11 });
    preExisting = new Set((await listGhlContacts(h.sb)).map((c) => c.id));
    // The child process owns the embedded store while it runs.
    await h.t.store.close();
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  });

  it('after a kill right after a create answered, the next run links that contact and creates no second one', async () => {
    const child = startChild(fixture, ['create', '12'], h.env);
    child.proc.stdin?.end();
    const line = await child.waitFor(/^killing /, 90_000);
    expect(await child.exited).toBe('SIGKILL');
    const [, , , ghlContactId, cin7ContactId] = line.split(' ');
    const countAfterKill = h.sb.ghl.control.contactCount();
    expect(countAfterKill).toBeGreaterThan(preExisting.size);

    const store = await h.t.reopen();
    const pending = (await allLinks(store.db, h.clients.locationId)).filter((l) => l.state === 'pending');
    expect(pending.map((l) => l.cin7ContactId)).toContain(cin7ContactId);

    const again = await runSync({ ...h.deps, store }, { concurrency: 4 });
    expect(again.status).not.toBe('failed');

    const links = await allLinks(store.db, h.clients.locationId);
    expect(links.filter((l) => l.state === 'pending')).toEqual([]);
    const killed = links.find((l) => l.cin7ContactId === cin7ContactId);
    expect(killed?.ghlContactId).toBe(ghlContactId);
    const created = links.filter((l) => !preExisting.has(l.ghlContactId as string));
    const all = await listGhlContacts(h.sb);
    expect(all.length).toBe(preExisting.size + created.length);
    expect(countAfterKill).toBeLessThanOrEqual(all.length);
    const ids = links.map((l) => l.ghlContactId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const l of links) {
      if (l.email)
        expect(all.filter((c) => c.email?.toLowerCase() === l.email).map((c) => c.id)).toEqual([
          l.ghlContactId,
        ]);
    }
    const audit = await store.db
      .selectFrom('audit')
      .select(['action', 'details'])
      .where('cin7_contact_id', '=', cin7ContactId as string)
      .execute();
    expect(audit.filter((a) => a.action === 'create')).toHaveLength(1);
    expect((audit.find((a) => a.action === 'create')?.details as { new?: boolean } | null)?.new).toBe(false);
    await store.close();
  }, 180_000);

  it('after a kill right after an update answered, the next run writes it again (same values) and then nothing', async () => {
    let store = await h.t.reopen();
    const links = (await allLinks(store.db, h.clients.locationId)).filter((l) => l.state === 'linked');
    const target = links[0];
    expect(target).toBeDefined();
    if (!target) return;
    await store.close();
    // A contact-only edit does not move LastModifiedOn in Cin7 (sandbox default): a customer edit does.
    h.sb.cin7.control.editContact(target.cin7CustomerId, target.cin7ContactId, { Name: 'Crash Test Rename' });
    h.sb.cin7.control.editCustomer(target.cin7CustomerId, { Comments: 'renamed a contact' });

    const child = startChild(fixture, ['update', '1'], h.env);
    child.proc.stdin?.end();
    const line = await child.waitFor(/^killing update/, 90_000);
    expect(await child.exited).toBe('SIGKILL');
    expect(line.split(' ')[3]).toBe(target.ghlContactId);
    const g = h.sb.ghl.control.contact(target.ghlContactId as string);
    expect(`${g?.firstName} ${g?.lastName}`).toBe('Crash Test Rename');

    store = await h.t.reopen();
    const stale = (await allLinks(store.db, h.clients.locationId)).find((l) => l.id === target.id);
    expect(stale?.hashes.firstName).toBe(target.hashes.firstName);
    const count = h.sb.ghl.control.contactCount();
    const again = await runSync({ ...h.deps, store }, { concurrency: 4 });
    expect(again.contactsUpdated).toBe(1);
    expect(again.contactsCreated).toBe(0);
    const third = await runSync({ ...h.deps, store }, { concurrency: 4 });
    expect(third.contactsUpdated + third.contactsCreated).toBe(0);
    expect(h.sb.ghl.control.contactCount()).toBe(count);
    await store.close();
  }, 180_000);
});
