/**
 * Tag templates: parsing (prefix owned, fields checked) and rendering (lower-case; no tag when a
 * field has no value).
 */
import { describe, expect, it } from 'vitest';
import { computeAggregates, parseTagRules } from '../../../src/sync/rules/index.js';
import { parseTagTemplate, renderTag } from '../../../src/sync/rules/template.js';
import { customer } from '../mapping/fixtures.js';

const rules = parseTagRules({});
const facts = (extra: Record<string, unknown>) => ({
  customer: customer({ n: 1, Name: 'Acme', Contacts: [{ Name: 'Jo' }], ...extra }),
  aggregates: computeAggregates([], new Date('2025-06-30T00:00:00Z'), rules),
});

describe('parseTagTemplate', () => {
  it('a literal tag owns itself, lower-cased', () => {
    expect(parseTagTemplate(' VIP ')).toEqual({
      text: 'VIP',
      parts: [{ literal: 'VIP' }],
      prefix: 'vip',
      isTemplate: false,
    });
  });
  it('a template owns its fixed prefix; aliases resolve', () => {
    expect(parseTagTemplate('Tier:{priceTier}/{stage}')).toEqual({
      text: 'Tier:{priceTier}/{stage}',
      parts: [{ literal: 'Tier:' }, { field: 'priceTier' }, { literal: '/' }, { field: 'lifecycleStage' }],
      prefix: 'tier:',
      isTemplate: true,
    });
  });
  it.each([
    ['', /empty/],
    ['a,b', /comma/],
    ['x}', /"\}" without its "\{"/],
    ['x:{tags}', /is a list/],
    ['{priceTier}', /fixed text/],
  ])('%j is refused', (raw, problem) => {
    const out = parseTagTemplate(raw);
    expect('problem' in out && out.problem).toMatch(problem);
  });
});

describe('renderTag', () => {
  it('fills fields and lower-cases the tag', () => {
    const t = parseTagTemplate('tier:{priceTier}/{stage}');
    expect('parts' in t && renderTag(t, facts({ PriceTier: 'Wholesale' }))).toBe('tier:wholesale/lead');
  });
  it('gives no tag when a field has no value', () => {
    const t = parseTagTemplate('rep:{salesRepresentative}');
    expect('parts' in t && renderTag(t, facts({}))).toBeNull();
  });
  it('commas in a value cannot split the tag', () => {
    const t = parseTagTemplate('attr:{attribute1}');
    expect('parts' in t && renderTag(t, facts({ AdditionalAttribute1: 'a,b' }))).toBe('attr:a b');
  });
});
