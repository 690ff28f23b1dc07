/**
 * `cin7-ghl reconcile` as a user runs it, against both sandboxes: `--plan` (the default) writes
 * nothing and prints per record and field old → new and the side written, the counts and what
 * `--apply` costs; `--json` prints exactly the documented fields; `--apply` fixes and exits 0, or 2
 * when a conflict is left for `conflicts resolve`; progress goes to stderr only.
 */
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cin7Customer } from '../../sandbox/cin7/index.js';
import { type Sandboxes, startSandboxes } from '../../sandbox/index.js';
import { runCli } from '../helpers/cli.js';
import { type CliWorkspace, cliWorkspace } from '../sync/engine/cli-workspace.js';

const SCALE = 100;
let sb: Sandboxes;
let ws: CliWorkspace;

interface Link {
  customerId: string;
  contactId: string;
  ghlId: string;
}
let links: Link[] = [];

const cli = (...args: string[]) => runCli(args, { env: ws.env, cwd: ws.cwd, timeoutMs: 90_000 });
const json = (stdout: string) => JSON.parse(stdout) as Record<string, unknown>;

beforeAll(async () => {
  sb = await startSandboxes({
    seed: 61,
    cin7: { customers: 30, salesPerCustomer: 0, timeScale: SCALE },
    ghl: { timeScale: SCALE },
  });
  ws = await cliWorkspace(sb, { timeScale: SCALE });
  const sync = await cli('sync', 'run', '--json');
  expect(sync.code, sync.stderr).not.toBe(1);
  // The links, as the GHL sandbox shows them: a contact per Cin7 contact it was created from.
  for (const customer of sb.cin7.customers() as Cin7Customer[]) {
    for (const contact of customer.Contacts) {
      if (!contact.Email) continue;
      const [found] = sb.ghl.control.findContacts({ email: contact.Email.trim().toLowerCase() });
      if (found?.id && customer.Status === 'Active' && customer.Addresses.length > 0)
        links.push({ customerId: customer.ID, contactId: contact.ID, ghlId: found.id });
    }
  }
  links = links.filter((l) => sb.ghl.control.contact(l.ghlId)?.city);
}, 180_000);

afterAll(async () => {
  ws?.cleanup();
  await sb?.close();
});

describe('cin7-ghl reconcile', () => {
  it('--plan --json: every record in sync, exactly the documented fields, progress on stderr', async () => {
    const r = await cli('reconcile', '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = json(r.stdout);
    expect(Object.keys(out).sort()).toEqual([
      'changes',
      'counts',
      'durationMs',
      'forecastCalls',
      'phasesMs',
      'resumed',
      'runId',
      'status',
    ]);
    expect(out.changes).toEqual([]);
    expect((out.counts as { drift: number; conflict: number; orphan: number }).drift).toBe(0);
    expect(Object.keys(out.counts as object).sort()).toEqual([
      'conflict',
      'drift',
      'inSync',
      'orphan',
      'unlinked',
    ]);
    expect(out.forecastCalls).toEqual({ ghl: 1, cin7: 1 });
    expect(r.stderr).toMatch(/Reading Cin7 customers/);
  });

  it('lists a change on each side per field, old → new and the side written, and writes nothing', async () => {
    const [a, b] = links as [Link, Link];
    const cityBefore = sb.ghl.control.contact(a.ghlId)?.city;
    const firstBefore = sb.ghl.control.contact(b.ghlId)?.firstName;
    const customer = sb.cin7.control.customer(a.customerId) as Cin7Customer;
    for (const address of customer.Addresses)
      sb.cin7.control.editAddress(a.customerId, address.ID, { City: 'Planville' });
    sb.ghl.control.editContact(b.ghlId, { firstName: 'Zelda' });
    const puts = sb.ghl.control.stats().byRoute['ghl.contacts.update'] ?? 0;

    const r = await cli('reconcile', '--plan', '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = json(r.stdout);
    expect(out.changes).toEqual(
      [
        {
          class: 'drift',
          cin7CustomerId: a.customerId,
          cin7ContactId: a.contactId,
          ghlContactId: a.ghlId,
          field: 'city',
          from: cityBefore,
          to: 'Planville',
          target: 'ghl',
        },
        {
          class: 'drift',
          cin7CustomerId: b.customerId,
          cin7ContactId: b.contactId,
          ghlContactId: b.ghlId,
          field: 'firstName',
          from: 'Zelda',
          to: firstBefore,
          target: 'ghl',
        },
      ].sort((x, y) => x.cin7CustomerId.localeCompare(y.cin7CustomerId)),
    );
    expect((out.counts as { drift: number }).drift).toBe(2);
    // Each: the confirming GET and one PUT; plus one page on each side.
    expect(out.forecastCalls).toEqual({ ghl: 1 + 4, cin7: 1 });
    expect(sb.ghl.control.stats().byRoute['ghl.contacts.update'] ?? 0).toBe(puts);

    const text = await cli('reconcile');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`city: ${JSON.stringify(cityBefore)} → "Planville" (writes GHL)`);
    expect(text.stdout).toContain(`firstName: "Zelda" → ${JSON.stringify(firstBefore)} (writes GHL)`);
    expect(text.stdout).toMatch(/2 drift/);
    expect(text.stdout).toContain('Calls --apply will cost: GHL 5, Cin7 1');
  });

  it('--apply --json fixes them (exit 0) with the documented fields; the next plan is empty', async () => {
    const r = await cli('reconcile', '--apply', '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = json(r.stdout);
    expect(Object.keys(out).sort()).toEqual([
      'applied',
      'calls',
      'changes',
      'counts',
      'deferred',
      'durationMs',
      'failed',
      'minimumCalls',
      'openConflicts',
      'phasesMs',
      'resumed',
      'runId',
      'status',
    ]);
    expect(out).toMatchObject({
      applied: 2,
      failed: 0,
      deferred: 0,
      calls: { ghl: 5, cin7: 1 },
      minimumCalls: { ghl: 5, cin7: 1 },
    });
    const [a, b] = links as [Link, Link];
    expect(sb.ghl.control.contact(a.ghlId)?.city).toBe('Planville');
    expect(sb.ghl.control.contact(b.ghlId)?.firstName).not.toBe('Zelda');
    const again = json((await cli('reconcile', '--json')).stdout);
    expect(again.changes).toEqual([]);
  });

  it('exits 2 when the conflict policy leaves a conflict open, and says where to resolve it', async () => {
    appendFileSync(path.join(ws.cwd, 'cin7-ghl.sandbox.yaml'), '\nreconcile:\n  conflictPolicy: manual\n');
    const c = links[2] as Link;
    const customer = sb.cin7.control.customer(c.customerId) as Cin7Customer;
    for (const address of customer.Addresses)
      sb.cin7.control.editAddress(c.customerId, address.ID, { City: 'Cin7 side' });
    sb.ghl.control.editContact(c.ghlId, { city: 'GHL side' });
    const r = await cli('reconcile', '--apply');
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toContain(
      'city: GHL "GHL side" vs Cin7 "Cin7 side" (left for `cin7-ghl conflicts resolve`)',
    );
    expect(r.stdout).toMatch(/1 conflict open/);
    expect(sb.ghl.control.contact(c.ghlId)?.city).toBe('GHL side');
  });

  it('refuses --plan with --apply, and a bad --concurrency, naming the fix', async () => {
    const both = await cli('reconcile', '--plan', '--apply');
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/--plan and --apply both given/);
    const bad = await cli('reconcile', '--concurrency', 'lots');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--concurrency.*whole number/);
  });
});
