/**
 * Reading profiles for `cin7-ghl profile <cin7-id|email>` (and later the REST API): by Cin7
 * customer id, or by an email of one of its contacts. A customer read from Cin7 but not synced yet
 * gets a profile from its snapshot alone.
 */
import { InputError } from '../../errors/index.js';
import type { Store } from '../../store/open.js';
import { mapCustomer, normalizeEmail } from '../mapping/index.js';
import type { MappingConfig } from '../mapping/index.js';
import { customerIdsByEmail, getCustomerRecord } from '../repo/customers.js';
import { linksOfCustomer } from '../repo/links.js';
import { type CustomerProfile, buildProfile, readProfile } from './profile.js';

/**
 * The profiles matching `query` (a Cin7 customer id, or an email), with each contact's link state
 * as it stands now. Empty when nothing matches.
 *
 * @example
 * const [profile] = await findProfiles(store, 'jane@example.com', { locationId, mapping });
 */
export async function findProfiles(
  store: Store,
  query: string,
  options: { locationId?: string | null; mapping?: MappingConfig | null } = {},
): Promise<CustomerProfile[]> {
  const q = query.trim();
  if (q === '')
    throw new InputError('profile', 'no customer id or email given', 'pass a Cin7 customer id or an email');
  let ids: string[];
  if (q.includes('@')) {
    const e = normalizeEmail(q);
    const email = 'value' in e && e.value ? e.value : q.toLowerCase();
    const fromLinks = await store.db
      .selectFrom('links')
      .select('cin7_customer_id')
      .where('email', '=', email)
      .where('state', '<>', 'unlinked')
      .execute();
    ids = [
      ...new Set([
        ...fromLinks.map((r) => r.cin7_customer_id),
        ...(await customerIdsByEmail(store.db, email)),
      ]),
    ];
  } else ids = [q.toLowerCase()];
  const out: CustomerProfile[] = [];
  for (const id of ids) {
    const record = await getCustomerRecord(store.db, id);
    if (!record) continue;
    let profile = readProfile(record.profile);
    if (!profile) {
      const mapped = options.mapping ? mapCustomer(record.snapshot, options.mapping) : null;
      profile = buildProfile({
        customer: record.snapshot,
        aggregates: record.aggregates,
        ruleTags: record.ruleTags,
        ruleReasons: record.ruleReasons,
        contacts: [],
        previous: null,
        skipped: mapped?.skipped ?? [],
        business: null,
        cin7ChangedAt: record.cin7ModifiedAt,
        now: new Date(),
      });
    }
    if (options.locationId) {
      const links = new Map(
        (await linksOfCustomer(store.db, options.locationId, id)).map((l) => [l.cin7ContactId, l]),
      );
      profile = {
        ...profile,
        contacts: profile.contacts.map((c) => {
          const l = links.get(c.cin7ContactId);
          return l ? { ...c, linkState: l.state, ghlContactId: l.ghlContactId } : c;
        }),
      };
    }
    out.push(profile);
  }
  return out;
}

/** A profile as text for a person. */
export function profileText(p: CustomerProfile): string {
  const lines: string[] = [];
  lines.push(`${p.name} (Cin7 customer ${p.cin7CustomerId}, ${p.cin7.Status ?? 'unknown status'})`);
  const a = p.aggregates;
  if (a) {
    lines.push(
      `  Orders: ${a.orderCount}; lifetime spend ${a.lifetimeSpend}${a.currency ? ` ${a.currency}` : ''}; last order ${a.lastOrderDate ?? 'never'}; stage ${a.lifecycleStage}`,
    );
  }
  if (p.ruleTags.length > 0) lines.push(`  Rule tags: ${p.ruleTags.join(', ')}`);
  if (p.business) lines.push(`  GHL business: ${p.business.name} (${p.business.id})`);
  for (const c of p.contacts) {
    const g = c.ghl;
    lines.push(
      `  Contact ${c.contactName || c.cin7ContactId}: GHL ${c.ghlContactId ?? 'not linked'} (${c.linkState})`,
    );
    if (g) {
      const name = [g.firstName, g.lastName].filter(Boolean).join(' ');
      lines.push(`    ${[name, g.email, g.phone, g.companyName].filter(Boolean).join(' · ')}`);
      if (Array.isArray(g.tags) && g.tags.length > 0) lines.push(`    Tags: ${g.tags.join(', ')}`);
    }
    if (c.notes)
      lines.push(
        `    Notes: ${c.notes.length}${c.notes[0]?.body ? ` (latest: ${String(c.notes[0].body).slice(0, 80)})` : ''}`,
      );
    if (c.tasks) {
      const open = c.tasks.filter((t) => !t.completed).length;
      lines.push(`    Tasks: ${c.tasks.length} (${open} open)`);
    }
    for (const w of c.warnings) lines.push(`    Note: ${w}`);
  }
  for (const s of p.skipped)
    lines.push(`  Skipped: ${s.contactName || s.cin7ContactId || '(no contact)'}: ${s.reason}`);
  lines.push(`  Last change: Cin7 ${p.lastChange.cin7 ?? 'unknown'}, GHL ${p.lastChange.ghl ?? 'unknown'}`);
  return lines.join('\n');
}
