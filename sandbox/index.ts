/**
 * Both emulators together, as `cin7-ghl sandbox` and `npm start` run them: a Cin7 Core sandbox with
 * seeded customers and sales, and a GHL sandbox whose pre-existing contacts partly match those
 * customers (by email, or by phone only), the way a business that already used both tools looks.
 */
import { type Cin7Sandbox, type Cin7SandboxOptions, startCin7Sandbox } from './cin7/index.js';
import type { Cin7Customer } from './cin7/types.js';
import { type GhlSandbox, type GhlSandboxOptions, startGhlSandbox } from './ghl/index.js';
import type { SeedPerson } from './ghl/types.js';
import { Rng } from './shared/rng.js';

export interface SandboxesOptions {
  seed?: number;
  ghl?: Omit<GhlSandboxOptions, 'contacts' | 'seed'>;
  cin7?: Omit<Cin7SandboxOptions, 'seed'>;
  /**
   * Pre-existing GHL contacts. About 40% of them are Cin7 people (half matching by email, half by
   * phone only, with no email); the rest are unrelated. Default 0.
   */
  ghlContacts?: number;
}

export interface Sandboxes {
  ghl: GhlSandbox;
  cin7: Cin7Sandbox;
  /** The pre-existing GHL contacts made from Cin7 people, and how they match. */
  matches: Array<{
    ghlContactId: string;
    cin7CustomerId: string;
    cin7ContactId: string;
    by: 'email' | 'phone';
  }>;
  /** The ready line of `cin7-ghl sandbox`: `{ ghl: {...}, cin7: {...} }`. */
  readyInfo(): { ghl: ReturnType<GhlSandbox['readyInfo']>; cin7: ReturnType<Cin7Sandbox['readyInfo']> };
  close(): Promise<void>;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[a-z]{2,}$/i;

/**
 * Starts both sandboxes on loopback.
 *
 * @example
 * const sb = await startSandboxes({ cin7: { customers: 150, salesPerCustomer: 3 }, ghlContacts: 40 });
 * console.log(JSON.stringify(sb.readyInfo()));
 */
export async function startSandboxes(options: SandboxesOptions = {}): Promise<Sandboxes> {
  const seed = options.seed ?? 1;
  const cin7 = await startCin7Sandbox({ ...options.cin7, seed });
  let ghl: GhlSandbox;
  try {
    const total = options.ghlContacts ?? 0;
    const people = matchingPeople(cin7.customers(), Math.floor(total * 0.4), new Rng(seed ^ 0x5eed));
    ghl = await startGhlSandbox({ ...options.ghl, seed, contacts: total - people.length });
    const ids = ghl.seedContacts(people.map((p) => p.person));
    const matches = people.map((p, i) => ({ ghlContactId: ids[i] as string, ...p.link }));
    return {
      ghl,
      cin7,
      matches,
      readyInfo: () => ({ ghl: ghl.readyInfo(), cin7: cin7.readyInfo() }),
      close: async () => {
        await Promise.all([ghl.close(), cin7.close()]);
      },
    };
  } catch (e) {
    await cin7.close();
    throw e;
  }
}

interface MatchingPerson {
  person: SeedPerson;
  link: { cin7CustomerId: string; cin7ContactId: string; by: 'email' | 'phone' };
}

/** Picks `count` Cin7 contacts with a usable email (even picks) or phone (odd picks, no email kept). */
function matchingPeople(customers: Cin7Customer[], count: number, rng: Rng): MatchingPerson[] {
  const candidates = customers.flatMap((customer) =>
    customer.Status === 'Active'
      ? customer.Contacts.filter((c) => (c.Email && EMAIL.test(c.Email)) || c.Phone || c.MobilePhone).map(
          (contact) => ({ customer, contact }),
        )
      : [],
  );
  const out: MatchingPerson[] = [];
  const used = new Set<string>();
  while (out.length < count && used.size < candidates.length) {
    const pick = candidates[rng.int(0, candidates.length - 1)]!;
    if (used.has(pick.contact.ID)) continue;
    used.add(pick.contact.ID);
    const [firstName = pick.contact.Name, ...rest] = pick.contact.Name.split(' ');
    const phone = pick.contact.Phone ?? pick.contact.MobilePhone ?? undefined;
    const byEmail = out.length % 2 === 0 && pick.contact.Email !== null && EMAIL.test(pick.contact.Email);
    if (!byEmail && phone === undefined) continue;
    out.push({
      person: byEmail
        ? { firstName, lastName: rest.join(' '), email: pick.contact.Email as string }
        : { firstName, lastName: rest.join(' '), phone: phone as string },
      link: {
        cin7CustomerId: pick.customer.ID,
        cin7ContactId: pick.contact.ID,
        by: byEmail ? 'email' : 'phone',
      },
    });
  }
  return out;
}
