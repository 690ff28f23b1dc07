/**
 * The page shell every dashboard page shares: skip link, header with the environment and the live
 * indicator, the navigation (with live counts of open conflicts and failures), the flash message,
 * the main landmark, and the one stylesheet and script (served by the service: no CDN, no fonts).
 */
import { type Html, html } from './html.js';

export type NavKey =
  | 'overview'
  | 'connections'
  | 'runs'
  | 'records'
  | 'conflicts'
  | 'failures'
  | 'budget'
  | 'mapping'
  | 'api';

const NAV: Array<{ key: NavKey; href: string; label: string; count?: string }> = [
  { key: 'overview', href: '/', label: 'Overview' },
  { key: 'connections', href: '/connections', label: 'Connections' },
  { key: 'runs', href: '/runs', label: 'Runs' },
  { key: 'records', href: '/records', label: 'Records' },
  { key: 'conflicts', href: '/conflicts', label: 'Conflicts', count: 'conflicts.open' },
  { key: 'failures', href: '/failures', label: 'Failures', count: 'failures.open' },
  { key: 'budget', href: '/budget', label: 'Rate budget' },
  { key: 'mapping', href: '/mapping', label: 'Mapping & rules' },
  { key: 'api', href: '/api-access', label: 'API & events' },
];

export interface PageShell {
  title: string;
  nav: NavKey;
  csrf: string;
  env: string;
  /** Shown once at the top (after an action). */
  flash?: { kind: 'ok' | 'error'; text: string } | null;
  /** Counts for the navigation badges, as rendered (the live feed updates them). */
  counts: { conflicts: number; failures: number };
  body: Html;
}

/**
 * @example
 * c.html(page({ title: 'Runs', nav: 'runs', csrf, env, counts, body: html`<h1>Runs</h1>` }).value)
 */
export function page(p: PageShell): Html {
  const counts: Record<string, number> = {
    'conflicts.open': p.counts.conflicts,
    'failures.open': p.counts.failures,
  };
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csrf-token" content="${p.csrf}">
<title>${p.title} · cin7-ghl-sync</title>
<link rel="icon" href="/assets/icon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/dashboard.css">
<script src="/assets/dashboard.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
  <div class="brand"><a href="/">cin7-ghl-sync</a> <span class="env" title="environment">${p.env}</span></div>
  <p class="live-state" id="live-state" role="status" aria-live="polite">Connecting to live updates…</p>
  <form method="post" action="/logout" class="signout">
    <input type="hidden" name="_csrf" value="${p.csrf}">
    <button type="submit" class="link">Sign out</button>
  </form>
</header>
<div class="frame">
<nav aria-label="Dashboard sections" class="side">
  <ul>
    ${NAV.map(
      (n) =>
        html`<li><a href="${n.href}"${n.key === p.nav ? html` aria-current="page"` : ''}>${n.label}${
          n.count
            ? html` <span class="count${(counts[n.count] ?? 0) > 0 ? ' count-on' : ''}" data-live="${n.count}" data-live-count aria-label="${String(counts[n.count] ?? 0)} open">${counts[n.count] ?? 0}</span>`
            : ''
        }</a></li>`,
    )}
  </ul>
</nav>
<main id="main" tabindex="-1">
  <div id="flash" role="status" aria-live="polite">${
    p.flash ? html`<p class="flash flash-${p.flash.kind}">${p.flash.text}</p>` : ''
  }</div>
  ${p.body}
</main>
</div>
</body>
</html>
`;
}
