/**
 * `npm run bench -- store [--jobs 5000] [--backend pglite|postgres]`
 *
 * Job throughput and memory of the store + queue on each backend, each measured in its own process
 * (so peak RSS is that backend's alone): open the store (PGlite: from an empty data directory,
 * first initialisation included), start the queue, enqueue N jobs in batches and have 4 workers
 * complete them (each run writes one row), then enqueue 500 jobs one by one.
 * PostgreSQL uses DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres, loopback only)
 * and a scratch database it drops afterwards. A benchmark prints figures; it asserts nothing.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { z } from 'zod';
import { loadConfig } from '../src/config/load.js';
import { defineJob } from '../src/jobs/define.js';
import { JobQueue } from '../src/jobs/queue.js';
import { silentLogger } from '../src/log/logger.js';
import { openStore } from '../src/store/open.js';

interface Result {
  backend: string;
  jobs: number;
  openMs: number;
  jobsPerSecond: number;
  sendsPerSecond: number;
  peakRssMb: number;
  rssAfterOpenMb: number;
  rssEndMb: number;
}

const argv = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const jobs = Number(flag('--jobs') ?? 5000);
const adminUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

const benchJob = defineJob({
  name: 'bench.job',
  schema: z.object({ i: z.number().int() }),
  retryLimit: 1,
  retryDelaySeconds: 0,
  expireInSeconds: 60,
});

async function runChild(backend: 'pglite' | 'postgres'): Promise<Result> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'cin7ghl-bench-'));
  let dbName: string | null = null;
  const environment: Record<string, string> = { CIN7_GHL_DATA_DIR: root };
  if (backend === 'postgres') {
    dbName = `cin7ghl_bench_${randomBytes(4).toString('hex')}`;
    await admin(`CREATE DATABASE "${dbName}"`);
    const url = new URL(adminUrl);
    url.pathname = `/${dbName}`;
    environment.DATABASE_URL = url.toString();
    environment.CIN7_GHL_MASTER_KEY = randomBytes(32).toString('base64');
  }
  try {
    const config = loadConfig({ cwd: root, environment });
    const logger = silentLogger();
    const openStarted = performance.now();
    const store = await openStore(config, { logger });
    const openMs = performance.now() - openStarted;
    const rssAfterOpenMb = mb(process.memoryUsage().rss);
    await store.query('create table bench_runs (i int not null)');
    const queue = await JobQueue.start(store, { logger, kinds: [benchJob], schedule: false });
    let done = 0;
    let finished: () => void = () => {};
    const allDone = new Promise<void>((r) => {
      finished = r;
    });
    let target = jobs;
    await queue.work(benchJob, { batchSize: 20, concurrency: 4 }, async ({ i }) => {
      await store.query('insert into bench_runs (i) values ($1)', [i]);
      done++;
      if (done === target) finished();
    });
    const started = performance.now();
    await queue.sendMany(
      benchJob,
      Array.from({ length: jobs }, (_, i) => ({ i })),
    );
    await allDone;
    const jobsPerSecond = jobs / ((performance.now() - started) / 1000);

    const singles = 500;
    target = jobs + singles;
    const allSingles = new Promise<void>((r) => {
      finished = r;
    });
    const sendStarted = performance.now();
    for (let i = 0; i < singles; i++) await queue.send(benchJob, { i: jobs + i });
    const sendsPerSecond = singles / ((performance.now() - sendStarted) / 1000);
    await allSingles;

    await queue.stop({ graceful: true, timeoutMs: 10_000 });
    await store.close();
    return {
      backend,
      jobs,
      openMs: Math.round(openMs),
      jobsPerSecond: Math.round(jobsPerSecond),
      sendsPerSecond: Math.round(sendsPerSecond),
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      rssAfterOpenMb,
      rssEndMb: mb(process.memoryUsage().rss),
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
    if (dbName) await admin(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  }
}

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

async function postgresReachable(): Promise<string | null> {
  try {
    await admin('select 1');
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

async function main(): Promise<void> {
  const child = flag('--child');
  if (child === 'pglite' || child === 'postgres') {
    process.stdout.write(`${JSON.stringify(await runChild(child))}\n`);
    return;
  }
  const only = flag('--backend');
  const backends = (['pglite', 'postgres'] as const).filter((b) => !only || b === only);
  console.log(
    `store bench: ${jobs} jobs through the queue, 4 workers x batches of 20, each run writes a row\n`,
  );
  const rows: Result[] = [];
  for (const backend of backends) {
    if (backend === 'postgres') {
      const problem = await postgresReachable();
      if (problem) {
        console.log(`postgres: skipped (${problem}; set DATABASE_URL to a loopback server)`);
        continue;
      }
    }
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', import.meta.filename, '--child', backend, '--jobs', String(jobs)],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const line = run.stdout.trim().split('\n').pop() ?? '';
    if (run.status !== 0 || !line.startsWith('{')) {
      console.log(`${backend}: failed (exit ${run.status})`);
      continue;
    }
    rows.push(JSON.parse(line) as Result);
  }
  const header = [
    'backend',
    'open ms',
    'jobs/s (batch send)',
    'sends/s (one by one)',
    'RSS after open',
    'peak RSS',
    'RSS at end',
  ];
  console.log(header.join(' | '));
  for (const r of rows) {
    console.log(
      [
        r.backend,
        r.openMs,
        r.jobsPerSecond,
        r.sendsPerSecond,
        `${r.rssAfterOpenMb} MB`,
        `${r.peakRssMb} MB`,
        `${r.rssEndMb} MB`,
      ].join(' | '),
    );
  }
  console.log(
    '\nPGlite: "open ms" includes the first initialisation, which runs in a short-lived child process (its ~0.9 GB peak is not in this process).',
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
