/**
 * The dashboard's stylesheet (served at /assets/dashboard.css): system fonts, AA contrast on every
 * text colour, a visible focus ring, readable from a 1280-pixel laptop screen down to a phone.
 */
export const STYLES_CSS = `
:root {
  --ink: #1b2230; --muted: #4f5b6d; --line: #d5dbe5; --bg: #f5f7fa; --card: #ffffff;
  --brand: #1f4fbf; --brand-ink: #ffffff; --ok: #146c2e; --ok-bg: #e3f4e8; --warn: #7a4b00;
  --warn-bg: #fff3d6; --bad: #a4161a; --bad-bg: #fde7e7; --info: #24476b; --info-bg: #e6eef8;
  --focus: #ffbf47;
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
html { font-size: 15px; }
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, Ubuntu, "Helvetica Neue", Arial, sans-serif;
  color: var(--ink); background: var(--bg); line-height: 1.45; }
a { color: var(--brand); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible, summary:focus-visible, main:focus-visible {
  outline: 3px solid var(--focus); outline-offset: 2px; }
.sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.skip { position: absolute; left: -999px; top: 0; background: var(--card); padding: .5rem 1rem; z-index: 10; }
.skip:focus { left: .5rem; }
.top { display: flex; align-items: center; gap: 1rem; padding: .6rem 1.2rem; background: #17233a; color: #fff; }
.top a { color: #fff; text-decoration: none; font-weight: 650; }
.brand { font-size: 1.1rem; }
.env { font-size: .78rem; background: #2e4672; border-radius: 999px; padding: .1rem .55rem; margin-left: .3rem; font-weight: 500; }
.live-state { margin: 0 0 0 auto; font-size: .85rem; color: #d9e2f2; }
.live-state.live-on::before { content: ""; display: inline-block; width: .55rem; height: .55rem; border-radius: 50%;
  background: #3ddc84; margin-right: .4rem; vertical-align: middle; }
.live-state.live-off { color: #ffd58a; }
.signout { margin: 0; }
button.link { background: none; border: none; color: #fff; text-decoration: underline; cursor: pointer; font: inherit; padding: .2rem; }
.frame { display: grid; grid-template-columns: 13rem 1fr; min-height: calc(100vh - 3rem); }
.side { background: var(--card); border-right: 1px solid var(--line); padding: 1rem .6rem; }
.side ul { list-style: none; margin: 0; padding: 0; }
.side a { display: flex; justify-content: space-between; align-items: center; padding: .45rem .7rem; border-radius: 6px;
  text-decoration: none; color: var(--ink); }
.side a:hover { background: var(--info-bg); }
.side a[aria-current="page"] { background: var(--brand); color: var(--brand-ink); font-weight: 600; }
.count { font-size: .75rem; min-width: 1.5rem; text-align: center; border-radius: 999px; padding: 0 .4rem; background: var(--line); color: var(--ink); }
.count.count-on { background: var(--bad); color: #fff; }
main { padding: 1.2rem 1.6rem 3rem; max-width: 82rem; }
h1 { font-size: 1.5rem; margin: .2rem 0 1rem; }
h2 { font-size: 1.15rem; margin: 1.6rem 0 .6rem; }
h3 { font-size: 1rem; margin: 1rem 0 .4rem; }
p.lead { color: var(--muted); margin-top: -.5rem; }
.muted { color: var(--muted); }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr)); gap: .9rem; margin-bottom: 1rem; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: .9rem 1rem; }
.card h2, .card h3 { margin-top: 0; }
.panel > h2:first-child, .panel > h3:first-child { margin-top: 0; }
.cards.wide { grid-template-columns: repeat(auto-fill, minmax(24rem, 1fr)); }
.metric { font-size: 1.9rem; font-weight: 650; line-height: 1.1; }
.metric-label { color: var(--muted); font-size: .85rem; }
.panel { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 1rem 1.1rem; margin-bottom: 1rem; }
table { width: 100%; border-collapse: collapse; background: var(--card); font-size: .92rem; }
caption { text-align: left; font-weight: 600; padding: .4rem 0; }
th, td { text-align: left; padding: .45rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #eef1f6; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.table-wrap { overflow-x: auto; border: 1px solid var(--line); border-radius: 10px; margin-bottom: 1rem; }
.table-wrap table { border: none; }
.badge { display: inline-block; font-size: .78rem; font-weight: 600; border-radius: 999px; padding: .05rem .55rem; white-space: nowrap; }
.badge-ok { background: var(--ok-bg); color: var(--ok); }
.badge-warn { background: var(--warn-bg); color: var(--warn); }
.badge-bad { background: var(--bad-bg); color: var(--bad); }
.badge-info { background: var(--info-bg); color: var(--info); }
.flash { padding: .6rem .8rem; border-radius: 8px; margin: 0 0 1rem; }
.flash-ok { background: var(--ok-bg); color: var(--ok); border: 1px solid #9bd3ad; }
.flash-error { background: var(--bad-bg); color: var(--bad); border: 1px solid #f1a5a5; }
.error-text { color: var(--bad); }
form.inline { display: inline-flex; gap: .4rem; align-items: center; margin: 0; flex-wrap: wrap; }
.actions { display: flex; gap: .6rem; flex-wrap: wrap; align-items: center; margin: .5rem 0 1rem; }
label { font-weight: 600; font-size: .9rem; }
fieldset { border: 1px solid var(--line); border-radius: 8px; margin: .8rem 0; padding: .4rem .9rem; }
fieldset p { margin: .4rem 0; }
legend { font-weight: 600; padding: 0 .3rem; }
input[type=text], input[type=search], input[type=url], input[type=password], select, textarea {
  font: inherit; padding: .4rem .55rem; border: 1px solid #8a94a6; border-radius: 6px; background: #fff; color: var(--ink); min-width: 12rem; }
button, .button { font: inherit; font-weight: 600; padding: .42rem .9rem; border-radius: 6px; border: 1px solid var(--brand);
  background: var(--brand); color: var(--brand-ink); cursor: pointer; text-decoration: none; display: inline-block; }
button.secondary, .button.secondary { background: #fff; color: var(--brand); }
button.danger { background: var(--bad); border-color: var(--bad); }
button:disabled { opacity: .6; cursor: progress; }
.progress { display: flex; align-items: center; gap: .6rem; margin: .4rem 0; }
progress { width: 100%; max-width: 28rem; height: 1rem; }
pre { background: #0f1626; color: #e6edf7; padding: .7rem .9rem; border-radius: 8px; overflow: auto; font-size: .82rem; max-height: 22rem; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .88em; }
details > summary { cursor: pointer; font-weight: 600; }
.side-by-side { display: grid; grid-template-columns: 1fr 1fr; gap: .8rem; }
.value-box { border: 1px solid var(--line); border-radius: 8px; padding: .6rem .8rem; background: #fbfcfe; }
.value-box h3 { margin: 0 0 .3rem; font-size: .9rem; color: var(--muted); }
.value-box .value { font-size: 1.1rem; font-weight: 600; word-break: break-word; }
.kv { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0; }
.kv dt { color: var(--muted); }
.kv dd { margin: 0; overflow-wrap: anywhere; }
.secret { font-family: ui-monospace, monospace; background: var(--warn-bg); padding: .5rem .7rem; border-radius: 6px; word-break: break-all; }
ul.plain { list-style: none; padding: 0; margin: 0; }
ul.plain li { padding: .35rem 0; border-bottom: 1px solid var(--line); }
@media (max-width: 820px) {
  .frame { grid-template-columns: 1fr; }
  .side { border-right: none; border-bottom: 1px solid var(--line); }
  .side ul { display: flex; flex-wrap: wrap; gap: .2rem; }
  .side-by-side { grid-template-columns: 1fr; }
  main { padding: 1rem; }
}
`;

/** The tab icon: two arrows, one per direction of the sync. */
export const ICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#1f4fbf"/><path d="M7 12h15l-4-4M25 20H10l4 4" fill="none" stroke="#fff" stroke-width="3" stroke-linecap="round" stroke-linejoin="round"/></svg>`;
