import type { Transaction } from 'kysely';
import { type ConstructorOptions, type Job, type JobResult, PgBoss, fromKysely, fromPglite } from 'pg-boss';
import { AppError, InputError, errorMessage, isAppError } from '../errors/index.js';
import type { Logger } from '../log/logger.js';
import { redactText, redactValue } from '../log/redact.js';
import { recordEvent } from '../store/events.js';
import type { Store } from '../store/open.js';
import type { Database, Json } from '../store/schema.js';
import { assertOutsideTransaction } from '../store/scope.js';
import type { JobKind, JobKindSettings } from './define.js';

/** pg-boss keeps its tables in this schema, beside ours. */
export const JOBS_SCHEMA = 'pgboss';

export interface JobQueueOptions {
  logger: Logger;
  /** Kinds to create queues for at start (others are created on first use). */
  kinds?: JobKindSettings[];
  /**
   * How often expired jobs (killed or hung) are found and retried, in seconds. Default 5; with a
   * kind's `expireInSeconds` this bounds how soon a killed job runs again.
   */
  superviseIntervalSeconds?: number;
  /** Whether this process runs cron schedules (default true; any number of processes may). */
  schedule?: boolean;
  /** PostgreSQL: the queue's own pool size (default 4). */
  poolSize?: number;
}

export interface SendOptions {
  /** Overrides the kind's `singletonKey(payload)` (kinds with a singleton key only). */
  singletonKey?: string;
  /** Run no sooner than this many seconds from now. */
  startAfterSeconds?: number;
  /** Enqueue inside this application transaction: the job exists only if it commits. */
  trx?: Transaction<Database>;
}

export interface WorkOptions {
  /** Jobs fetched at once and run in parallel (default 5). */
  batchSize?: number;
  /** Independent fetch loops in this process (default 1); up to batchSize × concurrency at once. */
  concurrency?: number;
  /** Idle polling interval, in seconds (default 0.5; new work also wakes workers at once). */
  pollingIntervalSeconds?: number;
}

/** What a handler learns about the attempt it runs. */
export interface JobInfo {
  id: string;
  /** 0 on the first attempt, then 1, 2, ... */
  retryCount: number;
  /** Aborted when the attempt has expired: stop work that can no longer complete. */
  signal: AbortSignal;
}

export type JobHandler<P> = (payload: P, job: JobInfo) => Promise<void>;

export interface DeadLetter {
  id: string;
  payload: unknown;
  /** The error of the last attempt, as stored (redacted). */
  error: unknown;
  deadAt: Date;
}

export interface JobCounts {
  created: number;
  retry: number;
  active: number;
  completed: number;
  cancelled: number;
  failed: number;
  /** Jobs waiting in the kind's dead-letter queue. */
  deadLetters: number;
}

/** A job's payload failed its schema (when sent, or when received). */
export class JobPayloadError extends AppError {
  constructor(kind: string, problem: string) {
    super('job_payload_invalid', `Job ${kind}: invalid payload: ${problem}`, {
      hint: 'Send a payload that matches the job kind schema.',
      details: { kind },
    });
  }
}

/**
 * The job queue: a typed wrapper over pg-boss on the store's database (PGlite through
 * `fromPglite`, sharing the store's instance; PostgreSQL through its own small pool).
 *
 * @example
 * const queue = await JobQueue.start(store, { logger, kinds: [syncCustomer] });
 * await queue.work(syncCustomer, { batchSize: 10 }, async (p) => { ... });
 * await queue.send(syncCustomer, { customerId: 'c1' });
 * await queue.stop({ graceful: true, timeoutMs: 10_000 });
 */
export class JobQueue {
  readonly #boss: PgBoss;
  readonly #store: Store;
  readonly #logger: Logger;
  readonly #ready = new Map<string, Promise<void>>();
  readonly #kinds = new Map<string, JobKindSettings>();
  readonly #worked = new Set<string>();
  #stopped = false;

  private constructor(boss: PgBoss, store: Store, logger: Logger) {
    this.#boss = boss;
    this.#store = store;
    this.#logger = logger;
  }

  /**
   * Starts pg-boss on the store's database (installing or migrating its schema) and creates the
   * queues of `kinds`.
   *
   * @example
   * const queue = await JobQueue.start(store, { logger });
   */
  static async start(store: Store, options: JobQueueOptions): Promise<JobQueue> {
    assertOutsideTransaction('JobQueue.start()');
    const supervise = options.superviseIntervalSeconds ?? 5;
    const common: ConstructorOptions = {
      schema: JOBS_SCHEMA,
      superviseIntervalSeconds: supervise,
      // Expired jobs are only looked for in a monitor pass, which pg-boss spaces by this (60 s by default).
      monitorIntervalSeconds: supervise,
      schedule: options.schedule ?? true,
      useListenNotify: true,
      persistWarnings: false,
    };
    let boss: PgBoss;
    if (store.kind === 'pglite' && store.pglite) {
      boss = new PgBoss({ ...common, db: fromPglite(store.pglite), backend: 'pglite' });
    } else if (store.databaseUrl) {
      boss = new PgBoss({
        ...common,
        connectionString: store.databaseUrl,
        max: options.poolSize ?? 4,
        connectionTimeoutMillis: 10_000,
        application_name: 'cin7-ghl-sync-jobs',
      });
    } else {
      throw new AppError('jobs_no_database', 'The store has neither a PGlite instance nor a database URL.');
    }
    const logger = options.logger;
    boss.on('error', (e) => logger.error({ err: e }, 'job queue error'));
    boss.on('warning', (w) => logger.warn({ warning: redactValue(w.data) }, `job queue: ${w.message}`));
    await boss.start();
    const queue = new JobQueue(boss, store, logger);
    for (const kind of options.kinds ?? []) await queue.register(kind);
    return queue;
  }

  /**
   * Creates (or updates) the kind's queue and its dead-letter queue. Needed before a send inside a
   * transaction on PGlite; everything else registers on first use.
   */
  register(kind: JobKindSettings): Promise<void> {
    const known = this.#ready.get(kind.name);
    if (known) return known;
    const created = this.#createQueues(kind);
    this.#ready.set(kind.name, created);
    created.catch(() => this.#ready.delete(kind.name));
    return created;
  }

  async #createQueues(kind: JobKindSettings): Promise<void> {
    assertOutsideTransaction(`Registering job kind ${kind.name}`);
    const dead = await this.#boss.getQueue(kind.deadLetterName);
    if (!dead) await this.#boss.createQueue(kind.deadLetterName, { retentionSeconds: 30 * 86_400 });
    const backoff = kind.retryDelaySeconds > 0;
    const settings = {
      retryLimit: kind.retryLimit,
      retryDelay: kind.retryDelaySeconds,
      retryBackoff: backoff,
      ...(backoff ? { retryDelayMax: kind.retryDelayMaxSeconds ?? 3600 } : {}),
      expireInSeconds: kind.expireInSeconds,
      deleteAfterSeconds: kind.deleteAfterSeconds ?? 86_400,
      deadLetter: kind.deadLetterName,
      notify: true,
    };
    const existing = await this.#boss.getQueue(kind.name);
    if (!existing) {
      await this.#boss.createQueue(kind.name, { ...settings, policy: kind.policy });
    } else {
      if (existing.policy !== kind.policy) {
        this.#logger.warn(
          { kind: kind.name, was: existing.policy, now: kind.policy },
          'a job kind changed its singleton setting; the queue keeps its old policy until it is recreated',
        );
      }
      await this.#boss.updateQueue(kind.name, { ...settings, ...(backoff ? {} : { retryDelayMax: null }) });
    }
    this.#kinds.set(kind.name, kind);
  }

  /**
   * Enqueues a job; returns its id, or null when a job with the same singleton key is already queued.
   * With `trx` it is part of that transaction (on PGlite a plain send inside one would deadlock).
   *
   * @example
   * await store.transaction(async (trx) => { ...; await queue.send(kind, payload, { trx }); });
   */
  async send<P>(kind: JobKind<P>, payload: P, opts: SendOptions = {}): Promise<string | null> {
    const data = validate(kind, payload);
    const options = this.#sendOptions(kind, data as P, opts);
    if (opts.trx) {
      await this.#registeredForTransaction(kind);
      return this.#boss.send(kind.name, data, { ...options, db: fromKysely(opts.trx) });
    }
    assertOutsideTransaction('queue.send()');
    await this.register(kind);
    return this.#boss.send(kind.name, data, options);
  }

  /**
   * Enqueues many jobs in one statement (singleton keys are not applied here).
   *
   * @example
   * await queue.sendMany(kind, customers.map((c) => ({ customerId: c.id })));
   */
  async sendMany<P>(
    kind: JobKind<P>,
    payloads: P[],
    opts: { trx?: Transaction<Database> } = {},
  ): Promise<void> {
    if (payloads.length === 0) return;
    const jobs = payloads.map((p) => ({ data: validate(kind, p) }));
    if (opts.trx) {
      await this.#registeredForTransaction(kind);
      await this.#boss.insert(kind.name, jobs, { db: fromKysely(opts.trx) });
      return;
    }
    assertOutsideTransaction('queue.sendMany()');
    await this.register(kind);
    for (let i = 0; i < jobs.length; i += 1000) await this.#boss.insert(kind.name, jobs.slice(i, i + 1000));
  }

  /**
   * Runs `handler` for each job of `kind`. A handler that throws fails the attempt (retried with
   * backoff, then dead-lettered with its error); a payload failing the schema is dead-lettered at once.
   *
   * @example
   * await queue.work(kind, { batchSize: 10, concurrency: 2 }, async (payload, job) => { ... });
   */
  async work<P>(kind: JobKind<P>, opts: WorkOptions, handler: JobHandler<P>): Promise<void> {
    await this.register(kind);
    this.#worked.add(kind.name);
    const batchSize = opts.batchSize ?? 5;
    const run = async (job: Job<unknown>): Promise<JobResult> => {
      const parsed = kind.schema.safeParse(job.data);
      if (!parsed.success) {
        const error = new JobPayloadError(kind.name, parsed.error.message);
        await this.#deadLetterEvent(kind, job, error);
        return { id: job.id, status: 'deadletter', output: errorOutput(error) };
      }
      try {
        await handler(parsed.data, { id: job.id, retryCount: job.retryCount, signal: job.signal });
        return { id: job.id, status: 'completed' };
      } catch (e) {
        const last = job.retryCount >= kind.retryLimit;
        this.#logger.warn(
          { err: e, kind: kind.name, jobId: job.id, retryCount: job.retryCount, final: last },
          last
            ? 'job failed for the last time; moved to its dead-letter queue'
            : 'job failed; it will be retried',
        );
        if (last) await this.#deadLetterEvent(kind, job, e);
        return { id: job.id, status: 'failed', output: errorOutput(e) };
      }
    };
    await this.#boss.work<unknown>(
      kind.name,
      {
        batchSize,
        localConcurrency: opts.concurrency ?? 1,
        pollingIntervalSeconds: opts.pollingIntervalSeconds ?? 0.5,
        notifyPollingIntervalSeconds: opts.pollingIntervalSeconds ?? 0.5,
        burstWhenBatchFull: batchSize > 1,
        perJobResults: true,
      },
      (jobs: Job<unknown>[]) => Promise.all(jobs.map(run)),
    );
  }

  /**
   * Runs `kind` on a cron schedule (5 fields) in a time zone; one schedule per kind and `key`.
   *
   * @example
   * await queue.schedule(reconcile, '0 2 * * *', { full: true }, { tz: 'Australia/Sydney' });
   */
  async schedule<P>(
    kind: JobKind<P>,
    cron: string,
    payload: P,
    options: { tz: string; key?: string },
  ): Promise<void> {
    assertOutsideTransaction('queue.schedule()');
    const data = validate(kind, payload);
    await this.register(kind);
    await this.#boss.schedule(kind.name, cron, data, {
      tz: options.tz,
      ...(options.key ? { key: options.key } : {}),
      ...(kind.singletonKey ? { singletonKey: kind.singletonKey(data as P) } : {}),
    });
  }

  /** Removes the kind's schedule (the one with `key`, or the default one). */
  async unschedule<P>(kind: JobKind<P>, key?: string): Promise<void> {
    assertOutsideTransaction('queue.unschedule()');
    await this.#boss.unschedule(kind.name, key);
  }

  /** The kind's schedules. */
  async schedules<P>(kind: JobKind<P>): Promise<{ cron: string; tz: string; key: string }[]> {
    const rows = await this.#boss.getSchedules(kind.name);
    return rows.map((s) => ({ cron: s.cron, tz: s.timezone, key: s.key }));
  }

  /**
   * Jobs of `kind` that failed after their last retry (or had an invalid payload), oldest first.
   *
   * @example
   * for (const d of await queue.deadLetters(kind)) console.log(d.id, d.error);
   */
  async deadLetters<P>(kind: JobKind<P>, options: { limit?: number } = {}): Promise<DeadLetter[]> {
    assertOutsideTransaction('queue.deadLetters()');
    await this.register(kind);
    const jobs = await this.#boss.findJobs<unknown>(kind.deadLetterName, {
      queued: true,
      limit: options.limit ?? 1000,
    });
    return jobs.map((j) => ({
      id: j.id,
      payload: j.data,
      error: j.sourceOutput ?? j.output,
      deadAt: j.createdOn,
    }));
  }

  /**
   * Sends a dead-lettered job back to its queue for a fresh run; false when no such dead letter.
   *
   * @example
   * await queue.retryDeadLetter(deadLetterId);
   */
  async retryDeadLetter(id: string): Promise<boolean> {
    assertOutsideTransaction('queue.retryDeadLetter()');
    for (const kind of this.#kinds.values()) {
      const found = await this.#boss.findJobs(kind.deadLetterName, { id, queued: true, limit: 1 });
      if (found.length === 0) continue;
      const moved = await this.#boss.redrive(kind.deadLetterName, { ids: [id], destination: kind.name });
      return moved > 0;
    }
    return false;
  }

  /**
   * Current numbers of the kind's jobs by state, read fresh from the job table.
   *
   * @example
   * const { created, active, deadLetters } = await queue.counts(kind);
   */
  async counts<P>(kind: JobKind<P>): Promise<JobCounts> {
    await this.register(kind);
    const { rows } = await this.#store.query<{ name: string; state: string; n: number }>(
      `select name, state::text as state, count(*)::int as n from ${JOBS_SCHEMA}.job
        where name in ($1, $2) group by name, state`,
      [kind.name, kind.deadLetterName],
    );
    const counts: JobCounts = {
      created: 0,
      retry: 0,
      active: 0,
      completed: 0,
      cancelled: 0,
      failed: 0,
      deadLetters: 0,
    };
    for (const r of rows) {
      if (r.name === kind.deadLetterName) {
        if (r.state === 'created' || r.state === 'retry') counts.deadLetters += r.n;
      } else if (r.state in counts) {
        counts[r.state as keyof Omit<JobCounts, 'deadLetters'>] += r.n;
      }
    }
    return counts;
  }

  /**
   * Stops this process's workers of `kind`, waiting for the jobs they are running; its jobs stay
   * queued for the next `work` (used to swap a kind's handler while the process runs).
   *
   * @example
   * await queue.stopWorking(inboxJob);
   * await queue.work(inboxJob, {}, betterHandler);
   */
  async stopWorking<P>(kind: JobKind<P>): Promise<void> {
    if (!this.#worked.has(kind.name)) return;
    await this.#boss.offWork(kind.name, { wait: true });
    this.#worked.delete(kind.name);
  }

  /**
   * Stops fetching new jobs of every kind this process works, at once; running handlers go on (a
   * graceful shutdown calls this first, then `stop`, which waits for them).
   */
  async stopFetching(): Promise<void> {
    await Promise.all([...this.#worked].map((name) => this.#boss.offWork(name, { wait: false })));
  }

  /**
   * Stops fetching; with `graceful`, waits up to `timeoutMs` for running handlers. Stop the queue
   * before closing the store.
   */
  async stop(options: { graceful: boolean; timeoutMs: number }): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await this.#boss.stop({ graceful: options.graceful, timeout: options.timeoutMs, close: true });
  }

  #sendOptions<P>(
    kind: JobKind<P>,
    data: P,
    opts: SendOptions,
  ): { singletonKey?: string; startAfter?: number } {
    if (opts.singletonKey !== undefined && !kind.singletonKey) {
      throw new InputError(
        `queue.send(${kind.name})`,
        'singletonKey given for a kind without one',
        'declare singletonKey in defineJob for this kind',
      );
    }
    const singletonKey = opts.singletonKey ?? kind.singletonKey?.(data);
    return {
      ...(singletonKey !== undefined ? { singletonKey } : {}),
      ...(opts.startAfterSeconds !== undefined
        ? { startAfter: Math.max(0, Math.ceil(opts.startAfterSeconds)) }
        : {}),
    };
  }

  async #registeredForTransaction<P>(kind: JobKind<P>): Promise<void> {
    const known = this.#ready.get(kind.name);
    if (known) return known;
    if (this.#store.kind === 'pglite') {
      throw new InputError(
        `queue.send(${kind.name}, { trx })`,
        'the job kind is not registered yet, and registering it inside a transaction would deadlock on PGlite',
        'list the kind in JobQueue.start({ kinds }) or call queue.register(kind) at start-up',
      );
    }
    // PostgreSQL: the queue is created on the queue's own pool, outside the caller's transaction.
    await this.#createQueues(kind);
    this.#ready.set(kind.name, Promise.resolve());
  }

  async #deadLetterEvent<P>(kind: JobKind<P>, job: Job<unknown>, error: unknown): Promise<void> {
    try {
      await recordEvent(this.#store.db, {
        kind: 'job.dead_letter',
        severity: 'error',
        subject: `${kind.name}/${job.id}`,
        message: `Job ${kind.name} ${job.id} failed after ${job.retryCount + 1} attempts: ${redactText(errorMessage(error))}`,
        details: { kind: kind.name, jobId: job.id, attempts: job.retryCount + 1 },
        dedupeKey: `job.dead_letter:${job.id}`,
      });
    } catch (e) {
      this.#logger.warn({ err: e }, 'could not record the dead-letter event');
    }
  }
}

function validate<P>(kind: JobKind<P>, payload: P): Record<string, unknown> {
  const parsed = kind.schema.safeParse(payload);
  if (!parsed.success) throw new JobPayloadError(kind.name, parsed.error.message);
  const data: unknown = parsed.data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new JobPayloadError(kind.name, 'the payload must be a JSON object');
  }
  return data as Record<string, unknown>;
}

/** What is stored as a failed job's output: the error, without stack or secrets. */
function errorOutput(e: unknown): { [key: string]: Json } {
  const base: { [key: string]: Json } = isAppError(e)
    ? { name: e.name, code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) }
    : e instanceof Error
      ? { name: e.name, message: e.message }
      : { message: String(e) };
  return redactValue(base);
}
