/**
 * The schedules' pause: one setting in the store; only passes asked for by a schedule are skipped —
 * checked on the setting itself, and on the two job handlers that honour it (the Cin7 feed passes
 * of the sync, the reconciliation), whose workers are caught with a recording queue.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FeedWorkerDeps, cin7CustomerFeedJob, startCin7FeedWorkers } from '../../src/cin7/feed-jobs.js';
import { readSchedulePause, scheduledPassPaused, setSchedulePause } from '../../src/jobs/pause.js';
import type { JobHandler, JobQueue } from '../../src/jobs/queue.js';
import { silentLogger } from '../../src/log/logger.js';
import { registerReconcile } from '../../src/sync/reconcile/schedule.js';
import type { ReconcileDeps } from '../../src/sync/reconcile/types.js';
import { type TestStore, openTestStore } from '../helpers/store.js';

/** A queue that only keeps the handlers given to `work`, by job kind name. */
function recordingQueue(): { queue: JobQueue; handlers: Map<string, JobHandler<unknown>> } {
  const handlers = new Map<string, JobHandler<unknown>>();
  const queue = {
    register: async () => {},
    schedule: async () => {},
    work: async (kind: { name: string }, _opts: unknown, handler: JobHandler<unknown>) => {
      handlers.set(kind.name, handler);
    },
  } as unknown as JobQueue;
  return { queue, handlers };
}

const job = { id: 'j1', retryCount: 0, signal: new AbortController().signal };

describe('schedule pause', () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore({ backend: 'pglite' });
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('is off until set; each schedule changes alone; only scheduled passes are skipped', async () => {
    const db = t.store.db;
    expect(await readSchedulePause(db)).toEqual({ sync: false, reconcile: false, changedAt: null });
    const paused = await setSchedulePause(db, { sync: true });
    expect(paused).toMatchObject({ sync: true, reconcile: false });
    expect(Date.parse(paused.changedAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
    expect(await scheduledPassPaused(db, 'sync', 'schedule')).toBe(true);
    expect(await scheduledPassPaused(db, 'sync', 'webhook')).toBe(false);
    expect(await scheduledPassPaused(db, 'sync', undefined)).toBe(false);
    expect(await scheduledPassPaused(db, 'reconcile', 'schedule')).toBe(false);
    await setSchedulePause(db, { reconcile: true });
    expect(await readSchedulePause(db)).toMatchObject({ sync: true, reconcile: true });
    await setSchedulePause(db, { sync: false, reconcile: false });
    expect(await readSchedulePause(db)).toMatchObject({ sync: false, reconcile: false });
    expect(await scheduledPassPaused(db, 'sync', 'schedule')).toBe(false);
  });

  it('a paused sync skips the scheduled Cin7 pass, not a webhook pass', async () => {
    const { queue, handlers } = recordingQueue();
    const asked: string[] = [];
    await startCin7FeedWorkers({
      store: t.store,
      queue,
      logger: silentLogger(),
      client: async (connectionId) => {
        asked.push(connectionId);
        throw new Error('no Cin7 here');
      },
      consumers: { customers: async () => {} } as unknown as FeedWorkerDeps['consumers'],
    });
    const handler = handlers.get(cin7CustomerFeedJob.name);
    if (!handler) throw new Error('no feed worker');
    await setSchedulePause(t.store.db, { sync: true });
    await handler({ connectionId: 'cin7:a', reason: 'schedule' }, job);
    expect(asked).toEqual([]);
    await expect(handler({ connectionId: 'cin7:a', reason: 'webhook' }, job)).rejects.toThrow('no Cin7 here');
    expect(asked).toEqual(['cin7:a']);
    await setSchedulePause(t.store.db, { sync: false });
    await expect(handler({ connectionId: 'cin7:b', reason: 'schedule' }, job)).rejects.toThrow(
      'no Cin7 here',
    );
    expect(asked).toEqual(['cin7:a', 'cin7:b']);
  });

  it('a paused reconciliation skips the scheduled run, not one asked for by hand', async () => {
    const { queue, handlers } = recordingQueue();
    // Deps without clients: a run that really starts fails on them, which shows it started.
    const deps = { store: t.store, config: t.config, logger: silentLogger() } as unknown as ReconcileDeps;
    await registerReconcile(queue, deps, { schedule: false });
    const handler = handlers.get('sync.reconcile');
    if (!handler) throw new Error('no reconcile worker');
    await setSchedulePause(t.store.db, { reconcile: true });
    await handler({ mode: 'apply', trigger: 'schedule' }, job);
    await handler({ mode: 'apply' }, job);
    await expect(handler({ mode: 'plan', trigger: 'manual' }, job)).rejects.toThrow();
    await setSchedulePause(t.store.db, { reconcile: false });
    await expect(handler({ mode: 'apply', trigger: 'schedule' }, job)).rejects.toThrow();
  });
});
