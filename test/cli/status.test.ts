/**
 * `cin7-ghl status [--json]`: from the store alone (no API call), before and after a sync run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandboxes, startSandboxes } from '../../sandbox/index.js';
import { runCli } from '../helpers/cli.js';
import { type CliWorkspace, cliWorkspace } from '../sync/engine/cli-workspace.js';

const SCALE = 100;
let sb: Sandboxes;
let ws: CliWorkspace;

beforeAll(async () => {
  sb = await startSandboxes({
    seed: 71,
    cin7: { customers: 12, salesPerCustomer: 1, timeScale: SCALE },
    ghl: { timeScale: SCALE },
  });
  ws = await cliWorkspace(sb, { timeScale: SCALE });
}, 120_000);

afterAll(async () => {
  ws?.cleanup();
  await sb?.close();
});

describe('cin7-ghl status', () => {
  it('before any sync: nothing known, no failures, no API call', async () => {
    const before = sb.ghl.control.stats().requests;
    const r = await runCli(['status', '--json'], { env: ws.env, cwd: ws.cwd });
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.customers).toEqual({ total: 0, dirty: 0, byStatus: {} });
    expect(s.links).toEqual({ pending: 0, linked: 0, unlinked: 0 });
    expect(s.failures).toEqual({ open: 0, byCode: {}, latest: [] });
    expect(s.runs).toEqual([]);
    const text = await runCli(['status'], { env: ws.env, cwd: ws.cwd });
    expect(text.stdout).toContain('Failures: none.');
    expect(sb.ghl.control.stats().requests).toBe(before);
  }, 60_000);

  it('after a sync: customers and links by state, skipped contacts, the run with its calls, the feeds', async () => {
    const run = await runCli(['sync', 'run', '--json'], { env: ws.env, cwd: ws.cwd, timeoutMs: 90_000 });
    const report = JSON.parse(run.stdout);
    const r = await runCli(['status', '--json'], { env: ws.env, cwd: ws.cwd });
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.customers.total).toBe(12);
    expect(s.customers.dirty).toBe(0);
    expect(s.links.linked).toBe(report.contactsCreated + report.contactsUpdated + report.unchanged);
    expect(s.skipped.contacts).toBe(report.skipped);
    expect(s.failures.open).toBe(report.failed);
    expect(s.runs[0]).toMatchObject({
      kind: 'sync',
      mode: 'initial',
      calls: report.calls,
      minimumCalls: report.minimumCalls,
    });
    expect(s.feeds.map((f: { name: string }) => f.name).sort()).toEqual([
      expect.stringMatching(/^cin7\.feed\.customers:cin7:/),
      expect.stringMatching(/^cin7\.feed\.sales:cin7:/),
    ]);
    const text = await runCli(['status'], { env: ws.env, cwd: ws.cwd });
    expect(text.stdout).toMatch(/Customers: 12 \(/);
    expect(text.stdout).toMatch(/#\d+ sync initial (completed|partial)/);
  }, 120_000);
});
