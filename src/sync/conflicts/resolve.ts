/**
 * Resolving an open conflict by hand (`cin7-ghl conflicts resolve <id> --take cin7|ghl|value '<v>'`,
 * and the REST API): both sides are read again, the chosen value is written to the side(s) that do
 * not hold it — as far as the field's mapping lets it flow; a side it cannot flow to keeps its value
 * and the link remembers that on purpose —, audited with cause `manual`, and the link's hashes are
 * updated so the next reconciliation finds the record in sync.
 */
import type { Cin7Client } from '../../cin7/client.js';
import type { Config } from '../../config/load.js';
import { InputError } from '../../errors/index.js';
import type { GhlClient } from '../../ghl/client.js';
import { NotFoundError } from '../../http/errors.js';
import type { Logger } from '../../log/logger.js';
import type { Store } from '../../store/open.js';
import type { Json } from '../../store/schema.js';
import { type CustomerLock, customerLockFor } from '../engine/lock.js';
import {
  type FieldValue,
  type GhlContactLike,
  type MappingConfig,
  forward,
  fromGhl,
  hashValue,
  loadMapping,
  mapCustomer,
  needsCustomFieldIds,
  readGhlContact,
  withCustomFieldIds,
} from '../mapping/index.js';
import { linkById } from '../repo/links.js';
import { type TagRules, loadTagRules } from '../rules/index.js';
import { cin7ValueOf, fieldFlow } from '../reconcile/classify.js';
import { type RecordFix, applyFix } from '../reconcile/write.js';
import { type ConflictRecord, getConflict, markResolved } from './repo.js';

export interface ResolveDeps {
  store: Store;
  config: Config;
  logger: Logger;
  ghl: GhlClient;
  cin7: Cin7Client;
  locationId: string;
  mapping?: MappingConfig;
  rules?: TagRules;
  lock?: CustomerLock;
}

/** Which value wins: Cin7's, GHL's (as they are now), or one given (as GHL would show it). */
export type Take = { take: 'cin7' } | { take: 'ghl' } | { take: 'value'; value: string };

export interface ResolveResult {
  conflict: ConflictRecord;
  /** The value both sides (as far as the mapping lets it flow) now hold, normalised. */
  value: FieldValue;
  written: { ghl: string[]; cin7: string[] };
  /** Sides that keep their own value because the field does not flow to them. */
  kept: Array<'ghl' | 'cin7'>;
  warnings: string[];
}

/**
 * Resolves an open conflict. Throws `InputError` for an unknown or closed conflict, a value the
 * field cannot take, or a record no longer linked; `RecordError` when a side refuses the write.
 *
 * @example
 * await resolveConflict({ store, config, logger, ...clients }, '12', { take: 'ghl' });
 */
export async function resolveConflict(deps: ResolveDeps, id: string, take: Take): Promise<ResolveResult> {
  const conflict = await getConflict(deps.store.db, id);
  if (!conflict) {
    throw new InputError(
      'conflicts resolve',
      `no conflict #${id}`,
      'list them with `cin7-ghl conflicts list`',
    );
  }
  if (conflict.status !== 'open') {
    throw new InputError(
      'conflicts resolve',
      `conflict #${id} is already ${conflict.status}${conflict.resolution ? ` (${conflict.resolution})` : ''}`,
      'only open conflicts can be resolved; `cin7-ghl conflicts list` shows them',
    );
  }
  let mapping = deps.mapping ?? loadMapping(deps.config);
  if (needsCustomFieldIds(mapping)) mapping = withCustomFieldIds(mapping, await deps.ghl.listCustomFields());
  const rules = deps.rules ?? loadTagRules(deps.config);
  const spec = mapping.fields.find((f) => f.name === conflict.field);
  if (!spec) {
    throw new InputError(
      'conflicts resolve',
      `the mapping no longer maps the field "${conflict.field}"`,
      'restore the field in the mapping file, or leave the conflict: it is superseded by the next reconciliation',
    );
  }
  let wanted: FieldValue | undefined;
  if (take.take === 'value') {
    const region = mapping.defaults.phoneRegion;
    if (spec.transform === 'email' || spec.transform === 'phone') {
      const out = forward(spec.transform, take.value, { phoneRegion: region });
      if ('invalid' in out) {
        throw new InputError(
          '--take value',
          `"${take.value}" is not a valid ${spec.transform}`,
          `give a valid ${spec.transform}`,
        );
      }
      wanted = out.value;
    } else wanted = fromGhl(spec.transform, take.value, { phoneRegion: region });
  }
  const ownLock = deps.lock ? null : customerLockFor(deps.store);
  const lock = deps.lock ?? (ownLock as CustomerLock);
  try {
    const r = await lock.withLock(
      conflict.cin7CustomerId,
      async () => {
        const link = await linkById(deps.store.db, conflict.linkId);
        if (link?.state !== 'linked' || !link.ghlContactId) {
          throw new InputError(
            'conflicts resolve',
            `the record of conflict #${id} is no longer linked`,
            'nothing to resolve: the next reconciliation marks it superseded',
          );
        }
        let contact: GhlContactLike;
        try {
          contact = (await deps.ghl.getContact(link.ghlContactId)) as GhlContactLike;
        } catch (e) {
          if (e instanceof NotFoundError) {
            throw new InputError(
              'conflicts resolve',
              `GHL contact ${link.ghlContactId} is gone`,
              'the next reconciliation unlinks it',
            );
          }
          throw e;
        }
        const customer = await deps.cin7.getCustomer(link.cin7CustomerId);
        const c = customer
          ? mapCustomer(customer, mapping).contacts.find((x) => x.cin7ContactId === link.cin7ContactId)
          : undefined;
        if (!c) {
          throw new InputError(
            'conflicts resolve',
            `Cin7 customer ${link.cin7CustomerId} (contact ${link.cin7ContactId}) is no longer there or no longer mapped`,
            'the next reconciliation settles it',
          );
        }
        const ghlNow = readGhlContact(contact, mapping, { shape: 'contact' });
        const cv = cin7ValueOf(c, spec.name);
        const gv = ghlNow.fields[spec.name] ?? null;
        const value: FieldValue = take.take === 'cin7' ? cv : take.take === 'ghl' ? gv : (wanted ?? null);
        const flow = fieldFlow(spec);
        const h = hashValue(value);
        const toGhl = flow.toGhl && hashValue(gv) !== h;
        const toCin7 = flow.toCin7 && hashValue(cv) !== h;
        const gFinal = toGhl ? value : gv;
        const cFinal = toCin7 ? value : cv;
        const kept: Array<'ghl' | 'cin7'> = [];
        if (hashValue(gFinal) !== h) kept.push('ghl');
        if (hashValue(cFinal) !== h) kept.push('cin7');
        const agree = hashValue(gFinal) === hashValue(cFinal);
        const fix: RecordFix = {
          link,
          c,
          ghlContact: contact,
          toGhl: toGhl ? [{ field: spec.name, value }] : [],
          toCin7: toCin7 ? [{ field: spec.name, value }] : [],
          tagsToGhl: null,
          tagsToCin7: false,
          keep: agree ? [] : [{ field: spec.name, cin7Hash: hashValue(cFinal), ghlHash: hashValue(gFinal) }],
          rebase: agree ? { [spec.name]: h } : {},
        };
        const res = await applyFix(
          {
            store: deps.store,
            ghl: deps.ghl,
            cin7: deps.cin7,
            locationId: deps.locationId,
            mapping,
            rules,
            runId: null,
            cause: 'manual',
            details: { conflictId: conflict.id, take: take.take },
          },
          fix,
        );
        await markResolved(deps.store.db, conflict.id, {
          resolution: take.take,
          value: value as Json,
          by: 'manual',
          note: kept.length > 0 ? `kept on ${kept.join(' and ')}: the field does not flow there` : null,
        });
        return {
          value,
          written: { ghl: res.writtenGhl, cin7: res.writtenCin7 },
          kept,
          warnings: res.warnings,
        };
      },
      30_000,
    );
    if (!r.ok) {
      throw new InputError(
        'conflicts resolve',
        `customer ${conflict.cin7CustomerId} is being synced right now`,
        'try again in a moment',
      );
    }
    const updated = (await getConflict(deps.store.db, id)) as ConflictRecord;
    return { conflict: updated, ...r.value };
  } finally {
    await ownLock?.close();
  }
}
