/**
 * Tag ownership: the rules own the tags they can produce (literal tags, template prefixes, and the
 * `owns` list). Applying rules adds and removes only owned tags; every other tag on a GHL contact
 * belongs to GHL users and is never touched.
 */
import { normalizeTag, normalizeTags } from '../mapping/index.js';
import type { TagRules } from './types.js';

/**
 * True when the rules own `tag` (case-insensitive).
 *
 * @example
 * isRuleOwnedTag('Lifecycle:New', rules); // true with a `lifecycle:{stage}` rule
 */
export function isRuleOwnedTag(tag: string, rules: TagRules): boolean {
  const t = normalizeTag(tag);
  if (t === null) return false;
  return rules.owned.tags.includes(t) || rules.owned.prefixes.some((p) => t.startsWith(p));
}

export interface TagDeltaOptions {
  /** Other owners whose tags may also be added and removed (e.g. the Cin7 `Tags` mapping's prefix). */
  alsoOwned?: (tag: string) => boolean;
}

/**
 * The tag calls that bring a GHL contact from `currentGhlTags` to `desired`: adds and removes limited
 * to owned tags (a desired tag nobody owns is not added; a tag nobody owns is never removed).
 * Both lists are compared lower-cased, as GHL keeps tags.
 *
 * @example
 * tagDelta(['vip', 'newsletter', 'lifecycle:new'], ['lifecycle:repeat'], rules);
 * // { add: ['lifecycle:repeat'], remove: ['vip', 'lifecycle:new'] }   ('newsletter' is not owned)
 */
export function tagDelta(
  currentGhlTags: readonly string[],
  desired: readonly string[],
  rules: TagRules,
  options: TagDeltaOptions = {},
): { add: string[]; remove: string[] } {
  const owned = (t: string) => isRuleOwnedTag(t, rules) || options.alsoOwned?.(t) === true;
  const current = normalizeTags(currentGhlTags);
  const want = normalizeTags(desired);
  return {
    add: want.filter((t) => owned(t) && !current.includes(t)),
    remove: current.filter((t) => owned(t) && !want.includes(t)),
  };
}
