import { Rng } from '../shared/rng.js';
import { normalizeTags } from './contact-input.js';
import type { GhlStore } from './store.js';
import type {
  AppointmentRecord,
  BusinessRecord,
  ContactRecord,
  CustomFieldDefinition,
  NoteRecord,
  SeedPerson,
  TaskRecord,
} from './types.js';
import { normalizePhone } from './validate.js';

/**
 * Deterministic seeded data: the same seed gives the same location, ids and contacts on every
 * machine. Independent generators per purpose, so asking for more contacts does not change the
 * location's ids.
 */
export const SEED_EPOCH = Date.UTC(2025, 0, 1);
const DAY = 24 * 60 * 60 * 1000;

const FIRST = [
  'Olivia',
  'Liam',
  'Emma',
  'Noah',
  'Ava',
  'Oliver',
  'Sophia',
  'Elijah',
  'Isabella',
  'James',
  'Mia',
  'William',
  'Amelia',
  'Benjamin',
  'Harper',
  'Lucas',
  'Evelyn',
  'Henry',
  'Abigail',
  'Theodore',
  'Aroha',
  'Wiremu',
  'Priya',
  'Arjun',
  'Mei',
  'Hiro',
  'Fatima',
  'Omar',
  'Chloe',
  'Jack',
  'Ruby',
  'Leo',
  'Grace',
  'Max',
  'Zoe',
  'Sam',
  'Ella',
  'Finn',
  'Lily',
  'Kai',
];
const LAST = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Garcia',
  'Miller',
  'Davis',
  'Martinez',
  'Lopez',
  'Wilson',
  'Anderson',
  'Thomas',
  'Taylor',
  'Moore',
  'Jackson',
  'Martin',
  'Lee',
  'Thompson',
  'White',
  'Harris',
  'Clark',
  'Lewis',
  'Walker',
  'Hall',
  'Young',
  'King',
  'Wright',
  'Scott',
  'Green',
  'Baker',
  'Adams',
  'Nelson',
  'Hill',
  'Campbell',
  'Mitchell',
  'Roberts',
  'Carter',
  'Phillips',
  'Evans',
];
const DOMAINS = ['example.com', 'example.net', 'example.org'];
const PLACES: [string, string, string][] = [
  ['Austin', 'TX', '737'],
  ['Denver', 'CO', '303'],
  ['Portland', 'OR', '503'],
  ['Chicago', 'IL', '312'],
  ['Boston', 'MA', '617'],
  ['Seattle', 'WA', '206'],
  ['Atlanta', 'GA', '404'],
  ['Miami', 'FL', '305'],
  ['Phoenix', 'AZ', '602'],
  ['Nashville', 'TN', '615'],
];
const STREETS = [
  'Main St',
  'Oak Ave',
  'Pine Rd',
  'Maple Dr',
  'Cedar Ln',
  'Elm St',
  'Lake View Rd',
  'Hill St',
];
const COMPANIES = [
  'Acme Supplies',
  'Blue Fern Cafe',
  'Northwind Traders',
  'Kauri Outfitters',
  'Summit Hardware',
  'Harbour Florist',
  'Copper Kettle',
  'Riverbend Farm',
  'Urban Threads',
  'Silver Fern Retail',
];
const TAGS = ['customer', 'lead', 'vip', 'newsletter', 'wholesale', 'retail', 'lapsed', 'event 2024'];
const SOURCES = ['public api', 'website', 'import', 'manual', 'facebook form'];
const NOTE_BODIES = [
  'Called about the spring catalogue.',
  'Prefers email over phone.',
  'Asked for a wholesale quote.',
  'Met at the trade show.',
];
const TASK_TITLES = [
  'Follow up on quote',
  'Send catalogue',
  'Call back about order',
  'Check delivery address',
];

export interface SeededLocation {
  locationId: string;
  locationName: string;
  companyId: string;
  appId: string;
  clientId: string;
  userId: string;
  campaignId: string;
  workflowId: string;
}

const hex = (rng: Rng, n: number): string =>
  Array.from({ length: n }, () => rng.int(0, 15).toString(16)).join('');
const alnum = (rng: Rng, n: number): string => rng.ghlId().slice(0, n).toLowerCase();

/** The location, its users, businesses, custom fields, campaigns and workflows. */
export function seedLocation(store: GhlStore | null, seed: number): SeededLocation {
  const rng = new Rng(seed);
  const locationId = rng.ghlId();
  const companyId = rng.ghlId();
  const appId = hex(rng, 24);
  const clientId = `${appId}-${alnum(rng, 8)}`;
  const users = [rng.ghlId(), rng.ghlId(), rng.ghlId()];
  const campaigns = [rng.ghlId(), rng.ghlId()];
  const workflows = [rng.guid(), rng.guid()];
  const names = ['Harbourside Goods', 'Kowhai Wholesale', 'Pinecrest Supply', 'Tui Trading Co'];
  const locationName = rng.pick(names);
  const out: SeededLocation = {
    locationId,
    locationName,
    companyId,
    appId,
    clientId,
    userId: users[0] as string,
    campaignId: campaigns[0] as string,
    workflowId: workflows[0] as string,
  };
  if (!store) return out;
  store.users.push(...users);
  for (const [i, id] of campaigns.entries()) {
    store.campaigns.set(id, { id, name: `Campaign ${i + 1}`, members: new Set() });
  }
  for (const [i, id] of workflows.entries()) {
    store.workflows.set(id, { id, name: `Workflow ${i + 1}`, members: new Set() });
  }
  for (let i = 0; i < 5; i++) {
    const t = SEED_EPOCH - rng.int(30, 400) * DAY;
    const name = COMPANIES[i] as string;
    const b: BusinessRecord = {
      id: hex(rng, 24),
      locationId,
      name,
      email: `hello@${name.toLowerCase().replace(/[^a-z]+/g, '')}.example.com`,
      city: (PLACES[i] as [string, string, string])[0],
      country: 'US',
      createdAt: t,
      updatedAt: t,
    };
    store.businesses.set(b.id, b);
  }
  const fields: [string, string, string, string[]][] = [
    ['Customer Code', 'contact.customer_code', 'TEXT', []],
    ['Lifetime Spend', 'contact.lifetime_spend', 'MONETORY', []],
    ['Lifecycle Stage', 'contact.lifecycle_stage', 'SINGLE_OPTIONS', ['lead', 'customer', 'vip', 'lapsed']],
    ['Interests', 'contact.interests', 'MULTIPLE_OPTIONS', ['indoor', 'outdoor', 'gifts']],
    ['Last Order Date', 'contact.last_order_date', 'DATE', []],
    ['Deal Notes', 'opportunity.deal_notes', 'LARGE_TEXT', []],
  ];
  fields.forEach(([name, fieldKey, dataType, picklistOptions], position) => {
    const f: CustomFieldDefinition = {
      id: rng.ghlId(),
      name,
      fieldKey,
      placeholder: name,
      dataType,
      position,
      picklistOptions,
      model: fieldKey.startsWith('contact.') ? 'contact' : 'opportunity',
    };
    store.customFields.push(f);
  });
  return out;
}

/** `count` random pre-existing contacts with some notes, tasks and appointments. */
export function seedContacts(store: GhlStore, seed: number, count: number): void {
  const rng = new Rng((seed ^ 0x5eed5eed) >>> 0);
  const businesses = [...store.businesses.keys()];
  const customerCode = store.customFields[0];
  const records: ContactRecord[] = [];
  for (let i = 0; i < count; i++) {
    const firstName = rng.pick(FIRST);
    const lastName = rng.pick(LAST);
    const place = rng.pick(PLACES);
    const dateAdded = SEED_EPOCH - rng.int(1, 730 * 24 * 60) * 60_000;
    const dateUpdated = dateAdded + rng.int(0, Math.floor((SEED_EPOCH - dateAdded) / 60_000)) * 60_000;
    const rec: Record<string, unknown> = {
      id: rng.ghlId(),
      locationId: store.locationId,
      firstName,
      lastName,
      type: 'lead',
      dnd: rng.chance(0.05),
      source: rng.pick(SOURCES),
      tags: normalizeTags(Array.from({ length: rng.int(0, 3) }, () => rng.pick(TAGS))),
      customFields: [],
      followers: [],
      dateAdded,
      dateUpdated,
    };
    if (rng.chance(0.85)) rec.email = `${firstName}.${lastName}${i}@${rng.pick(DOMAINS)}`.toLowerCase();
    // Unique by construction: 2,000,000 + i is a valid exchange/line for the first 8 million contacts.
    if (rng.chance(0.7)) rec.phone = `+1${place[2]}${2_000_000 + i}`;
    if (rng.chance(0.4)) rec.companyName = rng.pick(COMPANIES);
    if (rng.chance(0.6)) {
      rec.address1 = `${rng.int(1, 999)} ${rng.pick(STREETS)}`;
      rec.city = place[0];
      rec.state = place[1];
      rec.postalCode = String(rng.int(10000, 99999));
      rec.country = 'US';
    }
    if (rng.chance(0.1) && businesses.length > 0) rec.businessId = rng.pick(businesses);
    if (rng.chance(0.3)) rec.assignedTo = rng.pick(store.users);
    if (rng.chance(0.2) && customerCode)
      rec.customFields = [{ id: customerCode.id, value: `C${100000 + i}` }];
    const contact = rec as unknown as ContactRecord;
    records.push(contact);
    seedActivity(store, rng, contact);
  }
  store.loadContacts(records);
}

function seedActivity(store: GhlStore, rng: Rng, c: ContactRecord): void {
  if (rng.chance(0.15)) {
    for (let n = rng.int(1, 2); n > 0; n--) {
      const note: NoteRecord = {
        id: rng.ghlId(),
        contactId: c.id,
        body: rng.pick(NOTE_BODIES),
        userId: rng.pick(store.users),
        pinned: false,
        dateAdded: c.dateAdded + rng.int(1, 1000) * 60_000,
      };
      store.putNote(note);
    }
  }
  if (rng.chance(0.1)) {
    for (let n = rng.int(1, 2); n > 0; n--) {
      const added = c.dateAdded + rng.int(1, 1000) * 60_000;
      const task: TaskRecord = {
        id: rng.ghlId(),
        contactId: c.id,
        title: rng.pick(TASK_TITLES),
        body: 'Created by the seeded sandbox.',
        assignedTo: rng.pick(store.users),
        dueDate: new Date(added + rng.int(1, 30) * DAY).toISOString(),
        completed: rng.chance(0.3),
        dateAdded: added,
        dateUpdated: added,
      };
      store.putTask(task);
    }
  }
  if (rng.chance(0.05)) {
    const start = new Date(c.dateAdded + rng.int(1, 60) * DAY);
    const fmt = (d: Date): string => d.toISOString().slice(0, 19).replace('T', ' ');
    const appt: AppointmentRecord = {
      id: rng.ghlId(),
      calendarId: rng.ghlId(),
      contactId: c.id,
      title: 'Showroom visit',
      status: rng.pick(['booked', 'confirmed', 'showed']),
      assignedUserId: rng.pick(store.users),
      notes: 'Seeded appointment.',
      address: 'Showroom',
      startTime: fmt(start),
      endTime: fmt(new Date(start.getTime() + 30 * 60_000)),
      dateAdded: fmt(new Date(c.dateAdded)),
      dateUpdated: fmt(new Date(c.dateAdded)),
    };
    store.appointments.set(c.id, [appt]);
  }
}

/** Pre-existing contacts for given people (e.g. matching Cin7 customers); returns their ids. */
export function seedPeople(store: GhlStore, rng: Rng, people: SeedPerson[], now: number): string[] {
  const records: ContactRecord[] = people.map((p, i) => {
    const rec: Record<string, unknown> = {
      id: rng.ghlId(),
      locationId: store.locationId,
      firstName: p.firstName,
      lastName: p.lastName,
      type: 'lead',
      dnd: false,
      source: 'import',
      tags: [],
      customFields: [],
      followers: [],
      dateAdded: now - (people.length - i),
      dateUpdated: now - (people.length - i),
    };
    if (p.email) rec.email = p.email.trim();
    if (p.phone) rec.phone = normalizePhone(p.phone) ?? p.phone;
    if (p.companyName) rec.companyName = p.companyName;
    return rec as unknown as ContactRecord;
  });
  store.loadContacts(records);
  return records.map((r) => r.id);
}
