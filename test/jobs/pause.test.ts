/** The schedules' pause: one setting in the store; only passes asked for by a schedule are skipped. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSchedulePause, scheduledPassPaused, setSchedulePause } from '../../src/jobs/pause.js';
import { type TestStore, openTestStore } from '../helpers/store.js';

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
});
