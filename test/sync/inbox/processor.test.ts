/**
 * The inbox processor: a stored GHL `AppUninstall` is dispatched to `handleGhlAppUninstall` (the
 * connection stops), an event nobody handles yet is marked `ignored`, a failing handler leaves the
 * row `pending` with its error until the last attempt marks it `failed`; and through the job queue,
 * a delivery stored with its job is processed once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobQueue } from '../../../src/jobs/queue.js';
import { silentLogger } from '../../../src/log/logger.js';
import {
  type InboxHandlers,
  defaultInboxHandlers,
  inboxJob,
  processInboxRow,
  startInboxProcessor,
} from '../../../src/sync/inbox/processor.js';
import { type TestStore, openTestStore } from '../../helpers/store.js';

const logger = silentLogger();
let t: TestStore;

async function stored(source: string, body: unknown, dedupe: string): Promise<string> {
  const row = await t.store.db
    .insertInto('inbox')
    .values({ source, dedupe_key: dedupe, headers: '{}', body: Buffer.from(JSON.stringify(body)) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

async function row(id: string) {
  return t.store.db.selectFrom('inbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

beforeAll(async () => {
  t = await openTestStore({ backend: 'pglite' });
  await t.store.db
    .insertInto('connections')
    .values({ id: 'ghl:LOC1', api: 'ghl', account_id: 'LOC1', auth_mode: 'oauth', details: '{}' })
    .execute();
}, 60_000);

afterAll(async () => {
  await t?.cleanup();
});

describe('inbox processor', () => {
  it('AppUninstall stops the connection; the row is done; a second run changes nothing', async () => {
    const id = await stored(
      'ghl',
      { type: 'UNINSTALL', appId: 'app', locationId: 'LOC1', webhookId: 'w1' },
      'w1',
    );
    expect(await processInboxRow({ store: t.store, logger }, id, defaultInboxHandlers())).toBe('done');
    const r = await row(id);
    expect(r.status).toBe('done');
    expect(r.attempts).toBe(1);
    const c = await t.store.db
      .selectFrom('connections')
      .select('status')
      .where('id', '=', 'ghl:LOC1')
      .executeTakeFirst();
    expect(c?.status).toBe('uninstalled');
    expect(await processInboxRow({ store: t.store, logger }, id, defaultInboxHandlers())).toBe('skipped');
  });

  it('an event nobody handles yet is ignored; an unknown row is missing', async () => {
    const id = await stored(
      'ghl',
      { type: 'ContactCreate', id: 'c1', locationId: 'LOC1', webhookId: 'w2' },
      'w2',
    );
    expect(await processInboxRow({ store: t.store, logger }, id, defaultInboxHandlers())).toBe('ignored');
    expect((await row(id)).status).toBe('ignored');
    expect(await processInboxRow({ store: t.store, logger }, '999999', defaultInboxHandlers())).toBe(
      'missing',
    );
  });

  it('a failing handler: pending with the error until the last attempt, then failed', async () => {
    const id = await stored('ghl', { type: 'NoteCreate', id: 'n1', contactId: 'c1', webhookId: 'w3' }, 'w3');
    const failing: InboxHandlers = {
      ghl: {
        NoteCreate: async () => {
          throw new Error('GHL is down');
        },
      },
    };
    await expect(processInboxRow({ store: t.store, logger }, id, failing, { final: false })).rejects.toThrow(
      'GHL is down',
    );
    expect(await row(id)).toMatchObject({ status: 'pending', attempts: 1, last_error: 'GHL is down' });
    await expect(processInboxRow({ store: t.store, logger }, id, failing, { final: true })).rejects.toThrow();
    expect(await row(id)).toMatchObject({ status: 'failed', attempts: 2 });
  });

  it('through the queue: a delivery stored with its job is handled once', async () => {
    const queue = await JobQueue.start(t.store, { logger, kinds: [inboxJob] });
    try {
      const seen: string[] = [];
      await startInboxProcessor({
        store: t.store,
        queue,
        logger,
        handlers: { ghl: { TaskCreate: async (payload) => void seen.push(String(payload.id)) } },
      });
      const id = await t.store.transaction(async (trx) => {
        const r = await trx
          .insertInto('inbox')
          .values({
            source: 'ghl',
            dedupe_key: 'w4',
            headers: '{}',
            body: Buffer.from('{"type":"TaskCreate","id":"t9"}'),
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await queue.send(inboxJob, { inboxId: r.id }, { trx });
        await queue.send(inboxJob, { inboxId: r.id }, { trx });
        return r.id;
      });
      const deadline = Date.now() + 20_000;
      while ((await row(id)).status !== 'done' && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      expect((await row(id)).status).toBe('done');
      expect(seen).toEqual(['t9']);
    } finally {
      await queue.stop({ graceful: false, timeoutMs: 2_000 });
    }
  }, 60_000);
});
