/**
 * HTML for the dashboard's pages: a tagged template that escapes every value it is given (strings,
 * numbers, arrays of either) unless the value is already `Html`, so a page cannot be made to carry
 * markup from the data it shows. Plus the small formatters the pages share.
 */

/** Markup that is safe to insert as is (built by `html`). */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type HtmlValue = Html | string | number | boolean | null | undefined | readonly HtmlValue[];

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for an element or a quoted attribute. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ENTITIES[ch] ?? ch);
}

function render(v: HtmlValue): string {
  if (v === null || v === undefined || v === false || v === true) return '';
  if (v instanceof Html) return v.value;
  if (Array.isArray(v)) return v.map(render).join('');
  return esc(String(v));
}

/**
 * @example
 * html`<p title="${name}">${count} items</p>` // name and count escaped
 */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '');
  return new Html(out);
}

/** Markup written by us (CSS, a script), inserted without escaping. Never pass data to it. */
export function trusted(markup: string): Html {
  return new Html(markup);
}

/** "3 min ago" / "in 2 h" from an ISO time or Date, relative to `now`. */
export function ago(when: string | Date | null | undefined, now = Date.now()): string {
  if (!when) return 'never';
  const t = typeof when === 'string' ? Date.parse(when) : when.getTime();
  if (Number.isNaN(t)) return 'unknown';
  const s = Math.round((now - t) / 1000);
  const abs = Math.abs(s);
  const span =
    abs < 5
      ? 'just now'
      : abs < 60
        ? `${abs} s`
        : abs < 3600
          ? `${Math.round(abs / 60)} min`
          : abs < 86_400 * 2
            ? `${Math.round(abs / 3600)} h`
            : `${Math.round(abs / 86_400)} days`;
  if (span === 'just now') return span;
  return s >= 0 ? `${span} ago` : `in ${span}`;
}

/** A `<time>` element: relative text, the exact time as its title and machine value. */
export function time(when: string | Date | null | undefined): Html {
  if (!when) return html`<span class="muted">never</span>`;
  const iso = typeof when === 'string' ? when : when.toISOString();
  return html`<time datetime="${iso}" title="${iso}">${ago(iso)}</time>`;
}

/** Milliseconds as "850 ms", "12.3 s", "4 min 05 s". */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return `${m} min ${String(s).padStart(2, '0')} s`;
}

/** A value shown to a person: empty as "(empty)", lists joined, objects as JSON. */
export function shown(v: unknown): string {
  if (v === null || v === undefined || v === '') return '(empty)';
  if (Array.isArray(v)) return v.length === 0 ? '(none)' : v.map((x) => shown(x)).join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** Pretty JSON for a `<pre>`. */
export function pretty(v: unknown): string {
  return JSON.stringify(v ?? null, null, 2);
}

/** A status word as a badge (class by meaning, text for screen readers and colour-blind eyes). */
export function badge(status: string | null | undefined): Html {
  const s = status ?? 'unknown';
  const tone = /^(active|completed|linked|synced|ok|healthy|resolved|inSync)$/i.test(s)
    ? 'ok'
    : /^(running|pending|partial|planned|paused|superseded|waiting)$/i.test(s)
      ? 'warn'
      : /^(failed|needs_reauth|uninstalled|disabled|open|error|dead|not connected)$/i.test(s)
        ? 'bad'
        : 'info';
  return html`<span class="badge badge-${tone}">${s.replace(/_/g, ' ')}</span>`;
}

/** A number with thousands separators. */
export function num(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : n.toLocaleString('en-US');
}
