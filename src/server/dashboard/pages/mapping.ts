/**
 * `GET /mapping`: the mapping and tag rules in force (with their files), what the rules give the
 * customers the sync has read (the simulator's output, from the store: no call), and — for a chosen
 * customer — `mapping preview`: the requests the sync would send and the tags it would set, read
 * fresh from Cin7 and GHL (a few read calls, counted, nothing written).
 */
import type { Context } from 'hono';
import { sql } from 'kysely';
import { CallCounter } from '../../../http/counter.js';
import { errorMessage } from '../../../errors/index.js';
import { loadMapping } from '../../../sync/mapping/index.js';
import { type MappingPreview, previewCustomer } from '../../../sync/mapping/preview.js';
import { loadTagRules } from '../../../sync/rules/index.js';
import { type DashboardDeps, plainError, renderPage } from '../context.js';
import { type Html, badge, html, num, pretty } from '../html.js';

function previewBlock(p: MappingPreview, calls: { ghl: number; cin7: number }): Html {
  return html`<section class="panel" aria-labelledby="h-preview" id="preview">
<h2 id="h-preview">Preview: ${p.customer.name} <code>${p.customer.id}</code></h2>
<p class="muted">Read ${calls.cin7} Cin7 and ${calls.ghl} GHL call(s); nothing was written.${p.ghlChecked ? '' : ' GHL was not asked (not connected).'}</p>
<p>Tags from the rules: ${p.rules.tags.length > 0 ? p.rules.tags.map((t, i) => html`${i > 0 ? ' ' : ''}<span class="badge badge-info">${t}</span>`) : '(none)'}</p>
${p.rules.reasons.length > 0 ? html`<ul>${p.rules.reasons.map((r) => html`<li><code>${r.tag}</code> ← ${r.rule}: ${r.why}</li>`)}</ul>` : ''}
${p.contacts.map(
  (
    ct,
  ) => html`<h3>${ct.contactName} <span class="muted">${ct.identity.email ?? ''} ${ct.identity.phone ?? ''}</span></h3>
${ct.warnings.length > 0 ? html`<ul>${ct.warnings.map((w) => html`<li class="error-text">${w}</li>`)}</ul>` : ''}
${
  ct.existing
    ? html`<p>Matches GHL contact <code>${ct.existing.contactId}</code> by ${ct.existing.matchedBy}; fields that would change:
      ${ct.existing.changedFields.length > 0 ? ct.existing.changedFields.join(', ') : 'none'}; tags +${ct.existing.tags.add.join(', ') || '∅'} −${ct.existing.tags.remove.join(', ') || '∅'}.</p>
      ${ct.existing.update ? html`<details open><summary>${ct.existing.update.method} ${ct.existing.update.path}</summary><pre>${pretty(ct.existing.update.body)}</pre></details>` : ''}
      ${ct.existing.upsert ? html`<details><summary>${ct.existing.upsert.method} ${ct.existing.upsert.path}</summary><pre>${pretty(ct.existing.upsert.body)}</pre></details>` : ''}`
    : html`<p>No GHL contact matches: it would be created.</p>`
}
<details${ct.existing ? '' : html` open`}><summary>${ct.create.method} ${ct.create.path} (create)</summary><pre>${pretty(ct.create.body)}</pre></details>`,
)}
${p.skipped.length > 0 ? html`<h3>Skipped</h3><ul>${p.skipped.map((s) => html`<li>${pretty(s)}</li>`)}</ul>` : ''}
</section>`;
}

export async function mappingPage(c: Context, deps: DashboardDeps): Promise<Response> {
  const customer = (c.req.query('customer') ?? '').trim().slice(0, 100);
  let mappingError: string | null = null;
  let rulesError: string | null = null;
  const mapping = (() => {
    try {
      return loadMapping(deps.config);
    } catch (e) {
      mappingError = plainError(e);
      return null;
    }
  })();
  const rules = (() => {
    try {
      return loadTagRules(deps.config);
    } catch (e) {
      rulesError = plainError(e);
      return null;
    }
  })();
  const byTag = await deps.store.db
    .selectFrom(
      sql<{ tag: string }>`(select jsonb_array_elements_text(rule_tags::jsonb) as tag from customers)`.as(
        't',
      ),
    )
    .select(['t.tag', sql<number>`count(*)::int`.as('n')])
    .groupBy('t.tag')
    .orderBy('t.tag')
    .execute()
    .catch(() => [] as Array<{ tag: string; n: number }>);
  const sample = await deps.store.db
    .selectFrom('customers')
    .select(['cin7_customer_id', 'name', 'rule_tags', 'rule_reasons'])
    .where(sql<boolean>`jsonb_array_length(rule_tags::jsonb) > 0`)
    .orderBy('name')
    .limit(25)
    .execute()
    .catch(() => []);

  let preview: Html = html``;
  if (customer && mapping && rules) {
    const before = deps.http.counter.snapshot();
    try {
      const cin7 = await deps.cin7Client();
      const ghl = await deps.ghlClient().catch(() => null);
      const p = await previewCustomer(customer.toLowerCase(), {
        cin7,
        ghl,
        mapping,
        rules,
        locationId: ghl?.locationId ?? deps.config.ghl.locationId ?? null,
      });
      const used = CallCounter.diff(before, deps.http.counter.snapshot()).totals;
      preview = previewBlock(p, { ghl: used.ghl?.calls ?? 0, cin7: used.cin7?.calls ?? 0 });
    } catch (e) {
      deps.logger.info({ err: e, customer }, `mapping preview failed: ${errorMessage(e)}`);
      preview = html`<p class="flash flash-error" id="preview">${plainError(e)}</p>`;
    }
  }

  const body = html`<h1>Mapping and tag rules</h1>
<p class="lead">What the sync writes, where it comes from, and which tags the rules give.</p>
<form method="get" action="/mapping" class="actions" role="search">
  <label for="customer">Preview a Cin7 customer (id)</label>
  <input id="customer" name="customer" type="text" value="${customer}" required>
  <button type="submit">Preview</button>
</form>
${preview}
<section class="panel" aria-labelledby="h-mapping">
<h2 id="h-mapping">Field mapping</h2>
${
  mapping
    ? html`<p class="muted">From ${mapping.source ? html`<code>${mapping.source}</code>` : 'the documented defaults'}; contacts: ${mapping.contacts.select},
    invalid values: ${mapping.contacts.onInvalid}; phone region ${mapping.defaults.phoneRegion}; Cin7 tags ${mapping.tags.enabled ? `as ${mapping.tags.prefix}… (${mapping.tags.direction})` : 'not mapped'};
    business ${mapping.business.enabled ? 'on' : 'off'}.</p>
<div class="table-wrap"><table><caption class="sr-only">Mapped fields</caption>
<thead><tr><th scope="col">GHL field</th><th scope="col">From Cin7</th><th scope="col">Transform</th><th scope="col">Direction</th><th scope="col">Owner</th></tr></thead>
<tbody>${mapping.fields.map(
        (
          f,
        ) => html`<tr><td><code>${f.name}</code></td><td>${f.from.map((s, i) => html`${i > 0 ? ', then ' : ''}<code>${s.path}</code>`)}</td>
<td>${f.transform}</td><td>${f.direction.replace(/_/g, ' ')}${f.createOnly ? ' (on create only)' : ''}</td><td>${f.owner}</td></tr>`,
      )}</tbody></table></div>`
    : html`<p class="flash flash-error">${mappingError ?? 'The mapping could not be read.'}</p>`
}
</section>
<section class="panel" aria-labelledby="h-rules">
<h2 id="h-rules">Tag rules</h2>
${
  rules
    ? rules.rules.length === 0
      ? html`<p>No tag rules are configured (set <code>sync.tagRulesFile</code>).</p>`
      : html`<p class="muted">From <code>${rules.source ?? '?'}</code>; owned tags: ${[...rules.owned.tags, ...rules.owned.prefixes.map((p) => `${p}*`)].join(', ') || 'none'}.</p>
<div class="table-wrap"><table><caption class="sr-only">Rules</caption>
<thead><tr><th scope="col">Rule</th><th scope="col">Tag</th><th scope="col">When</th></tr></thead>
<tbody>${rules.rules.map((r) => html`<tr><td>${r.name}</td><td><code>${r.tag.text}</code></td><td><code>${r.when ? JSON.stringify(r.when) : 'always'}</code></td></tr>`)}</tbody></table></div>`
    : html`<p class="flash flash-error">${rulesError ?? 'The tag rules could not be read.'}</p>`
}
</section>
<section class="panel" aria-labelledby="h-sim" id="rules-simulation" data-region data-topics="records">
<h2 id="h-sim">Rules simulator</h2>
<p class="muted">The tags the rules give the customers the sync has read (from their purchases), before anything is written to GHL.</p>
${
  byTag.length === 0
    ? html`<p>No customer gets a tag${rules?.rules.length ? ' yet (the first sync reads the sales)' : ''}.</p>`
    : html`<p>${byTag.map((t, i) => html`${i > 0 ? ' · ' : ''}<span class="badge badge-info">${t.tag}</span> ${num(t.n)}`)}</p>
<div class="table-wrap"><table><caption class="sr-only">Customers and their tags</caption>
<thead><tr><th scope="col">Customer</th><th scope="col">Tags</th><th scope="col">Why</th></tr></thead>
<tbody>${sample.map((s) => {
        const reasons = Array.isArray(s.rule_reasons)
          ? (s.rule_reasons as Array<{ tag?: string; why?: string }>)
          : [];
        return html`<tr><td><a href="/mapping?customer=${s.cin7_customer_id}">${s.name ?? s.cin7_customer_id}</a></td>
<td>${s.rule_tags.map((t, i) => html`${i > 0 ? ' ' : ''}${badge(t)}`)}</td><td>${reasons.map((r, i) => html`${i > 0 ? html`<br>` : ''}<code>${r.tag ?? ''}</code>: ${r.why ?? ''}`)}</td></tr>`;
      })}</tbody></table></div>`
}
</section>`;
  return renderPage(c, deps, { title: 'Mapping and rules', nav: 'mapping', body });
}
