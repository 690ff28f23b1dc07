/**
 * The profile as Cin7 holds it: the summary block (header, open tasks and notes newest first, cut
 * to the field's limit with "… (N more in GHL)"), the users' own text kept above the block, and the
 * single values for fields of their own.
 */
import { describe, expect, it } from 'vitest';
import { defaultProfile, PROFILE_FIELD_LIMITS } from '../../../src/sync/mapping/index.js';
import {
  BLOCK_MARKER,
  type ProfileInput,
  profileValues,
  renderSummary,
  userPart,
} from '../../../src/sync/summary/index.js';

const LINK = 'https://app.gohighlevel.com/v2/location/{locationId}/contacts/detail/{contactId}';

function input(partial: Partial<ProfileInput> = {}): ProfileInput {
  return { locationId: 'LOC1', contacts: [], business: null, lifecycleStage: null, ...partial };
}

describe('renderSummary', () => {
  it('lists open tasks then notes, newest first, under the header', () => {
    const p = defaultProfile();
    const { text, omitted } = renderSummary(
      input({
        business: 'Acme Ltd',
        lifecycleStage: 'repeat',
        contacts: [
          {
            ghlContactId: 'c1',
            notes: [
              { id: 'n1', body: 'first call', dateAdded: '2025-01-02T10:00:00.000Z' },
              { id: 'n2', body: 'second\n call', dateAdded: '2025-02-03T10:00:00.000Z' },
            ],
            tasks: [
              { id: 't1', title: 'Old task', dueDate: '2025-03-01T00:00:00.000Z', completed: false },
              { id: 't2', title: 'Done task', completed: true },
              {
                id: 't3',
                title: 'New task',
                body: 'ring back',
                dueDate: '2025-04-01T00:00:00.000Z',
                completed: false,
              },
            ],
          },
        ],
      }),
      p.summary,
      LINK,
      2000,
    );
    expect(omitted).toBe(0);
    expect(text).toBe(
      [
        BLOCK_MARKER,
        'GHL contact c1: https://app.gohighlevel.com/v2/location/LOC1/contacts/detail/c1',
        'Business: Acme Ltd · Stage: repeat',
        'Open tasks (2):',
        '- [due 2025-04-01] New task: ring back',
        '- [due 2025-03-01] Old task',
        'Notes (2):',
        '- 2025-02-03 second call',
        '- 2025-01-02 first call',
      ].join('\n'),
    );
  });

  it('a 5,000-character history is cut to the 2,000-character limit with the marker', () => {
    const p = defaultProfile();
    // 50 notes of 100 characters (5,000 in all), one a day in January–February 2025.
    const notes = Array.from({ length: 50 }, (_, i) => ({
      id: `n${i}`,
      body: `${String(i).padStart(2, '0')}${'x'.repeat(98)}`,
      dateAdded: new Date(Date.UTC(2025, 0, 1 + i)).toISOString(),
    }));
    const { text, omitted } = renderSummary(
      input({ contacts: [{ ghlContactId: 'c1', notes, tasks: [] }] }),
      p.summary,
      LINK,
      2000,
    );
    expect(text.length).toBeLessThanOrEqual(2000);
    // By hand: header = marker (35) + '\n' + contact line (16 + a 63-character link) = 115;
    // "\nNotes (50):" = 12 → 127. Each note line is "- YYYY-MM-DD " (13) + 100 = 113, plus its
    // newline = 114. The marker line "\n… (NN more in GHL)" is 19. 127 + 16 × 114 + 19 = 1970 ≤ 2000,
    // and a 17th note would need 127 + 17 × 114 + 19 = 2084: 16 notes fit, 34 are left.
    expect(omitted).toBe(34);
    const lines = text.split('\n');
    expect(lines.at(-1)).toBe('… (34 more in GHL)');
    expect(lines.filter((l) => l.startsWith('- '))).toHaveLength(16);
    // Newest first: note 49 (2025-02-19) leads.
    expect(lines[3]).toBe(`- 2025-02-19 49${'x'.repeat(98)}`);
    expect(lines[18]).toBe(`- 2025-02-04 34${'x'.repeat(98)}`);
  });

  it('cuts a long note to itemLength and counts what does not fit', () => {
    const p = defaultProfile();
    const summary = { ...p.summary, itemLength: 30 };
    const { text } = renderSummary(
      input({
        contacts: [
          {
            ghlContactId: 'c1',
            notes: [{ body: 'y'.repeat(100), dateAdded: '2025-05-05T00:00:00Z' }],
            tasks: [],
          },
        ],
      }),
      summary,
      LINK,
      2000,
    );
    expect(text.split('\n').at(-1)).toBe(`- 2025-05-05 ${'y'.repeat(29)}…`);
  });
});

describe('profileValues', () => {
  const contacts = [
    { ghlContactId: 'c1', notes: [{ body: 'hello', dateAdded: '2025-01-01T00:00:00Z' }], tasks: [] },
  ];

  it("keeps what a Cin7 user wrote above the block, and replaces only the product's block", () => {
    const p = defaultProfile();
    const before = `Pays by cheque.\n\n${BLOCK_MARKER}\nGHL contact c1: old`;
    const { values } = profileValues(input({ contacts }), p, { Comments: before }, PROFILE_FIELD_LIMITS);
    expect(values.Comments).toBe(
      `Pays by cheque.\n\n${BLOCK_MARKER}\nGHL contact c1: https://app.gohighlevel.com/v2/location/LOC1/contacts/detail/c1\nNotes (1):\n- 2025-01-01 hello`,
    );
    expect(userPart(values.Comments)).toBe('Pays by cheque.');
    expect((values.Comments ?? '').length).toBeLessThanOrEqual(2000);
  });

  it('writes the single values to their own fields, cut to what they hold', () => {
    const p = {
      ...defaultProfile(),
      summary: { ...defaultProfile().summary, field: null },
      values: {
        ghlContactId: 'AdditionalAttribute1',
        ghlLink: 'AdditionalAttribute2',
        business: 'AdditionalAttribute3',
        lifecycleStage: 'AdditionalAttribute4',
      },
    };
    const { values } = profileValues(
      input({ contacts, business: 'B'.repeat(300), lifecycleStage: 'active' }),
      p,
      {},
      PROFILE_FIELD_LIMITS,
    );
    expect(values).toEqual({
      AdditionalAttribute1: 'c1',
      AdditionalAttribute2: 'https://app.gohighlevel.com/v2/location/LOC1/contacts/detail/c1',
      AdditionalAttribute3: 'B'.repeat(256),
      AdditionalAttribute4: 'active',
    });
  });

  it("leaves the summary out (with a warning) when the users' text fills the field", () => {
    const p = defaultProfile();
    const r = profileValues(input({ contacts }), p, { Comments: 'z'.repeat(1990) }, PROFILE_FIELD_LIMITS);
    expect(r.values.Comments).toBeUndefined();
    expect(r.warnings[0]).toMatch(/Comments is nearly full/);
  });
});
