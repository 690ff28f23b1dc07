import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { defineJob } from '../../src/jobs/define.js';
import { JobQueue } from '../../src/jobs/queue.js';
import { silentLogger } from '../../src/log/logger.js';
import { requirePostgres } from '../helpers/requirements.js';
import { type Backend, openTestStore } from '../helpers/store.js';

const pgReq = requirePostgres('job pickup latency (PostgreSQL)');
const ping = defineJob({
  name: 'test.ping',
  schema: z.object({ sentAt: z.number() }),
  retryLimit: 0,
  retryDelaySeconds: 0,
  expireInSeconds: 10,
});

for (const backend of ['pglite', 'postgres'] as Backend[]) {
  describe.skipIf(backend === 'postgres' && !pgReq.available)(`job pickup on ${backend}`, () => {
    it('picks new work up within 0.5 s of the send, even after idling', async () => {
      const t = await openTestStore({ backend });
      const queue = await JobQueue.start(t.store, { logger: silentLogger(), kinds: [ping] });
      try {
        const latencies: number[] = [];
        let notify: (() => void) | null = null;
        await queue.work(ping, { batchSize: 5 }, async ({ sentAt }) => {
          latencies.push(Date.now() - sentAt);
          notify?.();
        });
        await new Promise((r) => setTimeout(r, 1000));
        for (let i = 0; i < 10; i++) {
          // idle for a while, at an offset that does not line up with the polling interval
          await new Promise((r) => setTimeout(r, 300 + ((i * 137) % 400)));
          const picked = new Promise<void>((r) => {
            notify = r;
          });
          await queue.send(ping, { sentAt: Date.now() });
          await picked;
        }
        expect(latencies).toHaveLength(10);
        expect(Math.max(...latencies)).toBeLessThan(500);
      } finally {
        await queue.stop({ graceful: false, timeoutMs: 2000 });
        await t.cleanup();
      }
    }, 60_000);
  });
}
