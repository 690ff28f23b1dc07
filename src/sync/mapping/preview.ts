/**
 * `cin7-ghl mapping preview`: one Cin7 customer → the GHL requests the mapping produces, built by
 * the same functions the sync writes with (`createBody`, `updateBody`, `upsertBody`,
 * `initialTags`), and — when GHL is reachable — the contact it would update and which fields would
 * change. Reads only: `GET /customer`, a sale search (when tag rules exist), and on GHL the custom
 * field list, the duplicate lookup and `GET /contacts/:id`.
 */
import type { Cin7Client } from '../../cin7/client.js';
import { InputError } from '../../errors/index.js';
import type { GhlClient } from '../../ghl/client.js';
import { computeAggregates } from '../rules/aggregates.js';
import { evaluateTags } from '../rules/evaluate.js';
import { tagDelta } from '../rules/ownership.js';
import { salesOfCustomer } from '../rules/simulate.js';
import type { TagEvaluation, TagRules } from '../rules/types.js';
import { createBody, initialTags, planWrites, upsertBody } from './bodies.js';
import { needsCustomFieldIds, withCustomFieldIds } from './custom-fields.js';
import { mapCustomer } from './map.js';
import { isCin7OwnedTag, readGhlContact } from './reverse.js';
import type { MappingConfig, SkippedContact } from './types.js';

/** A request exactly as the sync would send it. */
export interface PreviewRequest {
  method: 'POST' | 'PUT';
  path: string;
  body: unknown;
}

export interface ContactPreview {
  cin7ContactId: string;
  contactName: string;
  identity: { email: string | null; phone: string | null };
  /**
   * The create request, used when no GHL contact matches: an upsert, as the engine sends it (it
   * matches a contact a lost answer created instead of making a second one).
   */
  create: PreviewRequest;
  /** The GHL contact found by the duplicate lookup (email, then phone), and what would change. */
  existing: {
    contactId: string;
    matchedBy: 'email' | 'phone';
    changedFields: string[];
    update: PreviewRequest | null;
    upsert: PreviewRequest | null;
    tags: { add: string[]; remove: string[] };
  } | null;
  warnings: string[];
}

export interface MappingPreview {
  customer: { id: string; name: string; status: string | null; isCompany: boolean };
  business: { name: string } | null;
  contacts: ContactPreview[];
  skipped: SkippedContact[];
  /** Tags from the rules (empty without rules), with why. */
  rules: TagEvaluation;
  /** False when GHL was not asked (no `GHL_TOKEN`): `existing` is then null everywhere. */
  ghlChecked: boolean;
  /** The location id in the bodies, or null when unknown (a placeholder is shown in its place). */
  locationId: string | null;
}

export interface PreviewDeps {
  cin7: Cin7Client;
  ghl: GhlClient | null;
  mapping: MappingConfig;
  rules: TagRules;
  locationId: string | null;
  now?: Date;
}

/** Shown in bodies when the GHL location is not configured. */
export const LOCATION_PLACEHOLDER = '<ghl.locationId>';

/**
 * @example
 * const preview = await previewCustomer(id, { cin7, ghl, mapping, rules, locationId: config.ghl.locationId ?? null });
 */
export async function previewCustomer(customerId: string, deps: PreviewDeps): Promise<MappingPreview> {
  const customer = await deps.cin7.getCustomer(customerId);
  if (!customer) {
    throw new InputError(
      'mapping preview',
      `no Cin7 customer with ID ${customerId}`,
      'check the ID (cin7-ghl ops call cin7.customers.list --params \'{"Name":"…"}\')',
    );
  }
  let mapping = deps.mapping;
  if (deps.ghl && needsCustomFieldIds(mapping)) {
    mapping = withCustomFieldIds(mapping, await deps.ghl.listCustomFields());
  }
  const now = deps.now ?? new Date();
  let evaluation: TagEvaluation = { tags: [], reasons: [] };
  if (deps.rules.rules.length > 0) {
    const aggregates = computeAggregates(await salesOfCustomer(deps.cin7, customer), now, deps.rules);
    evaluation = evaluateTags(customer, aggregates, deps.rules, now);
  }
  const result = mapCustomer(customer, mapping);
  const location = deps.locationId ?? LOCATION_PLACEHOLDER;
  const contacts: ContactPreview[] = [];
  for (const c of result.contacts) {
    const tags = initialTags(c, evaluation.tags);
    const preview: ContactPreview = {
      cin7ContactId: c.cin7ContactId,
      contactName: c.contactName,
      identity: c.identity,
      create: { method: 'POST', path: '/contacts/upsert', body: createBody(c, location, tags) },
      existing: null,
      warnings: c.warnings,
    };
    if (deps.ghl) {
      const found = await findExisting(deps.ghl, c.identity);
      if (found) {
        const values = readGhlContact(await deps.ghl.getContact(found.id), mapping);
        const changed = Object.keys(c.fields).filter((f) => values.hashes[f] !== c.hashes[f]);
        const plan = planWrites(c, changed);
        preview.existing = {
          contactId: found.id,
          matchedBy: found.by,
          changedFields: changed,
          update: plan.update ? { method: 'PUT', path: `/contacts/${found.id}`, body: plan.update } : null,
          upsert:
            plan.upsertFields.length > 0
              ? { method: 'POST', path: '/contacts/upsert', body: upsertBody(c, location, plan.upsertFields) }
              : null,
          tags: tagDelta(values.tags, tags, deps.rules, { alsoOwned: (t) => isCin7OwnedTag(t, mapping) }),
        };
      }
    }
    contacts.push(preview);
  }
  return {
    customer: { id: customer.ID, name: customer.Name, status: customer.Status, isCompany: result.isCompany },
    business: result.business,
    contacts,
    skipped: result.skipped,
    rules: evaluation,
    ghlChecked: deps.ghl !== null,
    locationId: deps.locationId,
  };
}

/** The duplicate lookup, by email first, then phone. */
async function findExisting(
  ghl: GhlClient,
  identity: { email: string | null; phone: string | null },
): Promise<{ id: string; by: 'email' | 'phone' } | null> {
  if (identity.email) {
    const hit = await ghl.findDuplicate({ email: identity.email });
    if (hit?.id) return { id: hit.id, by: 'email' };
  }
  if (identity.phone) {
    const hit = await ghl.findDuplicate({ number: identity.phone });
    if (hit?.id) return { id: hit.id, by: 'phone' };
  }
  return null;
}
