/**
 * The daily refresh of idle GHL connections as a job: scheduled every day in the configured time
 * zone, and its worker refreshing the connections whose token pair is older than 20 hours.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/load.js';
import { getGhlConnection, ghlConnectionId } from '../../src/ghl/connections.js';
import { ghlHttpClient } from '../../src/ghl/factory.js';
import { GHL_IDLE_REFRESH_CRON, ghlRefreshIdleJob, startGhlJobs } from '../../src/ghl/jobs.js';
import { JobQueue } from '../../src/jobs/queue.js';
import { silentLogger } from '../../src/log/logger.js';
import { type GhlSandbox, startGhlSandbox } from '../../sandbox/ghl/index.js';
import { connectGhlViaSandbox, withGhlSandbox } from '../helpers/ghl-connect.js';
import { type TestStore, openTestStore } from '../helpers/store.js';

const logger = silentLogger();

describe('daily refresh of idle GHL connections (job)', () => {
  let sb: GhlSandbox;
  let t: TestStore;
  let queue: JobQueue;
  let config: Config;

  beforeAll(async () => {
    sb = await startGhlSandbox({ seed: 19 });
    t = await openTestStore({ backend: 'pglite' });
    config = { ...withGhlSandbox(t.config, sb), timeZone: 'Australia/Sydney' };
    queue = await JobQueue.start(t.store, {
      logger,
      kinds: [ghlRefreshIdleJob],
      superviseIntervalSeconds: 1,
    });
  });
  afterAll(async () => {
    await queue?.stop({ graceful: false, timeoutMs: 2_000 });
    await t?.cleanup();
    await sb?.close();
  });

  it('is scheduled daily in the configured time zone, and its run refreshes only idle connections', async () => {
    const http = ghlHttpClient(config, logger);
    await connectGhlViaSandbox({ store: t.store, config, http, logger }, sb);
    await startGhlJobs(queue, { store: t.store, http, config, logger });
    expect(await queue.schedules(ghlRefreshIdleJob)).toEqual([
      expect.objectContaining({ cron: GHL_IDLE_REFRESH_CRON, tz: 'Australia/Sydney' }),
    ]);
    const id = ghlConnectionId(sb.locationId);
    // Fresh: a run changes nothing.
    await queue.send(ghlRefreshIdleJob, {});
    await waitFor(async () => (await queue.counts(ghlRefreshIdleJob)).completed === 1);
    expect((await getGhlConnection(t.store.db, id))!.tokenVersion).toBe(1);
    // Idle for two days: the next run rotates its pair.
    await t.store.db
      .updateTable('connections')
      .set({ token_refreshed_at: new Date(Date.now() - 2 * 86_400_000) })
      .where('id', '=', id)
      .execute();
    const before = sb.control.stats().oauth.refreshes;
    await queue.send(ghlRefreshIdleJob, {});
    await waitFor(async () => (await getGhlConnection(t.store.db, id))!.tokenVersion === 2);
    expect(sb.control.stats().oauth.refreshes).toBe(before + 1);
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
