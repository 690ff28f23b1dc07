/**
 * The whole sync as a service, in process, against both sandboxes: the engine (Cin7 → GHL) and GHL →
 * Cin7 on one queue and store, the Cin7 and GHL webhook routes on a loopback server, both sandboxes
 * delivering their webhooks to it. Tests change data as users of either tool would (the sandboxes'
 * control APIs) and count what each sandbox was asked, route by route.
 */
import { CIN7_JOB_KINDS } from '../../../src/cin7/feed-jobs.js';
import { webhookSecretName } from '../../../src/cin7/connection.js';
import { ensureWebhookSecret, syncWebhooks } from '../../../src/cin7/webhooks.js';
import { ghlWebhookVerifier } from '../../../src/ghl/webhooks.js';
import type { JobKind } from '../../../src/jobs/define.js';
import { JobQueue } from '../../../src/jobs/queue.js';
import { createApp } from '../../../src/server/app.js';
import { type Listening, listen } from '../../../src/server/listen.js';
import { cin7WebhookRoutes } from '../../../src/server/routes/cin7-webhooks.js';
import { ghlWebhookRoutes } from '../../../src/server/routes/ghl-webhooks.js';
import { SYNC_JOB_KINDS, type SyncService, startSyncService } from '../../../src/sync/engine/service.js';
import {
  GHL_TO_CIN7_JOB_KINDS,
  type GhlToCin7Deps,
  ghlToCin7Service,
} from '../../../src/sync/ghl-to-cin7/index.js';
import { defaultInboxHandlers, inboxJob } from '../../../src/sync/inbox/processor.js';
import { type Harness, type HarnessOptions, startHarness, until } from '../engine/harness.js';

export { until } from '../engine/harness.js';

export interface G2cService {
  h: Harness;
  queue: JobQueue;
  sync: SyncService;
  deps: GhlToCin7Deps;
  server: Listening;
  /** `POST /webhooks/ghl` of the service. */
  ghlWebhookUrl: string;
  /** Waits until nothing is left to do anywhere (webhooks, inbox, jobs, dirty customers, GHL work). */
  settle(timeoutMs?: number): Promise<void>;
  /** Write calls each sandbox accepted, by route, since `mark()`. */
  writes(): { ghl: Record<string, number>; cin7: Record<string, number> };
  mark(): void;
  stop(): Promise<void>;
}

const GHL_WRITES = [
  'ghl.contacts.create',
  'ghl.contacts.update',
  'ghl.contacts.upsert',
  'ghl.contacts.delete',
  'ghl.contacts.tags.add',
  'ghl.contacts.tags.remove',
  'ghl.contacts.tags.bulk',
  'ghl.contacts.business.bulk',
  'ghl.contacts.notes.create',
  'ghl.contacts.notes.update',
  'ghl.contacts.notes.delete',
  'ghl.contacts.tasks.create',
  'ghl.contacts.tasks.update',
  'ghl.contacts.tasks.complete',
  'ghl.contacts.tasks.delete',
  'ghl.businesses.create',
  'ghl.businesses.update',
  'ghl.businesses.delete',
];
const CIN7_WRITES = ['cin7.customers.create', 'cin7.customers.update'];

/**
 * Starts the harness (sandboxes, store, clients), runs the initial sync in the foreground, then the
 * service with both directions and both webhook routes.
 *
 * @example
 * const s = await startG2cService({ customers: 30 });
 * try { ... await s.settle(); } finally { await s.stop(); }
 */
export async function startG2cService(
  options: HarnessOptions & {
    debounceMs?: number;
    initialSync?: boolean;
    concurrency?: number;
    /** Schedule the GHL polls (default false: tests run them by hand). */
    polling?: boolean;
  } = {},
): Promise<G2cService> {
  const h = await startHarness({
    ...options,
    cin7: { webhookDelayMs: 5_000, ...options.cin7 },
  });
  let queue: JobQueue | null = null;
  let server: Listening | null = null;
  let sync: SyncService | null = null;
  try {
    if (options.initialSync !== false) {
      const r = await h.run();
      if (r.failed > 0 && r.contactsCreated === 0)
        throw new Error(`initial sync failed: ${JSON.stringify(r)}`);
    }
    const { store } = h.t;
    queue = await JobQueue.start(store, {
      logger: h.logger,
      kinds: [...CIN7_JOB_KINDS, ...SYNC_JOB_KINDS, ...GHL_TO_CIN7_JOB_KINDS],
      superviseIntervalSeconds: 2,
    });
    const q = queue;
    const g2c = ghlToCin7Service({
      store,
      queue: q,
      config: h.config,
      logger: h.logger,
      ghl: h.clients.ghl,
      cin7: h.clients.cin7,
      locationId: h.clients.locationId,
      debounceMs: options.debounceMs ?? 1000,
      polling: options.polling ?? false,
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    });
    sync = await startSyncService({
      store,
      queue: q,
      config: h.config,
      logger: h.logger,
      ...h.clients,
      polling: false,
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
      inboxHandlers: { ghl: { ...defaultInboxHandlers().ghl, ...g2c.handlers } },
    });
    const deps = await g2c.start(sync.engine);
    const connectionId = h.clients.connectionId;
    const secret = await ensureWebhookSecret(store, connectionId);
    const app = createApp({ logger: h.logger, readinessChecks: [] });
    app.route(
      '/webhooks/cin7',
      await cin7WebhookRoutes({
        store,
        queue: q,
        logger: h.logger,
        connectionId,
        getSecret: () => store.vault.get(webhookSecretName(connectionId)),
        debounceMs: 300,
      }),
    );
    app.route(
      '/',
      ghlWebhookRoutes({
        config: h.config,
        store,
        logger: h.logger,
        verify: ghlWebhookVerifier({
          ed25519PublicKey: h.sb.ghl.webhookPublicKeys.ed25519,
          rsaPublicKey: h.sb.ghl.webhookPublicKeys.rsa,
          toleranceSeconds: 4200,
        }),
        onStored: async (trx, id) => {
          await q.send(inboxJob, { inboxId: id }, { trx });
        },
      }),
    );
    server = await listen(app);
    const url = server.url;
    h.sb.ghl.control.set({ webhookUrl: `${url}/webhooks/ghl` });
    await syncWebhooks(h.clients.cin7, { publicUrl: url, secret });

    let base = {
      ghl: { ...h.sb.ghl.control.stats().byRoute },
      cin7: { ...h.sb.cin7.control.calls().byRoute },
    };
    const srv = server;
    const svc = sync;
    const since = (now: Record<string, number>, then: Record<string, number>, names: string[]) => {
      const out: Record<string, number> = {};
      for (const n of names) {
        const d = (now[n] ?? 0) - (then[n] ?? 0);
        if (d !== 0) out[n] = d;
      }
      return out;
    };
    return {
      h,
      queue: q,
      sync: svc,
      deps,
      server: srv,
      ghlWebhookUrl: `${url}/webhooks/ghl`,
      settle: (timeoutMs = 120_000) => settle(h, q, timeoutMs),
      mark: () => {
        base = {
          ghl: { ...h.sb.ghl.control.stats().byRoute },
          cin7: { ...h.sb.cin7.control.calls().byRoute },
        };
      },
      writes: () => ({
        ghl: since(h.sb.ghl.control.stats().byRoute, base.ghl, GHL_WRITES),
        cin7: since(h.sb.cin7.control.calls().byRoute, base.cin7, CIN7_WRITES),
      }),
      stop: async () => {
        await srv.close(2_000);
        await q.stop({ graceful: false, timeoutMs: 5_000 });
        await svc.close();
        await h.close();
      },
    };
  } catch (e) {
    await server?.close(1_000);
    await queue?.stop({ graceful: false, timeoutMs: 5_000 });
    await sync?.close();
    await h.close();
    throw e;
  }
}

/**
 * Quiet everywhere, twice in a row 500 ms apart: no webhook in flight in either sandbox, every inbox
 * row handled, no GHL work waiting, no dirty customer, no queued or active job.
 */
async function settle(h: Harness, queue: JobQueue, timeoutMs: number): Promise<void> {
  const db = h.t.store.db;
  const kinds = [
    ...CIN7_JOB_KINDS,
    ...SYNC_JOB_KINDS,
    ...GHL_TO_CIN7_JOB_KINDS,
  ] as unknown as JobKind<unknown>[];
  const quiet = async (): Promise<boolean> => {
    await h.sb.cin7.control.flushWebhooks();
    await h.sb.ghl.control.waitForWebhooks(false);
    if (h.sb.cin7.control.deliveries().some((d) => d.state === 'pending' || d.state === 'delivering'))
      return false;
    const inbox = await db
      .selectFrom('inbox')
      .select('id')
      .where('status', 'in', ['pending', 'processing'])
      .limit(1)
      .execute();
    if (inbox.length > 0) return false;
    const waiting = await db.selectFrom('ghl_inbound').select('ghl_contact_id').limit(1).execute();
    if (waiting.length > 0) return false;
    const dirty = await db
      .selectFrom('customers')
      .select('cin7_customer_id')
      .where('dirty', '=', true)
      .limit(1)
      .execute();
    if (dirty.length > 0) return false;
    for (const kind of kinds) {
      const c = await queue.counts(kind);
      if (c.created + c.retry + c.active > 0) return false;
    }
    return true;
  };
  const deadline = Date.now() + timeoutMs;
  let streak = 0;
  while (streak < 2) {
    if (Date.now() > deadline) throw new Error(`the sync did not settle within ${timeoutMs} ms`);
    streak = (await quiet()) ? streak + 1 : 0;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Waits for `check`, naming `what` on timeout. */
export const waitFor = until;
