/** The dashboard's HTML helpers: every value escaped unless it is markup we built; formatters. */
import { describe, expect, it } from 'vitest';
import { ago, badge, duration, esc, html, num, shown, trusted } from '../../../src/server/dashboard/html.js';

describe('dashboard html', () => {
  it('escapes text and attribute values', () => {
    expect(esc(`<a href="x">Tom & 'Jerry'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;',
    );
    const name = '<script>alert(1)</script>';
    expect(html`<p title="${name}">${name}</p>`.value).toBe(
      '<p title="&lt;script&gt;alert(1)&lt;/script&gt;">&lt;script&gt;alert(1)&lt;/script&gt;</p>',
    );
  });

  it('inserts built markup as is, flattens arrays, drops null, undefined and booleans', () => {
    const items = ['a<b', 'c'].map((x) => html`<li>${x}</li>`);
    expect(html`<ul>${items}</ul>`.value).toBe('<ul><li>a&lt;b</li><li>c</li></ul>');
    expect(html`${null}${undefined}${false}${true}${0}`.value).toBe('0');
    expect(html`${trusted('<b>x</b>')}`.value).toBe('<b>x</b>');
  });

  it('formats times, durations, values and numbers for people', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    expect(ago('2026-01-01T11:59:58Z', now)).toBe('just now');
    expect(ago('2026-01-01T11:59:30Z', now)).toBe('30 s ago');
    expect(ago('2026-01-01T11:50:00Z', now)).toBe('10 min ago');
    expect(ago('2026-01-01T09:00:00Z', now)).toBe('3 h ago');
    expect(ago('2025-12-20T12:00:00Z', now)).toBe('12 days ago');
    expect(ago('2026-01-01T12:05:00Z', now)).toBe('in 5 min');
    expect(ago(null, now)).toBe('never');
    expect(duration(850)).toBe('850 ms');
    expect(duration(12_340)).toBe('12.3 s');
    expect(duration(245_000)).toBe('4 min 05 s');
    expect(shown('')).toBe('(empty)');
    expect(shown(['a', 'b'])).toBe('a, b');
    expect(shown({ a: 1 })).toBe('{"a":1}');
    expect(num(1234567)).toBe('1,234,567');
  });

  it('badges carry their status as text and a tone', () => {
    expect(badge('needs_reauth').value).toBe('<span class="badge badge-bad">needs reauth</span>');
    expect(badge('completed').value).toBe('<span class="badge badge-ok">completed</span>');
    expect(badge('running').value).toBe('<span class="badge badge-warn">running</span>');
  });
});
