/**
 * `failures retry <id|--all>`: the customers of the chosen open failures are read again from Cin7
 * (one GET each: the user has probably just fixed the data there, and the feed may not have seen it
 * yet), stored, and synced. A record that now syncs resolves its failure; one that fails again
 * keeps it, with the new error and one more attempt.
 */
import { parseCin7Date } from '../../cin7/normalize.js';
import { InputError } from '../../errors/index.js';
import { CallCounter } from '../../http/counter.js';
import { loadMapping, needsCustomFieldIds, withCustomFieldIds } from '../mapping/index.js';
import { upsertSnapshots } from '../repo/customers.js';
import { type FailureRecord, getFailure, listFailures } from '../repo/failures.js';
import { clearWithheld } from '../repo/links.js';
import { finishRun, startRun } from '../repo/runs.js';
import { loadTagRules } from '../rules/index.js';
import { BusinessDirectory } from './business.js';
import { isFatal } from './errors.js';
import { type CustomerLock, customerLockFor } from './lock.js';
import { LookupMatcher } from './matcher.js';
import { desiredTagsOf } from './rule-tags.js';
import type { SyncRunDeps } from './run.js';
import { syncCustomer } from './sync-customer.js';
import { RunTally } from './tally.js';
import type { EngineDeps } from './types.js';

export interface RetryOptions {
  /** Failure ids to retry. */
  ids?: string[];
  /** Every open failure. */
  all?: boolean;
  signal?: AbortSignal;
}

export interface RetryReport {
  runId: string;
  /** Failures asked for. */
  retried: number;
  customers: number;
  /** Of those failures, how many are now resolved. */
  resolved: number;
  /** The ones still failing, with their current error. */
  stillFailing: Array<{
    id: string;
    cin7CustomerId: string;
    cin7ContactId: string;
    code: string;
    error: string;
  }>;
  /** Customers no longer in Cin7, or deferred (transient errors): their failures stay open. */
  notRetried: Array<{ cin7CustomerId: string; reason: string }>;
  calls: { ghl: number; cin7: number };
}

/**
 * Retries failures.
 *
 * @example
 * const r = await retryFailures({ store, config, logger, ...clients }, { all: true });
 */
export async function retryFailures(deps: SyncRunDeps, options: RetryOptions): Promise<RetryReport> {
  const { store, cin7, ghl, counter } = deps;
  const db = store.db;
  let chosen: FailureRecord[];
  if (options.all) chosen = await listFailures(db, { status: 'open', limit: 100_000 });
  else {
    chosen = [];
    for (const id of options.ids ?? []) {
      const f = await getFailure(db, id);
      if (!f)
        throw new InputError(`failure ${id}`, 'no such failure', 'list them with `cin7-ghl failures list`');
      if (f.status !== 'open')
        throw new InputError(
          `failure ${id}`,
          'is already resolved',
          'list the open ones with `cin7-ghl failures list`',
        );
      chosen.push(f);
    }
  }
  const customers = [...new Set(chosen.map((f) => f.cin7CustomerId))];
  const runId = await startRun(db, { kind: 'retry', mode: 'incremental', trigger: 'manual' });
  const before = counter.snapshot();
  let mapping = deps.mapping ?? loadMapping(deps.config);
  const rules = deps.rules ?? loadTagRules(deps.config);
  const ownLock = deps.lock ? null : customerLockFor(store);
  const lock = deps.lock ?? (ownLock as CustomerLock);
  const notRetried: RetryReport['notRetried'] = [];
  const tally = new RunTally();
  let fatal: unknown = null;
  try {
    if (customers.length > 0 && needsCustomFieldIds(mapping)) {
      mapping = withCustomFieldIds(mapping, await ghl.listCustomFields());
    }
    const now = deps.now ?? (() => new Date());
    const engine: EngineDeps = {
      store,
      ghl,
      locationId: deps.locationId,
      mapping,
      rules,
      logger: deps.logger,
      lock,
      now,
      businesses: deps.config.sync.businesses && mapping.business.enabled ? new BusinessDirectory(ghl) : null,
      ...(deps.hooks ? { hooks: deps.hooks } : {}),
    };
    const matcher = new LookupMatcher(ghl);
    for (const id of customers) {
      if (options.signal?.aborted) {
        notRetried.push({ cin7CustomerId: id, reason: 'stopped' });
        continue;
      }
      const fresh = await cin7.getCustomer(id, options.signal);
      if (!fresh) {
        notRetried.push({ cin7CustomerId: id, reason: 'the customer is no longer in Cin7' });
        continue;
      }
      await store.transaction(async (trx) => {
        const desired = (await desiredTagsOf(trx, [fresh], rules, now())).get(fresh.ID);
        const ms = parseCin7Date(fresh.LastModifiedOn);
        await upsertSnapshots(trx, [
          {
            customer: fresh,
            modifiedAt: ms === null ? null : new Date(ms),
            aggregates: desired?.aggregates ?? null,
            ruleTags: desired?.ruleTags ?? [],
            ruleReasons: desired?.ruleReasons ?? [],
          },
        ]);
        // The user says the data is fixed: values held back before are tried again.
        await clearWithheld(trx, id);
      });
      const r = await syncCustomer(engine, id, {
        cause: 'manual',
        matcher,
        runId,
        tally,
        signal: options.signal,
      });
      if (r.status === 'deferred') {
        notRetried.push({
          cin7CustomerId: id,
          reason: r.error instanceof Error ? r.error.message : 'deferred',
        });
      }
    }
  } catch (e) {
    if (!isFatal(e)) throw e;
    fatal = e;
  } finally {
    await ownLock?.close();
  }
  const after = await Promise.all(chosen.map((f) => getFailure(db, f.id)));
  const open = await listFailures(db, { status: 'open', limit: 100_000 });
  const openByRecord = new Map(open.map((f) => [`${f.cin7CustomerId}\u0000${f.cin7ContactId}`, f]));
  const stillFailing: RetryReport['stillFailing'] = [];
  let resolved = 0;
  for (const f of after) {
    if (!f) continue;
    const current = openByRecord.get(`${f.cin7CustomerId}\u0000${f.cin7ContactId}`);
    if (f.status === 'resolved' && !current) resolved++;
    else {
      const now = current ?? f;
      stillFailing.push({
        id: now.id,
        cin7CustomerId: now.cin7CustomerId,
        cin7ContactId: now.cin7ContactId,
        code: now.code,
        error: now.error,
      });
    }
  }
  const used = CallCounter.diff(before, counter.snapshot()).totals;
  const calls = { ghl: used.ghl?.calls ?? 0, cin7: used.cin7?.calls ?? 0 };
  await finishRun(db, runId, {
    status: fatal ? 'failed' : stillFailing.length > 0 || notRetried.length > 0 ? 'partial' : 'completed',
    counts: {
      retried: chosen.length,
      customers: customers.length,
      resolved,
      stillFailing: stillFailing.length,
    },
    calls,
    minimumCalls: {},
    timings: {},
    error: fatal ? (fatal as Error).message : null,
  });
  if (fatal) throw fatal;
  return {
    runId,
    retried: chosen.length,
    customers: customers.length,
    resolved,
    stillFailing,
    notRetried,
    calls,
  };
}
