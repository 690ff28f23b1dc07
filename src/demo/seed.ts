/**
 * What the demo does "as a user" in the sandboxes so the dashboard has something to show: notes and
 * tasks on some GHL contacts that match Cin7 customers (the sync reads them back into the unified
 * profiles), and one conflict — the same field changed on both sides after the initial sync, left
 * open by a reconciliation with the `manual` policy.
 */
import type { Sandboxes } from '../../sandbox/index.js';
import type { Store } from '../store/open.js';

const NOTES = [
  'Called about the spring order: wants samples of the new range.',
  'Prefers invoices by email; accounts contact is on leave until Monday.',
  'Met at the trade show. Interested in wholesale pricing.',
  'Asked for a quote on 200 units, delivery before the end of the month.',
];

const TASKS = [
  'Send the new catalogue',
  'Follow up on the quote',
  'Check the delivery address',
  'Book a demo call',
];

/**
 * Adds a note and a task (a second note on every other one) to the first `count` pre-existing GHL
 * contacts that match a Cin7 customer by email. Answers the GHL contact ids.
 *
 * @example
 * const ids = seedNotesAndTasks(sandboxes, 12);
 */
export function seedNotesAndTasks(sb: Sandboxes, count: number): string[] {
  const picked = sb.matches.filter((m) => m.by === 'email').slice(0, count);
  const day = 86_400_000;
  picked.forEach((m, i) => {
    sb.ghl.control.addNote(m.ghlContactId, { body: NOTES[i % NOTES.length] as string });
    if (i % 2 === 0)
      sb.ghl.control.addNote(m.ghlContactId, { body: NOTES[(i + 1) % NOTES.length] as string });
    sb.ghl.control.addTask(m.ghlContactId, {
      title: TASKS[i % TASKS.length] as string,
      body: 'Created by the demo as a GHL user.',
      dueDate: new Date(Date.now() + (i + 1) * day).toISOString(),
      completed: i % 3 === 2,
    });
  });
  return picked.map((m) => m.ghlContactId);
}

export interface ConflictSeed {
  cin7CustomerId: string;
  ghlContactId: string;
  cin7Value: string;
  ghlValue: string;
}

/**
 * Changes the city of one linked record on both sides (every address of the Cin7 customer, and the
 * GHL contact), as two users would. The caller then runs a reconciliation with the `manual` policy.
 * Null when no linked record with an address exists.
 *
 * @example
 * const seed = await editBothSides(store, sandboxes);
 */
export async function editBothSides(store: Store, sb: Sandboxes): Promise<ConflictSeed | null> {
  const links = await store.db
    .selectFrom('links')
    .select(['cin7_customer_id', 'ghl_contact_id'])
    .where('state', '=', 'linked')
    .where('ghl_contact_id', 'is not', null)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('failures')
            .select('id')
            .whereRef('failures.cin7_customer_id', '=', 'links.cin7_customer_id')
            .where('failures.status', '=', 'open'),
        ),
      ),
    )
    .orderBy('id')
    .limit(50)
    .execute();
  // One contact per customer keeps the conflict to one record.
  const counts = new Map<string, number>();
  for (const l of links) counts.set(l.cin7_customer_id, (counts.get(l.cin7_customer_id) ?? 0) + 1);
  for (const l of links) {
    if (counts.get(l.cin7_customer_id) !== 1 || !l.ghl_contact_id) continue;
    const customer = sb.cin7.control.customer(l.cin7_customer_id);
    if (!customer || customer.Addresses.length === 0 || customer.Status !== 'Active') continue;
    const seed: ConflictSeed = {
      cin7CustomerId: l.cin7_customer_id,
      ghlContactId: l.ghl_contact_id,
      cin7Value: 'Springfield',
      ghlValue: 'Shelbyville',
    };
    for (const a of customer.Addresses) {
      sb.cin7.control.editAddress(l.cin7_customer_id, a.ID, { City: seed.cin7Value });
    }
    sb.ghl.control.editContact(l.ghl_contact_id, { city: seed.ghlValue });
    return seed;
  }
  return null;
}
