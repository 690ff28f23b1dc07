/**
 * Subscriptions from the config file (`events.subscriptions`): created at start with a vault secret
 * (shown by rotating it), delivered like any other, and removed when the file no longer lists them.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emitProductEvent } from '../../src/events/emit.js';
import { type Receiver, receiver, startTestService } from '../service/helpers.js';
import { type Verify, loadDocsVerifier } from './snippet.js';

describe('config subscriptions', () => {
  let hook: Receiver;
  let verify: Verify;
  let root: string | undefined;
  beforeAll(async () => {
    hook = await receiver(200);
    verify = await loadDocsVerifier();
  });
  afterAll(async () => {
    await hook?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('are created at start, deliver signed events, and go when the file drops them', async () => {
    const first = await startTestService({
      patch: (c) => ({ ...c, events: { subscriptions: [{ url: hook.url, events: ['record.failed'] }] } }),
    });
    root = first.root;
    let id: string;
    try {
      const list = (await (await first.call('/api/subscriptions')).json()) as {
        subscriptions: Array<{ id: string; url: string; source: string; events: string[] }>;
      };
      expect(list.subscriptions).toEqual([
        expect.objectContaining({ url: hook.url, source: 'config', events: ['record.failed'] }),
      ]);
      id = list.subscriptions[0]!.id;
      const rotated = (await (
        await first.call(`/api/subscriptions/${id}/secret`, { method: 'POST' })
      ).json()) as { secret: string };
      await emitProductEvent(first.service.ctx.store.db, 'record.failed', {
        cin7CustomerId: 'c-9',
        stage: 'create',
        code: 'api_validation',
        error: 'GHL refused the email',
        at: new Date().toISOString(),
      });
      const [got] = await hook.waitFor(1, 15_000);
      expect(verify(rotated.secret, String(got!.headers['x-cin7ghl-signature']), got!.body)).toBe(true);
    } finally {
      await first.service.stop({ timeoutMs: 2000 });
    }
    // Started again on the same data, with the subscription removed from the file.
    const second = await startTestService({ root, patch: (c) => ({ ...c, events: { subscriptions: [] } }) });
    try {
      const all = (await (await second.call('/api/subscriptions?includeDeleted=true')).json()) as {
        subscriptions: Array<{ id: string; deletedAt: string | null }>;
      };
      expect(all.subscriptions).toEqual([expect.objectContaining({ id, deletedAt: expect.any(String) })]);
    } finally {
      await second.cleanup();
    }
  });
});
