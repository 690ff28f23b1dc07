import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookRejectedError } from '../../src/errors/index.js';
import { silentLogger } from '../../src/log/logger.js';
import { createApp } from '../../src/server/app.js';
import { webhookIntake } from '../../src/server/webhook-intake.js';
import type { Store } from '../../src/store/open.js';
import { requirePostgres } from '../helpers/requirements.js';
import { type Backend, type TestStore, openTestStore } from '../helpers/store.js';

const pg = requirePostgres('webhook intake on PostgreSQL');
const backends: Backend[] = pg.available ? ['pglite', 'postgres'] : ['pglite'];

describe.each(backends)('webhook intake (%s)', (backend) => {
  let t: TestStore;
  let store: Store;
  beforeAll(async () => {
    t = await openTestStore({ backend });
    store = t.store;
  });
  afterAll(async () => t.cleanup());

  function appWith(options: { onStored?: Parameters<typeof webhookIntake>[0]['onStored'] } = {}) {
    const app = createApp({ logger: silentLogger(), readinessChecks: [] });
    app.post(
      '/hook',
      webhookIntake({
        source: 'test',
        store,
        logger: silentLogger(),
        verify: (raw, headers) => {
          if (headers.get('x-secret') !== 'right-secret-value')
            throw new WebhookRejectedError('Wrong or missing secret header');
          const body = JSON.parse(Buffer.from(raw).toString('utf8')) as { id?: string };
          return { dedupeKey: body.id ?? null };
        },
        ...(options.onStored ? { onStored: options.onStored } : {}),
      }),
    );
    return app;
  }

  async function inboxRows(dedupeKey: string) {
    return store.db
      .selectFrom('inbox')
      .selectAll()
      .where('source', '=', 'test')
      .where('dedupe_key', '=', dedupeKey)
      .execute();
  }

  it('stores the raw bytes before answering 2xx, and the row is committed when the answer arrives', async () => {
    const raw = '{"id":"evt-1",  "note":"spacing kept \\u00e9"}';
    const res = await appWith().request('/hook', {
      method: 'POST',
      body: raw,
      headers: { 'x-secret': 'right-secret-value' },
    });
    expect(res.status).toBe(200);
    const rows = await inboxRows('evt-1');
    expect(rows).toHaveLength(1);
    expect(Buffer.from(rows[0]!.body).toString('utf8')).toBe(raw);
    expect(rows[0]!.status).toBe('pending');
    expect(JSON.stringify(rows[0]!.headers)).not.toContain('right-secret-value');
  });

  it('never answers 2xx when the event could not be persisted with its job', async () => {
    const app = appWith({
      onStored: async () => {
        throw new Error('queue unavailable');
      },
    });
    const res = await app.request('/hook', {
      method: 'POST',
      body: '{"id":"evt-2"}',
      headers: { 'x-secret': 'right-secret-value' },
    });
    expect(res.status).toBe(500);
    expect(await inboxRows('evt-2')).toHaveLength(0);
  });

  it('refuses a delivery failing verification with 401 and stores nothing', async () => {
    const before = await store.db
      .selectFrom('inbox')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    const res = await appWith().request('/hook', {
      method: 'POST',
      body: '{"id":"evt-3"}',
      headers: { 'x-secret': 'wrong' },
    });
    expect(res.status).toBe(401);
    const body = (await res.json()) as { message: string };
    expect(body.message).toBe('Wrong or missing secret header');
    const after = await store.db
      .selectFrom('inbox')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('refuses a replayed event id with 409 and keeps one row', async () => {
    const app = appWith();
    const send = () =>
      app.request('/hook', {
        method: 'POST',
        body: '{"id":"evt-4"}',
        headers: { 'x-secret': 'right-secret-value' },
      });
    expect((await send()).status).toBe(200);
    const second = await send();
    expect(second.status).toBe(409);
    expect(((await second.json()) as { message: string }).message).toContain('already received');
    expect(await inboxRows('evt-4')).toHaveLength(1);
  });

  it('refuses a body over the limit with 413', async () => {
    const app = createApp({ logger: silentLogger(), readinessChecks: [] });
    app.post(
      '/small',
      webhookIntake({
        source: 'test',
        store,
        logger: silentLogger(),
        maxBodyBytes: 10,
        verify: () => ({ dedupeKey: null }),
      }),
    );
    const res = await app.request('/small', { method: 'POST', body: 'x'.repeat(11) });
    expect(res.status).toBe(413);
  });
});
