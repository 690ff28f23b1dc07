/**
 * The customer profile as Cin7 holds it: a summary of the GHL notes and tasks (newest first, cut to
 * the field's limit with a marker saying how many more GHL has), headed by the GHL contact id and
 * link, the business name and the lifecycle stage; and those single values for fields of their own.
 * Pure functions: the GHL → Cin7 job decides when to write.
 */
import { createHash } from 'node:crypto';
import type { ProfileMapping } from '../mapping/index.js';

/** First line of the product's block; what a Cin7 user wrote above it is kept. */
export const BLOCK_MARKER = '=== GHL profile (cin7-ghl-sync) ===';

/** A GHL note as the summary needs it. */
export interface SummaryNote {
  id?: string | undefined;
  body?: string | undefined;
  title?: string | undefined;
  dateAdded?: string | undefined;
}

/** A GHL task as the summary needs it. */
export interface SummaryTask {
  id?: string | undefined;
  title?: string | undefined;
  body?: string | undefined;
  dueDate?: string | undefined;
  completed?: boolean | undefined;
}

/** One GHL contact of the customer. */
export interface SummaryContact {
  ghlContactId: string;
  /** Newest first or in any order: sorted here. Null when not read. */
  notes: SummaryNote[] | null;
  /** As GHL lists them (oldest first): the newest come first in the summary. */
  tasks: SummaryTask[] | null;
}

export interface ProfileInput {
  locationId: string;
  contacts: SummaryContact[];
  business: string | null;
  lifecycleStage: string | null;
}

/** The values to write, by Cin7 field name (null: clear), and what was cut or left out. */
export interface ProfileValues {
  values: Record<string, string | null>;
  /** Items (notes and tasks) that did not fit in the summary. */
  omitted: number;
  warnings: string[];
}

/**
 * A link to a GHL contact.
 *
 * @example
 * contactLink('https://app.gohighlevel.com/v2/location/{locationId}/contacts/detail/{contactId}', 'L1', 'c9');
 */
export function contactLink(template: string, locationId: string, contactId: string): string {
  return template.replaceAll('{locationId}', locationId).replaceAll('{contactId}', contactId);
}

function oneLine(text: string | undefined, max: number): string {
  const s = (text ?? '').replace(/\s+/g, ' ').trim();
  return s.length <= max ? s : `${s.slice(0, Math.max(1, max - 1)).trimEnd()}…`;
}

function day(iso: string | undefined): string | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : new Date(t).toISOString().slice(0, 10);
}

/** The header lines: who in GHL (id and link), business, stage. */
function headerLines(input: ProfileInput, template: string): string[] {
  const lines = [BLOCK_MARKER];
  for (const c of input.contacts) {
    lines.push(`GHL contact ${c.ghlContactId}: ${contactLink(template, input.locationId, c.ghlContactId)}`);
  }
  const facts = [
    input.business ? `Business: ${input.business}` : null,
    input.lifecycleStage ? `Stage: ${input.lifecycleStage}` : null,
  ].filter((x): x is string => x !== null);
  if (facts.length > 0) lines.push(facts.join(' · '));
  return lines;
}

/** The item sections: tasks (newest first), then notes (newest first). */
function sections(
  input: ProfileInput,
  s: ProfileMapping['summary'],
): Array<{ title: string; items: string[] }> {
  const live = input.contacts;
  const out: Array<{ title: string; items: string[] }> = [];
  if (s.tasks !== 'none') {
    // GHL lists tasks oldest first and gives no creation time: newest first is the reverse order.
    const tasks = live
      .flatMap((c) => [...(c.tasks ?? [])].reverse())
      .filter((t) => s.tasks === 'all' || t.completed !== true);
    const items = tasks.map((t) => {
      const due = day(t.dueDate);
      const text = [t.title, t.body].filter((x) => x && x.trim() !== '').join(': ');
      return `- ${t.completed ? '[done] ' : ''}${due ? `[due ${due}] ` : ''}${oneLine(text, s.itemLength)}`;
    });
    out.push({ title: s.tasks === 'all' ? 'Tasks' : 'Open tasks', items });
  }
  if (s.notes) {
    const notes = live
      .flatMap((c) => c.notes ?? [])
      .map((n, i) => ({ n, t: Date.parse(n.dateAdded ?? '') || 0, i }))
      .sort((a, b) => b.t - a.t || a.i - b.i)
      .map(({ n }) => n);
    const items = notes.map((n) => {
      const d = day(n.dateAdded);
      const text = [n.title, n.body].filter((x) => x && x.trim() !== '').join(': ');
      return `- ${d ? `${d} ` : ''}${oneLine(text, s.itemLength)}`;
    });
    out.push({ title: 'Notes', items });
  }
  return out;
}

/** The "… (N more in GHL)" line. */
export function moreMarker(n: number): string {
  return `… (${n} more in GHL)`;
}

/**
 * The summary block, at most `budget` characters: header, then each section's items newest first
 * while they fit; what does not fit is counted in the marker line "… (N more in GHL)".
 *
 * @example
 * const { text, omitted } = renderSummary(input, mapping.profile.summary, mapping.profile.linkTemplate, 2000);
 */
export function renderSummary(
  input: ProfileInput,
  s: ProfileMapping['summary'],
  linkTemplate: string,
  budget: number,
): { text: string; omitted: number } {
  const header = headerLines(input, linkTemplate);
  const parts = sections(input, s);
  const total = parts.reduce((n, p) => n + p.items.length, 0);
  const lines = [...header];
  let used = lines.join('\n').length;
  const add = (line: string) => {
    lines.push(line);
    used += 1 + line.length;
  };
  let shown = 0;
  let full = false;
  for (const part of parts) {
    if (part.items.length === 0 || full) continue;
    const title = `${part.title} (${part.items.length}):`;
    // Room for the title, one item and (unless it is the very last item) the marker.
    if (used + 1 + title.length > budget) {
      full = true;
      continue;
    }
    let titled = false;
    for (const item of part.items) {
      const left = total - shown - 1;
      const reserve = left > 0 ? 1 + moreMarker(left).length : 0;
      const need = (titled ? 0 : 1 + title.length) + 1 + item.length + reserve;
      if (used + need > budget) {
        full = true;
        break;
      }
      if (!titled) {
        add(title);
        titled = true;
      }
      add(item);
      shown++;
    }
  }
  const omitted = total - shown;
  if (omitted > 0) add(moreMarker(omitted));
  let text = lines.join('\n');
  if (text.length > budget) text = text.slice(0, budget);
  return { text, omitted };
}

/** What a Cin7 user wrote in the field above the product's block (trimmed at the end). */
export function userPart(existing: string | null | undefined): string {
  if (!existing) return '';
  const at = existing.indexOf(BLOCK_MARKER);
  return (at < 0 ? existing : existing.slice(0, at)).replace(/\s+$/, '');
}

/**
 * The profile values to write to the Cin7 customer, given what its fields hold now (`current`, by
 * field name): the summary block (after the users' text when `keepExisting`), and the single values
 * that have fields of their own.
 *
 * @example
 * const { values } = profileValues(input, mapping.profile, { Comments: customer.Comments });
 */
export function profileValues(
  input: ProfileInput,
  p: ProfileMapping,
  current: Record<string, string | null | undefined>,
  limits: Readonly<Record<string, number>>,
): ProfileValues {
  const values: Record<string, string | null> = {};
  const warnings: string[] = [];
  let omitted = 0;
  const s = p.summary;
  if (s.field) {
    const kept = s.keepExisting ? userPart(current[s.field]) : '';
    const budget = s.maxLength - (kept ? kept.length + 2 : 0);
    if (budget < BLOCK_MARKER.length + 40) {
      warnings.push(
        `${s.field} is nearly full with text written in Cin7 (${kept.length} characters): the GHL summary was not written; shorten it or give profile.summary.field another field`,
      );
    } else {
      const r = renderSummary(input, s, p.linkTemplate, budget);
      omitted = r.omitted;
      values[s.field] = kept ? `${kept}\n\n${r.text}` : r.text;
    }
  }
  const live = input.contacts;
  const cutTo = (field: string, v: string | null) => {
    const max = limits[field] ?? 256;
    return v !== null && v.length > max ? v.slice(0, max) : v;
  };
  const { ghlContactId, ghlLink, business, lifecycleStage } = p.values;
  if (ghlContactId)
    values[ghlContactId] = cutTo(ghlContactId, live.map((c) => c.ghlContactId).join(', ') || null);
  if (ghlLink) {
    const first = live[0];
    values[ghlLink] = cutTo(
      ghlLink,
      first ? contactLink(p.linkTemplate, input.locationId, first.ghlContactId) : null,
    );
  }
  if (business) values[business] = cutTo(business, input.business);
  if (lifecycleStage) values[lifecycleStage] = cutTo(lifecycleStage, input.lifecycleStage);
  return { values, omitted, warnings };
}

/** A short hash of profile values (what was written, for the state row). */
export function profileHash(values: Record<string, string | null>): string {
  const keys = Object.keys(values).sort();
  return createHash('sha256')
    .update(JSON.stringify(keys.map((k) => [k, values[k] ?? null])))
    .digest('hex')
    .slice(0, 16);
}

/** Cin7 treats an absent value and an empty text alike. */
export function sameValue(a: string | null | undefined, b: string | null | undefined): boolean {
  return (a ?? '') === (b ?? '');
}
