/**
 * The read-modify-write half of a customer update. Cin7's PUT takes the whole record (what it does
 * with fields, contacts or addresses left out is unconfirmed: the sandbox clears or deletes them),
 * so a change is merged into the record as last read, keeping every field, contact and address id.
 */
import { InputError } from '../errors/index.js';
import { normalizeGuid } from './normalize.js';

/** A JSON object as Cin7 sends or takes it. */
export type RawRecord = Record<string, unknown>;

/** Fields Cin7 returns but a PUT must not carry back. */
const RESPONSE_ONLY = ['ChildCustomers', 'ProductPrices'];

/**
 * The full record to PUT: `current` (the raw record from `GET /customer?ID=`) with `patch` merged
 * in. Top-level fields in `patch` replace the current ones. `Contacts` and `Addresses` entries are
 * matched by `ID` (case-insensitive): a match is updated field by field, an entry without an ID (or
 * with an unknown one) is added, and entries the patch does not mention are kept with their ids.
 * `LastModifiedOn` and response-only fields are dropped; `ID` cannot change.
 *
 * @example
 * const body = mergeCustomer(raw, { Comments: 'VIP', Contacts: [{ ID: raw.Contacts[0].ID, Phone: '+1 555 0100' }] });
 */
export function mergeCustomer(current: RawRecord, patch: RawRecord): RawRecord {
  const id = current.ID;
  if (typeof id !== 'string' || id === '') {
    throw new InputError('cin7 customer update', 'the current record has no ID', 'read it with its ID first');
  }
  if (
    patch.ID !== undefined &&
    (typeof patch.ID !== 'string' || normalizeGuid(patch.ID) !== normalizeGuid(id))
  ) {
    throw new InputError(
      'cin7 customer update body.ID',
      `does not match the customer being updated (${id})`,
      'leave ID out or give the same one',
    );
  }
  const out: RawRecord = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (key === 'ID' || key === 'Contacts' || key === 'Addresses') continue;
    out[key] = value;
  }
  for (const key of ['Contacts', 'Addresses'] as const) {
    if (patch[key] === undefined) continue;
    if (!Array.isArray(patch[key])) {
      throw new InputError(`cin7 customer update body.${key}`, 'is not an array', `give ${key} as [ { … } ]`);
    }
    out[key] = mergeEntries(arrayOf(current[key]), patch[key] as unknown[], key);
  }
  for (const key of RESPONSE_ONLY) delete out[key];
  delete out.LastModifiedOn;
  out.ID = id;
  return out;
}

function arrayOf(value: unknown): RawRecord[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

function mergeEntries(current: RawRecord[], patch: unknown[], key: string): RawRecord[] {
  const merged = current.map((entry) => ({ ...entry }));
  const index = new Map<string, number>();
  merged.forEach((entry, i) => {
    if (typeof entry.ID === 'string') index.set(normalizeGuid(entry.ID), i);
  });
  patch.forEach((entry, i) => {
    if (!isRecord(entry)) {
      throw new InputError(
        `cin7 customer update body.${key}[${i}]`,
        'is not an object',
        'give { … } entries',
      );
    }
    const at = typeof entry.ID === 'string' ? index.get(normalizeGuid(entry.ID)) : undefined;
    if (at === undefined) {
      const { ID: _unknownId, ...fresh } = entry;
      merged.push(fresh);
    } else {
      merged[at] = { ...merged[at], ...entry, ID: merged[at]?.ID };
    }
  });
  return merged;
}

function isRecord(v: unknown): v is RawRecord {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
