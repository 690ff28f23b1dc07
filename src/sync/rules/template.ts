/**
 * Tag templates: `lifecycle:{stage}`, `tier:{priceTier}`. A template owns its literal prefix (the
 * text before the first `{`), so applying it can remove the tag it gave before.
 */
import { normalizeTag } from '../mapping/index.js';
import { type FactValue, type Facts, RULE_FIELDS, ruleField } from './fields.js';
import type { TagTemplate } from './types.js';

/** Parses a tag or template; `{problem, fix}` when it is malformed. */
export function parseTagTemplate(raw: string): TagTemplate | { problem: string; fix: string } {
  const text = raw.trim();
  if (text === '')
    return {
      problem: 'the tag is empty',
      fix: 'write a tag such as vip, or a template such as lifecycle:{stage}',
    };
  if (text.includes(',')) return { problem: 'a tag cannot contain a comma', fix: 'write one tag per rule' };
  const parts: TagTemplate['parts'] = [];
  let rest = text;
  while (rest.length > 0) {
    const open = rest.indexOf('{');
    const close = rest.indexOf('}');
    if (open < 0) {
      if (close >= 0)
        return { problem: 'a "}" without its "{"', fix: 'write fields as {name}, e.g. lifecycle:{stage}' };
      parts.push({ literal: rest });
      break;
    }
    if (close >= 0 && close < open)
      return { problem: 'a "}" without its "{"', fix: 'write fields as {name}, e.g. lifecycle:{stage}' };
    if (open > 0) parts.push({ literal: rest.slice(0, open) });
    const end = rest.indexOf('}', open);
    if (end < 0) return { problem: 'a "{" without its "}"', fix: 'close the field name: {stage}' };
    const name = rest.slice(open + 1, end).trim();
    const found = ruleField(name);
    if (!found) {
      return {
        problem: `unknown field {${name}} in the tag template`,
        fix: `use one of ${Object.keys(RULE_FIELDS)
          .filter((f) => RULE_FIELDS[f]?.type !== 'list')
          .join(', ')} (or {stage})`,
      };
    }
    if (found.field.type === 'list') {
      return {
        problem: `{${name}} is a list and cannot fill a tag`,
        fix: 'use a field with one value, e.g. {priceTier}',
      };
    }
    parts.push({ field: found.name });
    rest = rest.slice(end + 1);
  }
  const isTemplate = parts.some((p) => 'field' in p);
  const first = parts[0];
  const prefix = normalizeTag(isTemplate ? (first && 'literal' in first ? first.literal : '') : text) ?? '';
  if (isTemplate && prefix === '') {
    return {
      problem: 'a template must start with fixed text, which the rule then owns',
      fix: 'write e.g. lifecycle:{stage} rather than {stage}',
    };
  }
  return { text, parts, prefix, isTemplate };
}

/**
 * The tag a template gives for these facts (lower-cased as GHL keeps tags); null when a field it
 * uses has no value.
 *
 * @example
 * renderTag(parseTagTemplate('lifecycle:{stage}'), facts); // 'lifecycle:repeat'
 */
export function renderTag(t: TagTemplate, facts: Facts): string | null {
  let out = '';
  for (const p of t.parts) {
    if ('literal' in p) {
      out += p.literal;
      continue;
    }
    const v: FactValue = RULE_FIELDS[p.field]?.get(facts) ?? null;
    if (v === null || v === '' || Array.isArray(v)) return null;
    out += String(v);
  }
  return normalizeTag(out.replace(/,/g, ' '));
}
