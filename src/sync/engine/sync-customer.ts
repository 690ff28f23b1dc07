/**
 * `syncCustomer`: the one function the `sync.customer` job and foreground runs use. It takes the
 * customer's lock, reads its latest stored snapshot (never a GET), maps it, syncs each mapped
 * contact (`contact-sync.ts`), associates the business when enabled, stores the failures of records
 * that failed alone, the skipped contacts and the profile, and clears `dirty` for the version it
 * read — unless something has to be retried, in which case the customer stays dirty.
 */
import type { Json } from '../../store/schema.js';
import { type MappedContact, type SkippedContact, initialTags, mapCustomer } from '../mapping/index.js';
import { buildProfile, type ProfileContact } from '../profile/profile.js';
import { recordAudit } from '../repo/audit.js';
import { type CustomerRecord, finishCustomerSync, getCustomerRecord } from '../repo/customers.js';
import { type NewFailure, recordFailure, resolveFailures } from '../repo/failures.js';
import { type LinkRecord, linksOfCustomer, updateLink } from '../repo/links.js';
import { syncContact } from './contact-sync.js';
import { RecordError, failureFromError, isFatal } from './errors.js';
import { emitRecordFailed } from './record-events.js';
import type { CustomerSyncResult, EngineDeps, SyncCustomerOptions } from './types.js';

const DEFAULT_LOCK_WAIT_MS = 30_000;

/**
 * Syncs one customer from its stored snapshot. Throws only for errors that stop everything
 * (refused credentials, a missing scope); a record GHL refuses is stored as a failure, and a
 * transient error (network, rate limit, 5xx) answers `status: 'deferred'` with the error.
 *
 * @example
 * const r = await syncCustomer(deps, customerId, { cause: 'webhook', matcher: new LookupMatcher(ghl) });
 * if (r.status === 'deferred') throw r.error; // let the job retry
 */
export async function syncCustomer(
  deps: EngineDeps,
  customerId: string,
  options: SyncCustomerOptions,
): Promise<CustomerSyncResult> {
  const waitMs = options.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS;
  const r = await deps.lock.withLock(customerId, () => syncLocked(deps, customerId, options), waitMs);
  if (r.ok) return r.value;
  if (options.tally) {
    options.tally.deferred++;
    options.tally.deferredCustomers.push({ customerId, reason: 'being synced elsewhere (lock held)' });
  }
  return {
    ...empty(customerId),
    status: 'deferred',
    error: new Error(`customer ${customerId} is being synced by another job or process`),
  };
}

function empty(customerId: string): CustomerSyncResult {
  return { customerId, status: 'synced', created: 0, updated: 0, unchanged: 0, skipped: [], failures: [] };
}

async function syncLocked(
  deps: EngineDeps,
  customerId: string,
  options: SyncCustomerOptions,
): Promise<CustomerSyncResult> {
  const db = deps.store.db;
  const record = await getCustomerRecord(db, customerId);
  if (!record) return { ...empty(customerId), status: 'missing' };
  const now = deps.now?.() ?? new Date();
  const mapped = mapCustomer(record.snapshot, deps.mapping);
  const links = new Map<string, LinkRecord>(
    (await linksOfCustomer(db, deps.locationId, customerId)).map((l) => [l.cin7ContactId, l]),
  );
  const result = empty(customerId);
  const failures: NewFailure[] = [];
  for (const s of mapped.skipped) {
    if (s.code === 'invalid_email' || s.code === 'invalid_phone') failures.push(invalidFailure(record, s));
    else result.skipped.push(s);
  }
  const contacts: ProfileContact[] = [];
  let deferred: unknown = null;
  for (const c of mapped.contacts) {
    if (options.signal?.aborted) {
      deferred = new Error('the run was stopped');
      break;
    }
    const link = links.get(c.cin7ContactId) ?? null;
    try {
      const res = await syncContact({
        deps,
        options,
        customer: record,
        c,
        link,
        desiredTags: initialTags(c, record.ruleTags),
      });
      links.set(c.cin7ContactId, res.link);
      contacts.push(res.profile);
      if (res.outcome === 'created') result.created++;
      else if (res.outcome === 'updated') result.updated++;
      else result.unchanged++;
    } catch (e) {
      if (isFatal(e)) throw e;
      if (e instanceof RecordError) {
        failures.push(e.failure);
        contacts.push(unsynced(c, links.get(c.cin7ContactId) ?? link, e.failure.error));
        continue;
      }
      deferred = e;
      break;
    }
  }

  let business: { id: string; name: string } | null = null;
  if (deferred === null && mapped.business && deps.businesses) {
    try {
      business = await associateBusiness(deps, options, record, mapped.contacts, links, mapped.business.name);
    } catch (e) {
      if (isFatal(e)) throw e;
      const failure = failureFromError(e, {
        stage: 'business',
        cin7CustomerId: customerId,
        cin7ContactId: '',
        customerName: record.name ?? customerId,
        contactName: '',
        what: `business association ("${mapped.business.name}")`,
      });
      if (failure) failures.push(failure);
      else deferred = e;
    }
  }

  const status: CustomerSyncResult['status'] =
    deferred !== null
      ? 'deferred'
      : failures.length > 0
        ? result.created + result.updated + result.unchanged > 0
          ? 'partial'
          : 'failed'
        : mapped.contacts.length === 0
          ? 'skipped'
          : 'synced';
  const profile = buildProfile({
    customer: record.snapshot,
    aggregates: record.aggregates,
    ruleTags: record.ruleTags,
    ruleReasons: record.ruleReasons,
    contacts,
    previous: record.profile,
    skipped: result.skipped,
    business,
    cin7ChangedAt: record.cin7ModifiedAt,
    now,
  });
  const ghlTimes = contacts
    .map((c) => (typeof c.ghl?.dateUpdated === 'string' ? Date.parse(c.ghl.dateUpdated) : Number.NaN))
    .filter((t) => !Number.isNaN(t));
  await deps.store.transaction(async (trx) => {
    for (const f of failures) {
      const failure = { ...f, runId: options.runId ?? null };
      await emitRecordFailed(trx, failure, await recordFailure(trx, failure), now);
    }
    if (deferred === null) {
      await resolveFailures(
        trx,
        customerId,
        failures.map((f) => f.cin7ContactId),
      );
    }
    await finishCustomerSync(trx, customerId, record.version, {
      clean: deferred === null,
      status,
      skipped: result.skipped as unknown as Json,
      profile: profile as unknown as Json,
      ghlChangedAt: ghlTimes.length > 0 ? new Date(Math.max(...ghlTimes)) : null,
    });
  });
  result.status = status;
  result.failures = failures;
  if (deferred !== null) result.error = deferred;
  const tally = options.tally;
  if (tally) {
    tally.contactsCreated += result.created;
    tally.contactsUpdated += result.updated;
    tally.unchanged += result.unchanged;
    tally.skipped += result.skipped.length;
    tally.skippedContacts.push(...result.skipped);
    tally.failed += failures.length;
    if (deferred !== null) {
      tally.deferred++;
      tally.deferredCustomers.push({ customerId, reason: errorText(deferred) });
    }
  }
  if (deferred !== null) {
    deps.logger.warn({ err: deferred, customerId }, 'customer sync deferred; it stays dirty and is retried');
  }
  return result;
}

/** The failure stored for a Cin7 contact whose email or phone GHL would refuse. */
function invalidFailure(record: CustomerRecord, s: SkippedContact): NewFailure {
  const contact = record.snapshot.Contacts.find((x) => x.ID === s.cin7ContactId) ?? null;
  return {
    stage: 'map',
    code: s.code,
    cin7CustomerId: s.cin7CustomerId,
    cin7ContactId: s.cin7ContactId,
    error: `Cin7 contact "${s.contactName || s.cin7ContactId}" of customer "${record.name ?? record.id}": ${s.reason}. GHL would refuse it, so it was not sent; fix it in Cin7, then run \`cin7-ghl failures retry\`.`,
    record: contact as unknown as Json,
  };
}

/** The profile entry of a contact that failed this time (its link, if any, as it stands). */
function unsynced(c: MappedContact, link: LinkRecord | null, error: string): ProfileContact {
  return {
    cin7ContactId: c.cin7ContactId,
    contactName: c.contactName,
    ghlContactId: link?.ghlContactId ?? null,
    linkState: link?.state ?? 'none',
    ghl: null,
    notes: null,
    tasks: null,
    businessId: link?.businessId ?? null,
    readAt: null,
    warnings: [error],
  };
}

/** Finds (or creates) the business and associates the customer's linked contacts that are not yet. */
async function associateBusiness(
  deps: EngineDeps,
  options: SyncCustomerOptions,
  record: CustomerRecord,
  contacts: MappedContact[],
  links: Map<string, LinkRecord>,
  name: string,
): Promise<{ id: string; name: string }> {
  const directory = deps.businesses;
  if (!directory) throw new Error('business association is off');
  const businessId = await directory.ensure(name, options.tally, options.signal);
  const pending = contacts
    .map((c) => links.get(c.cin7ContactId))
    .filter(
      (l): l is LinkRecord => !!l && l.state === 'linked' && !!l.ghlContactId && l.businessId !== businessId,
    );
  if (pending.length > 0) {
    await directory.associate(
      businessId,
      pending.map((l) => l.ghlContactId as string),
      options.tally,
      options.signal,
    );
    await deps.store.transaction(async (trx) => {
      for (const l of pending) {
        links.set(l.cin7ContactId, await updateLink(trx, l.id, { businessId }));
        await recordAudit(trx, {
          direction: 'cin7_to_ghl',
          action: 'business',
          cause: options.cause,
          cin7CustomerId: record.id,
          cin7ContactId: l.cin7ContactId,
          ghlContactId: l.ghlContactId,
          fields: ['businessId'],
          before: l.businessId,
          after: businessId,
          runId: options.runId ?? null,
          details: { business: name },
        });
      }
    });
  }
  return { id: businessId, name };
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
