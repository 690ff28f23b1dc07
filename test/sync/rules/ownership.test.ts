/**
 * Ownership and deltas: literal tags, template prefixes and `owns` entries are owned; everything
 * else is never added or removed; other owners (the Cin7 Tags mapping) can be added.
 */
import { describe, expect, it } from 'vitest';
import { isCin7OwnedTag, parseMapping } from '../../../src/sync/mapping/index.js';
import { isRuleOwnedTag, parseTagRules, tagDelta } from '../../../src/sync/rules/index.js';

const rules = parseTagRules({
  owns: { tags: ['retired-segment'], prefixes: ['segment:'] },
  rules: [
    { name: 'vip', tag: 'VIP', when: { lifetimeSpend: { gte: 5000 } } },
    { name: 'stage', tag: 'lifecycle:{stage}' },
  ],
});

describe('isRuleOwnedTag', () => {
  it.each([
    ['vip', true],
    ['VIP', true],
    [' lifecycle:repeat ', true],
    ['lifecycle:anything', true],
    ['segment:gold', true],
    ['retired-segment', true],
    ['lifecycle', false],
    ['vip-manual', false],
    ['newsletter', false],
    ['', false],
  ] as const)('%j → %s', (tag, owned) => {
    expect(isRuleOwnedTag(tag, rules)).toBe(owned);
  });
});

describe('tagDelta', () => {
  it('adds and removes owned tags only, compared lower-cased', () => {
    expect(
      tagDelta(
        ['VIP', 'Newsletter', 'lifecycle:new', 'retired-segment', 'segment:gold'],
        ['lifecycle:Repeat', 'hand-picked'],
        rules,
      ),
    ).toEqual({
      add: ['lifecycle:repeat'],
      remove: ['vip', 'lifecycle:new', 'retired-segment', 'segment:gold'],
    });
  });

  it('nothing to do when the owned tags already match', () => {
    expect(tagDelta(['vip', 'lifecycle:new', 'x'], ['lifecycle:new', 'vip'], rules)).toEqual({
      add: [],
      remove: [],
    });
  });

  it('with no rules nothing is owned, so nothing is ever touched', () => {
    const none = parseTagRules({});
    expect(tagDelta(['vip', 'a'], ['b'], none)).toEqual({ add: [], remove: [] });
  });

  it('Cin7-owned tags (the Tags mapping prefix) join in through alsoOwned', () => {
    const mapping = parseMapping({ tags: { enabled: true, prefix: 'cin7:' } });
    const out = tagDelta(['cin7:old', 'cin7-lookalike', 'vip'], ['cin7:new', 'vip'], rules, {
      alsoOwned: (t) => isCin7OwnedTag(t, mapping),
    });
    expect(out).toEqual({ add: ['cin7:new'], remove: ['cin7:old'] });
  });
});
