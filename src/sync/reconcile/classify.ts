/**
 * Classifying one linked record, field by field, against the last synced state (the link's
 * per-field hashes). Pure: no I/O.
 *
 * For each mapped field, with L the link's hash, C the Cin7 hash and G the GHL hash:
 * - neither side moved from L → in sync;
 * - one side moved → drift: the change flows to the other side when the field flows that way;
 *   otherwise (a one-way field changed on its destination) the owner's value is written back;
 * - both moved, to the same value → converged (only the link is brought up to date);
 * - both moved, to different values → conflict, decided by the policy: `owner` (the field's owner
 *   wins), `newest` (the side changed last wins: Cin7's `LastModifiedOn`, GHL's `dateUpdated`; the
 *   owner when a time is unknown or equal), `manual` (nothing written; left open).
 *
 * The link holds the GHL side's hash for GHL-owned one-way fields (dnd, created from Cin7's consent,
 * then GHL's): there is no synced Cin7 state to compare with, so only GHL's changes count — they
 * flow to Cin7; an edit in Cin7 is not a change (and never turns, say, an unknown consent into an
 * opt-in). A field whose Cin7 value was deliberately not written (`withheld`: held by another
 * contact, or the destination won a conflict) counts as unchanged on the Cin7 side until Cin7
 * changes it again.
 */
import type {
  FieldSpec,
  FieldValue,
  GhlContactValues,
  MappedContact,
  MappingConfig,
} from '../mapping/index.js';
import { hashValue, isCin7OwnedTag, normalizeTags } from '../mapping/index.js';
import type { LinkRecord } from '../repo/links.js';
import { type TagRules, isRuleOwnedTag } from '../rules/index.js';
import type { ConflictPolicy, FieldChange } from './types.js';

/** How a field may flow, and whose value wins. */
export interface FieldFlow {
  /** Cin7 values may be written to GHL. */
  toGhl: boolean;
  /** GHL values may be written to Cin7. */
  toCin7: boolean;
  owner: 'cin7' | 'ghl';
  /** The link keeps the GHL side's hash (GHL-owned one-way or create-only fields): Cin7 edits are not changes. */
  ghlBaseline: boolean;
}

/**
 * The flow of a mapped field: create-only and `ghl_to_cin7` fields belong to GHL after create;
 * `cin7_to_ghl` to Cin7; `both` flows both ways and its `owner` wins conflicts.
 *
 * @example
 * fieldFlow(mapping.fields.find((f) => f.name === 'dnd')!); // { toGhl: false, toCin7: true, owner: 'ghl', ghlBaseline: true }
 */
export function fieldFlow(spec: FieldSpec): FieldFlow {
  if (spec.createOnly || spec.direction === 'ghl_to_cin7') {
    return { toGhl: false, toCin7: spec.direction !== 'cin7_to_ghl', owner: 'ghl', ghlBaseline: true };
  }
  if (spec.direction === 'cin7_to_ghl')
    return { toGhl: true, toCin7: false, owner: 'cin7', ghlBaseline: false };
  return { toGhl: true, toCin7: true, owner: spec.owner, ghlBaseline: false };
}

/** The Cin7 side of one mapped field (written fields, else the Cin7 side of GHL-owned ones). */
export function cin7ValueOf(c: MappedContact, field: string): FieldValue {
  if (field in c.fields) return c.fields[field] ?? null;
  return c.cin7Only[field] ?? null;
}

export interface ClassifyInput {
  mapping: MappingConfig;
  policy: ConflictPolicy;
  link: Pick<LinkRecord, 'hashes' | 'withheld' | 'cin7ChangedAt' | 'ghlTags'>;
  c: MappedContact;
  /** The customer's `LastModifiedOn`. */
  cin7ModifiedAt: Date | null;
  ghl: GhlContactValues;
  ghlUpdatedAt: Date | null;
  /** Fields the GHL read does not carry (a search hit has no website): not compared from GHL's side. */
  ghlUnknown?: ReadonlySet<string>;
  /**
   * The GHL read is not newer than the synced state (a search hit whose `dateUpdated` is not after the
   * link's `ghlChangedAt`: the index lags): its differences are staleness, not GHL changes.
   */
  ghlStale?: boolean;
  /** Which sides may be written (`sync.cin7ToGhl`, `sync.ghlToCin7`); default both. */
  writable?: { ghl: boolean; cin7: boolean };
  /** Tags: the rules' desired tags for the customer (null when unknown), and the rules. */
  rules?: TagRules;
  ruleTags?: readonly string[] | null;
}

export interface Classification {
  changes: FieldChange[];
  /** Fields whose link hash should become this one (both sides agree; no write needed). */
  rebase: Record<string, string>;
  /** Tag changes: the owned tags GHL should carry (null: none), and the Cin7 `Tags` string to write. */
  tags: TagPlan | null;
}

export interface TagPlan {
  /** Owned tags now on GHL, and the owned tags it should carry. */
  current: string[];
  desired: string[];
  target: 'ghl' | 'cin7';
  changed: 'cin7' | 'ghl' | 'both';
}

/**
 * Classifies one linked record.
 *
 * @example
 * const { changes } = classifyRecord({ mapping, policy: 'owner', link, c, cin7ModifiedAt, ghl: readGhlContact(hit, mapping), ghlUpdatedAt });
 * const drift = changes.filter((x) => x.class === 'drift');
 */
export function classifyRecord(input: ClassifyInput): Classification {
  const { mapping, link, c, ghl } = input;
  const changes: FieldChange[] = [];
  const rebase: Record<string, string> = {};
  for (const spec of mapping.fields) {
    const flow = fieldFlow(spec);
    if (!flow.toGhl && !flow.toCin7) continue;
    const f = spec.name;
    const cv = cin7ValueOf(c, f);
    const ch = c.hashes[f] ?? hashValue(cv);
    const ghlKnown = f in ghl.fields && !input.ghlUnknown?.has(f);
    const gv = ghlKnown ? (ghl.fields[f] ?? null) : null;
    const gh = ghlKnown ? (ghl.hashes[f] ?? hashValue(gv)) : null;
    const base = link.hashes[f];
    const withheld = link.withheld[f] !== undefined && link.withheld[f] === ch;
    const cin7Silent = flow.ghlBaseline;

    if (base === undefined) {
      if (gh === null || gh === ch || cin7Silent) {
        if (gh !== null && (gh === ch || cin7Silent)) rebase[f] = gh;
        continue;
      }
      // No synced state to compare with: the owner's value wins.
      const toGhl = flow.owner === 'cin7' ? flow.toGhl : !flow.toCin7 && flow.toGhl;
      const target = toGhl ? 'ghl' : flow.toCin7 ? 'cin7' : null;
      if (target === null) continue;
      changes.push({
        field: f,
        class: 'drift',
        changed: 'unknown',
        from: target === 'ghl' ? gv : cv,
        to: target === 'ghl' ? cv : gv,
        target,
        cin7Value: cv,
        ghlValue: gv,
      });
      continue;
    }

    const cin7Changed = !withheld && !cin7Silent && ch !== base;
    const ghlChanged = gh !== null && gh !== base && input.ghlStale !== true;
    if (!cin7Changed && !ghlChanged) continue;
    if (cin7Changed && ghlChanged) {
      if (ch === gh) {
        rebase[f] = ch;
        continue;
      }
      changes.push(conflict(input, spec, flow, cv, gv));
      continue;
    }
    if (cin7Changed) {
      // Cin7 moved: it flows to GHL, or (a GHL-owned field) GHL's value is written back to Cin7.
      if (flow.toGhl) {
        if (gh === null && !ghlKnown) {
          changes.push(drift(f, 'cin7', 'ghl', null, cv, cv, null));
        } else changes.push(drift(f, 'cin7', 'ghl', gv, cv, cv, gv));
      } else if (flow.toCin7 && ghlKnown) changes.push(drift(f, 'cin7', 'cin7', cv, gv, cv, gv));
      continue;
    }
    // GHL moved: it flows to Cin7, or (a Cin7-owned one-way field) Cin7's value is written back.
    if (flow.toCin7) changes.push(drift(f, 'ghl', 'cin7', cv, gv, cv, gv));
    else if (flow.toGhl) changes.push(drift(f, 'ghl', 'ghl', gv, cv, cv, gv));
  }
  const tags = classifyTags(input);
  const writable = input.writable ?? { ghl: true, cin7: true };
  for (const x of changes) {
    if (x.target !== null && !writable[x.target]) {
      x.why = `writing to ${x.target === 'ghl' ? 'GHL is off (sync.cin7ToGhl: false)' : 'Cin7 is off (sync.ghlToCin7: false)'}`;
      x.target = null;
    }
  }
  return { changes, rebase, tags: tags && !writable[tags.target] ? null : tags };
}

function drift(
  field: string,
  changed: 'cin7' | 'ghl',
  target: 'ghl' | 'cin7',
  from: FieldValue,
  to: FieldValue,
  cin7Value: FieldValue,
  ghlValue: FieldValue,
): FieldChange {
  return { field, class: 'drift', changed, from, to, target, cin7Value, ghlValue };
}

function conflict(
  input: ClassifyInput,
  spec: FieldSpec,
  flow: FieldFlow,
  cv: FieldValue,
  gv: FieldValue,
): FieldChange {
  const decided = decide(input, flow);
  const base = {
    field: spec.name,
    class: 'conflict' as const,
    changed: 'both' as const,
    cin7Value: cv,
    ghlValue: gv,
    policy: input.policy,
    winner: decided.winner,
    why: decided.why,
  };
  // Manual: nothing is written; from/to show GHL's value and Cin7's.
  if (decided.winner === null) return { ...base, from: gv, to: cv, target: null };
  if (decided.winner === 'cin7') {
    return flow.toGhl
      ? { ...base, from: gv, to: cv, target: 'ghl' }
      : { ...base, from: gv, to: gv, target: null, keep: true };
  }
  return flow.toCin7
    ? { ...base, from: cv, to: gv, target: 'cin7' }
    : { ...base, from: cv, to: cv, target: null, keep: true };
}

function decide(input: ClassifyInput, flow: FieldFlow): { winner: 'cin7' | 'ghl' | null; why: string } {
  if (input.policy === 'manual')
    return { winner: null, why: 'manual policy: left for `cin7-ghl conflicts resolve`' };
  const owner = {
    winner: flow.owner,
    why: `the field is owned by ${flow.owner === 'cin7' ? 'Cin7' : 'GHL'}`,
  };
  if (input.policy === 'owner') return owner;
  const cin7 = cin7ChangeTime(input);
  const ghl = input.ghlUpdatedAt;
  if (cin7 === null) {
    return { winner: flow.owner, why: `${owner.why} (newest: the Cin7 change time is unknown)` };
  }
  if (ghl === null)
    return { winner: flow.owner, why: `${owner.why} (newest: the GHL change time is unknown)` };
  const a = cin7.getTime();
  const b = ghl.getTime();
  if (a === b)
    return { winner: flow.owner, why: `${owner.why} (newest: both changed at ${cin7.toISOString()})` };
  return a > b
    ? { winner: 'cin7', why: `newest: Cin7 changed at ${cin7.toISOString()}, GHL at ${ghl.toISOString()}` }
    : { winner: 'ghl', why: `newest: GHL changed at ${ghl.toISOString()}, Cin7 at ${cin7.toISOString()}` };
}

/**
 * When Cin7 changed the record: its `LastModifiedOn`, unless that did not move since the last sync
 * (Cin7 does not always move it for contact-only edits): then unknown.
 */
export function cin7ChangeTime(input: Pick<ClassifyInput, 'cin7ModifiedAt' | 'link'>): Date | null {
  const at = input.cin7ModifiedAt;
  if (at === null) return null;
  const seen = input.link.cin7ChangedAt;
  if (seen !== null && at.getTime() <= seen.getTime()) return null;
  return at;
}

/**
 * Owned tags (the rules' and the Cin7 `Tags` mapping's), compared as sets: the link's `ghl_tags` is
 * the last synced state. Cin7 (rules, `Tags`) owns them: a GHL-side change is written back, unless
 * the `Tags` mapping flows both ways and only GHL changed its prefixed tags (then Cin7's `Tags` gets
 * them).
 */
function classifyTags(input: ClassifyInput): TagPlan | null {
  const rules = input.rules;
  const { mapping, c, link } = input;
  const ruleOwned = (t: string) => (rules ? isRuleOwnedTag(t, rules) : false);
  const cin7Owned = (t: string) => isCin7OwnedTag(t, mapping);
  if (!mapping.tags.enabled && !(rules && (rules.owned.tags.length > 0 || rules.owned.prefixes.length > 0))) {
    return null;
  }
  const owned = (t: string) => ruleOwned(t) || cin7Owned(t);
  const last = normalizeTags(link.ghlTags).filter(owned);
  const current = normalizeTags(input.ghl.tags).filter(owned);
  const ruleDesired =
    input.ruleTags === null || input.ruleTags === undefined
      ? last.filter((t) => ruleOwned(t) && !cin7Owned(t))
      : normalizeTags([...input.ruleTags]).filter(ruleOwned);
  const desired = normalizeTags([...ruleDesired, ...c.cin7Tags]).filter(owned);
  const cin7Changed = !sameSet(desired, last);
  const ghlChanged = !sameSet(current, last);
  if (!ghlChanged && !cin7Changed) return null;
  if (sameSet(current, desired)) return null;
  if (ghlChanged && !cin7Changed && mapping.tags.enabled && mapping.tags.direction === 'both') {
    const ghlPrefixed = current.filter(cin7Owned);
    const lastPrefixed = last.filter(cin7Owned);
    const rulePartSame = sameSet(
      current.filter((t) => !cin7Owned(t)),
      last.filter((t) => !cin7Owned(t)),
    );
    if (!sameSet(ghlPrefixed, lastPrefixed) && rulePartSame) {
      return { current, desired: current, target: 'cin7', changed: 'ghl' };
    }
  }
  return {
    current,
    desired,
    target: 'ghl',
    changed: cin7Changed && ghlChanged ? 'both' : cin7Changed ? 'cin7' : 'ghl',
  };
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const s = new Set(a);
  return b.every((t) => s.has(t));
}
