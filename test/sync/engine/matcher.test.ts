/**
 * Matching rules without a server: by email first; by phone only when nothing contradicts it (no
 * other email, the same name when the GHL contact has one); a phone held by someone else is reported,
 * so the engine never writes it to a second contact; every holder of a phone is known.
 */
import { describe, expect, it } from 'vitest';
import {
  type FoundContact,
  PrefetchMatcher,
  asContact,
  samePersonByPhone,
} from '../../../src/sync/engine/matcher.js';
import { type MappedContact, mapCustomer, parseMapping } from '../../../src/sync/mapping/index.js';
import { customer } from '../mapping/fixtures.js';

const mapping = parseMapping({});

function mapped(contact: { Name: string; Email?: string | null; Phone?: string | null }): MappedContact {
  const c = customer({
    n: 1,
    Name: contact.Name,
    Contacts: [{ Default: true, ...contact }],
    Addresses: [{ Line1: '1 Main Street', Country: 'United States' }],
  });
  const m = mapCustomer(c, mapping).contacts[0];
  if (!m) throw new Error('not mapped');
  return m;
}

const ghl = (id: string, fields: Partial<FoundContact>): FoundContact => ({ id, ...fields });

describe('matching', () => {
  const jane = mapped({ Name: 'Jane Doe', Email: 'Jane@Example.com', Phone: '(212) 555-0101' });
  const phoneOnly = mapped({ Name: 'Sam Lee', Phone: '(212) 555-0102' });

  it('by phone only when nothing contradicts: no other email, the same name when it has one', () => {
    expect(samePersonByPhone(ghl('a', { phone: '+12125550102' }), phoneOnly)).toBe(true);
    expect(
      samePersonByPhone(ghl('a', { phone: '+12125550102', firstName: 'sam', lastName: 'LEE' }), phoneOnly),
    ).toBe(true);
    expect(
      samePersonByPhone(ghl('a', { phone: '+12125550102', firstName: 'Kim', lastName: 'Lee' }), phoneOnly),
    ).toBe(false);
    expect(samePersonByPhone(ghl('a', { phone: '+12125550101', email: 'other@example.com' }), jane)).toBe(
      false,
    );
    expect(samePersonByPhone(ghl('a', { phone: '+12125550101', email: 'jane@example.com' }), jane)).toBe(
      true,
    );
    expect(
      samePersonByPhone(
        ghl('a', { phone: '+12125550102', email: 'sam@example.com', firstName: 'Sam', lastName: 'Lee' }),
        phoneOnly,
      ),
    ).toBe(true);
  });

  it('prefetch: email first, then an acceptable phone holder; other holders reported', async () => {
    const m = new PrefetchMatcher('US');
    m.add(ghl('byEmail', { email: 'JANE@example.com', phone: '+12125550199' }));
    m.add(ghl('switchboard', { firstName: 'Front', lastName: 'Desk', phone: '+12125550101' }));
    m.add(ghl('sam', { firstName: 'Sam', lastName: 'Lee', phone: '+12125550102' }));
    m.add(ghl('kim', { firstName: 'Kim', lastName: 'Lee', phone: '+12125550102' }));
    expect(m.count).toBe(4);
    expect(await m.find(jane)).toEqual({
      candidate: expect.objectContaining({ id: 'byEmail' }),
      by: 'email',
      phoneHeldBy: 'switchboard',
    });
    expect(await m.find(phoneOnly)).toEqual({
      candidate: expect.objectContaining({ id: 'sam' }),
      by: 'phone',
      phoneHeldBy: 'kim',
    });
    const stranger = mapped({ Name: 'Ann Other', Email: 'ann@example.com', Phone: '(212) 555-0101' });
    expect(await m.find(stranger)).toEqual({ candidate: null, by: null, phoneHeldBy: 'switchboard' });
    expect(await m.find(mapped({ Name: 'New Person', Email: 'new@example.com' }))).toEqual({
      candidate: null,
      by: null,
      phoneHeldBy: null,
    });
    expect(await m.phoneHolders('+12125550102')).toEqual(['sam', 'kim']);
    expect(await m.phoneHolders('+12125550000')).toEqual([]);
  });

  it('a search hit reads as a contact (search answers address, not address1)', () => {
    const c = asContact(ghl('x', { address: '1 Main Street' } as Partial<FoundContact>));
    expect(c.address1).toBe('1 Main Street');
  });
});
