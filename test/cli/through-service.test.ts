/**
 * The commands that need the store work the same while `cin7-ghl start` holds the embedded store:
 * `reconcile`, `trigger simulate cin7.poll.*`, `mapping preview`, `rules test` and `audit` print,
 * through the service's REST API, what they print when they open the store themselves (the same
 * `--json` fields and values but for run ids and timings, the same text, the same exit code). The
 * service's request log shows each command went through the API. One sandbox pair, one service.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandboxes, startSandboxes } from '../../sandbox/index.js';
import { BIN, type CliResult, runCli } from '../helpers/cli.js';
import { cleanEnv } from '../helpers/env.js';
import { seedPgliteDir } from '../helpers/store.js';
import { sandboxEnv } from '../sync/engine/harness.js';

const SCALE = 100;
let sb: Sandboxes;
let cwd: string;
let env: Record<string, string>;
let service: { child: ChildProcess; url: string; stderr: () => string } | null = null;

const CONFIG = [
  'ghl:',
  '  rateLimit:',
  '    requests: 100',
  `    windowMs: ${Math.round(10_000 / SCALE)}`,
  'cin7:',
  '  rateLimit:',
  '    requests: 60',
  `    windowMs: ${Math.round(60_000 / SCALE)}`,
  '  webhooks:',
  '    enabled: false',
  'sync:',
  // Only the Cin7 → GHL side: the service must not write while the two paths are compared.
  '  ghlToCin7: false',
  '  tagRulesFile: tag-rules.yaml',
].join('\n');

const cli = (args: string[], extra: Record<string, string> = {}): Promise<CliResult> =>
  runCli(args, { env: { ...env, ...extra }, cwd, timeoutMs: 90_000 });

/** The same command without Cin7 credentials: it needs the stored connection, hence the store. */
const withoutCin7Env = (args: string[]): Promise<CliResult> => {
  const { CIN7_ACCOUNT_ID: _a, CIN7_APPLICATION_KEY: _k, ...rest } = env;
  return runCli(args, { env: rest, cwd, timeoutMs: 90_000 });
};

function startService(): Promise<NonNullable<typeof service>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'start', '--port', '0', '--json'], {
      cwd,
      env: cleanEnv({ ...env, CIN7_GHL_LOG_LEVEL: 'info' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString('utf8');
    });
    const timer = setTimeout(() => reject(new Error(`start not ready: ${err}`)), 60_000);
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', (line) => {
      clearTimeout(timer);
      resolve({ child, url: (JSON.parse(line) as { url: string }).url, stderr: () => err });
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`start exited with ${code}: ${err}`));
    });
  });
}

/** The statuses the service logged for requests to `p` (proof the command went through the API). */
function served(p: string | RegExp): number[] {
  return (service?.stderr() ?? '')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { msg?: string; path?: string; status: number })
    .filter((l) => l.msg === 'request' && (typeof p === 'string' ? l.path === p : p.test(l.path ?? '')))
    .map((l) => l.status);
}

/** A reconciliation report without what differs from run to run (its id and timings). */
function stable(stdout: string): Record<string, unknown> {
  const { runId: _r, durationMs: _d, phasesMs: _p, ...rest } = JSON.parse(stdout) as Record<string, unknown>;
  return rest;
}

interface Captured {
  reconcile: CliResult;
  trigger: CliResult;
  preview: CliResult;
  rules: CliResult;
  audit: CliResult;
  auditText: CliResult;
  auditRecord: CliResult;
}

let customerId: string;
let local: Captured;
/** GHL contacts linked by the first sync (to make drift in GHL that `reconcile --apply` fixes). */
let linkedGhl: string[] = [];
let localApply: CliResult;

/**
 * Every command once. The runs go one after the other (one store, one run at a time); the previews
 * need no store locally (CIN7_* set), and reads through the service run alongside.
 */
async function capture(
  previewRun: (args: string[]) => Promise<CliResult>,
  readsAlongside: boolean,
): Promise<Captured> {
  const runs = (async () => ({
    reconcile: await cli(['reconcile', '--json']),
    trigger: await cli(['trigger', 'simulate', 'cin7.poll.customers', '--json']),
  }))();
  const previews = Promise.all([
    previewRun(['mapping', 'preview', customerId, '--json']),
    previewRun(['rules', 'test', '--json']),
  ]);
  const readArgs = [['audit', '--json'], ['audit'], ['audit', '--record', customerId, '--json']];
  // Locally each command holds the store while it runs: one at a time.
  const reads = async (): Promise<[CliResult, CliResult, CliResult]> => {
    if (readsAlongside) return Promise.all([cli(readArgs[0]!), cli(readArgs[1]!), cli(readArgs[2]!)]);
    const out: CliResult[] = [];
    for (const a of readArgs) out.push(await cli(a));
    return [out[0]!, out[1]!, out[2]!];
  };
  const [audit, auditText, auditRecord] = readsAlongside ? await reads() : await runs.then(() => reads());
  const [preview, rules] = await previews;
  return { ...(await runs), preview, rules, audit, auditText, auditRecord };
}

beforeAll(async () => {
  sb = await startSandboxes({
    seed: 83,
    cin7: { customers: 5, salesPerCustomer: 1, timeScale: SCALE },
    ghl: { timeScale: SCALE },
  });
  cwd = mkdtempSync(path.join(tmpdir(), 'cin7ghl-through-service-'));
  writeFileSync(path.join(cwd, 'cin7-ghl.sandbox.yaml'), CONFIG);
  writeFileSync(path.join(cwd, 'tag-rules.yaml'), 'rules:\n  - { tag: "tier:{priceTier}" }\n');
  await seedPgliteDir(path.join(cwd, 'data', 'sandbox'));
  env = { CIN7_GHL_DATA_DIR: path.join(cwd, 'data'), CIN7_GHL_LOG_LEVEL: 'warn', ...sandboxEnv(sb) };
  const sync = await cli(['sync', 'run', '--json']);
  expect(sync.code, sync.stderr).not.toBe(1);
  customerId = String(sb.cin7.customers()[0]?.ID);
  linkedGhl = sb.cin7
    .customers()
    .flatMap((c) => c.Contacts.map((k) => k.Email?.trim().toLowerCase() ?? ''))
    .filter((e) => e !== '')
    .flatMap((email) => sb.ghl.control.findContacts({ email }).map((g) => g.id as string));
  expect(linkedGhl.length).toBeGreaterThanOrEqual(2);
  // Drift in GHL on one linked contact, fixed here without the service (its audit rows are in both captures).
  sb.ghl.control.editContact(linkedGhl[0] as string, { firstName: 'Zelda' });
  localApply = await cli(['reconcile', '--apply', '--json']);
  // Without a service: each command opens the store (the previews need none: CIN7_* are set).
  local = await capture((args) => cli(args), false);
  service = await startService();
}, 180_000);

afterAll(async () => {
  if (service) {
    const exited = new Promise((r) => service?.child.once('exit', r));
    service.child.kill('SIGINT');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (service.child.exitCode === null) service.child.kill('SIGKILL');
  }
  if (cwd) rmSync(cwd, { recursive: true, force: true });
  await sb?.close();
});

describe('the CLI while the service holds the embedded store', () => {
  let remote: Captured;
  beforeAll(async () => {
    remote = await capture(withoutCin7Env, true);
  }, 180_000);

  it('reconcile: the service runs it; same report, text and exit code', () => {
    expect(remote.reconcile.code, remote.reconcile.stderr).toBe(local.reconcile.code);
    expect(local.reconcile.code).toBe(0);
    expect(stable(remote.reconcile.stdout)).toEqual(stable(local.reconcile.stdout));
    expect(Object.keys(JSON.parse(remote.reconcile.stdout)).sort()).toEqual(
      Object.keys(JSON.parse(local.reconcile.stdout)).sort(),
    );
    // Started by the service, then followed to its report (progress lines depend on how fast the
    // run goes between two looks, so the follow itself is what is checked).
    expect(served('/api/runs').filter((s) => s === 201)).toHaveLength(2);
    expect(served(/^\/api\/runs\/live\/\d+$/).filter((s) => s === 200).length).toBeGreaterThanOrEqual(2);
  });

  it('trigger simulate cin7.poll.customers: the service runs the poll pass; same result', () => {
    expect(remote.trigger.code, remote.trigger.stderr).toBe(0);
    expect(local.trigger.code, local.trigger.stderr).toBe(0);
    const [r, l] = [JSON.parse(remote.trigger.stdout), JSON.parse(local.trigger.stdout)];
    // The same result; how many customers the pass re-read depends on the feed's position then.
    expect({ ...r, details: Object.keys(r.details).sort() }).toEqual({
      ...l,
      details: Object.keys(l.details).sort(),
    });
    expect(r.details).toMatchObject({ contactsCreated: 0, contactsUpdated: 0, failed: 0, deferred: 0 });
    expect(l.details).toMatchObject({ contactsCreated: 0, contactsUpdated: 0, failed: 0, deferred: 0 });
  });

  it('mapping preview and rules test: the service previews with its connection; same output', () => {
    expect(remote.preview.code, remote.preview.stderr).toBe(0);
    expect(JSON.parse(remote.preview.stdout)).toEqual(JSON.parse(local.preview.stdout));
    expect(JSON.parse(remote.preview.stdout)).toMatchObject({
      customer: { id: customerId },
      ghlChecked: true,
      writes: 0,
    });
    expect(served('/api/mapping/preview')).toEqual([200]);
    expect(remote.rules.code, remote.rules.stderr).toBe(0);
    expect(JSON.parse(remote.rules.stdout)).toEqual(JSON.parse(local.rules.stdout));
    expect(JSON.parse(remote.rules.stdout).customersRead).toBe(5);
    expect(served('/api/rules/test')).toEqual([200]);
  });

  it('audit: the same rows and text through GET /api/audit; --record filters; a bad --limit exits 1', async () => {
    expect(remote.audit.code, remote.audit.stderr).toBe(0);
    const rows = JSON.parse(remote.audit.stdout) as Array<Record<string, unknown>>;
    expect(rows).toEqual(JSON.parse(local.audit.stdout));
    expect(remote.auditText.stdout).toBe(local.auditText.stdout);
    expect(JSON.parse(remote.auditRecord.stdout)).toEqual(JSON.parse(local.auditRecord.stdout));
    expect(served('/api/audit').every((s) => s === 200)).toBe(true);
    expect(served('/api/audit')).toHaveLength(3);

    const bad = await cli(['audit', '--limit', '0']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('"0" is not a whole number from 1 to 10000');
  });
});

describe('reconcile --apply through the service', () => {
  it('fixes the same kind of drift with the same report fields, counts and exit code as locally', async () => {
    sb.ghl.control.editContact(linkedGhl[1] as string, { firstName: 'Zelda' });
    const remoteApply = await cli(['reconcile', '--apply', '--json']);
    expect(localApply.code, localApply.stderr).toBe(0);
    expect(remoteApply.code, remoteApply.stderr).toBe(0);
    const [l, r] = [JSON.parse(localApply.stdout), JSON.parse(remoteApply.stdout)];
    expect(Object.keys(r).sort()).toEqual(Object.keys(l).sort());
    const shape = (o: { changes: Array<Record<string, unknown>> }) =>
      o.changes.map((c) => ({ class: c.class, field: c.field, from: c.from, target: c.target }));
    expect(shape(r)).toEqual([{ class: 'drift', field: 'firstName', from: 'Zelda', target: 'ghl' }]);
    expect(shape(r)).toEqual(shape(l));
    for (const k of [
      'status',
      'counts',
      'applied',
      'failed',
      'deferred',
      'openConflicts',
      'calls',
      'minimumCalls',
    ])
      expect(r[k], k).toEqual(l[k]);
    expect(r.applied).toBe(1);
    expect(sb.ghl.control.contact(linkedGhl[1] as string)?.firstName).not.toBe('Zelda');
  });
});

describe('cin7-ghl audit (rows as the sync wrote them)', () => {
  it('newest first, every write of the first sync; --record takes a Cin7 customer id or a GHL contact id', async () => {
    const rows = JSON.parse(local.audit.stdout) as Array<{
      at: string;
      direction: string;
      action: string;
      cause: string;
      cin7CustomerId: string | null;
      ghlContactId: string | null;
      fields: string[];
    }>;
    expect(rows.length).toBeGreaterThan(0);
    const times = rows.map((r) => Date.parse(r.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const creates = rows.filter((r) => r.action === 'create');
    expect(creates.length).toBeGreaterThan(0);
    for (const r of creates) expect(r).toMatchObject({ direction: 'cin7_to_ghl', cause: 'manual' });
    expect(creates[0]?.fields).toEqual(expect.arrayContaining(['email']));

    const ofCustomer = JSON.parse(local.auditRecord.stdout) as typeof rows;
    expect(ofCustomer.length).toBeGreaterThan(0);
    for (const r of ofCustomer) expect(r.cin7CustomerId).toBe(customerId);
    const ghlId = ofCustomer.find((r) => r.ghlContactId)?.ghlContactId as string;
    // Through the service (it still holds the store): both at once.
    const [byGhl, none] = await Promise.all([
      cli(['audit', '--record', ghlId, '--json']),
      cli(['audit', '--record', 'no-such-record']),
    ]);
    expect(byGhl.code, byGhl.stderr).toBe(0);
    const ofContact = JSON.parse(byGhl.stdout) as typeof rows;
    expect(ofContact.length).toBeGreaterThan(0);
    for (const r of ofContact) expect(r.ghlContactId).toBe(ghlId);

    // Text: a line per write (time, direction, action, cause, fields, ids), then before → after.
    const text = local.auditText.stdout;
    expect(text).toMatch(
      new RegExp(
        `Cin7 → GHL  create \\(manual\\) \\[[^\\]]*email[^\\]]*\\]  Cin7 ${customerId}/\\S+ ↔ GHL \\S+`,
      ),
    );
    expect(text).toMatch(/\n {4}email: \(empty\) → "[^"]+@[^"]+"/);
    expect(text.trim().split('\n').pop()).toMatch(/^\d+ writes?, newest first/);
    expect(none.stdout.trim()).toBe('No writes recorded for no-such-record.');
  });
});
