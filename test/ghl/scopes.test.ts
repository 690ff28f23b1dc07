import { describe, expect, it } from 'vitest';
import { missingScopes, parseScopes, requiredGhlScopes } from '../../src/ghl/scopes.js';

const sync = (over: Partial<Parameters<typeof requiredGhlScopes>[0]['sync']> = {}) => ({
  sync: {
    cin7ToGhl: false,
    ghlToCin7: false,
    businesses: false,
    customFields: false,
    taskPolling: false,
    tagRulesFile: undefined,
    ...over,
  },
});

describe('least-privilege GHL scopes', () => {
  it('contacts.readonly always, and nothing else when nothing is enabled', () => {
    expect(requiredGhlScopes(sync())).toEqual(['contacts.readonly']);
  });
  it('contacts.write only when something writes to GHL (Cin7 → GHL or tag rules)', () => {
    expect(requiredGhlScopes(sync({ cin7ToGhl: true }))).toEqual(['contacts.readonly', 'contacts.write']);
    expect(requiredGhlScopes(sync({ tagRulesFile: 'rules.yaml' }))).toEqual([
      'contacts.readonly',
      'contacts.write',
    ]);
  });
  it('businesses.readonly with business association, businesses.write only when Cin7 → GHL writes', () => {
    expect(requiredGhlScopes(sync({ businesses: true }))).toEqual([
      'contacts.readonly',
      'businesses.readonly',
    ]);
    expect(requiredGhlScopes(sync({ businesses: true, cin7ToGhl: true }))).toEqual([
      'contacts.readonly',
      'contacts.write',
      'businesses.readonly',
      'businesses.write',
    ]);
  });
  it('custom fields and task search only when their features are on', () => {
    expect(requiredGhlScopes(sync({ customFields: true }))).toEqual([
      'contacts.readonly',
      'locations/customFields.readonly',
    ]);
    expect(requiredGhlScopes(sync({ taskPolling: true }))).toEqual([
      'contacts.readonly',
      'locations/tasks.readonly',
    ]);
    expect(requiredGhlScopes(sync({ ghlToCin7: true }))).toEqual([
      'contacts.readonly',
      'locations/tasks.readonly',
    ]);
  });
  it('parses the token answer scope and finds the missing ones', () => {
    expect(parseScopes('contacts.write  contacts.readonly contacts.write')).toEqual([
      'contacts.readonly',
      'contacts.write',
    ]);
    expect(parseScopes(undefined)).toEqual([]);
    expect(missingScopes(['a', 'b', 'c'], ['b'])).toEqual(['a', 'c']);
  });
});
