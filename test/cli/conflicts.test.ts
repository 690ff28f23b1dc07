/**
 * `cin7-ghl conflicts list|show|resolve` as a user runs them, against both sandboxes: conflicts a
 * `reconcile --apply` left open under the manual policy are listed with both values and both
 * change times, shown in full, and resolved by taking one side or a given value — written to the
 * side that needs it — after which the next plan is empty.
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
const picked: Array<{ customerId: string; ghlId: string }> = [];

const cli = (...args: string[]) => runCli(args, { env: ws.env, cwd: ws.cwd, timeoutMs: 90_000 });

interface ConflictJson {
  id: string;
  field: string;
  status: string;
  cin7Value: unknown;
  ghlValue: unknown;
  cin7ChangedAt: string | null;
  ghlChangedAt: string | null;
  policy: string;
  resolution: string | null;
  resolvedValue: unknown;
  resolvedBy: string | null;
  ghlContactId: string;
}

beforeAll(async () => {
  sb = await startSandboxes({
    seed: 67,
    cin7: { customers: 24, salesPerCustomer: 0, timeScale: SCALE, bumpOnContactEdit: true },
    ghl: { timeScale: SCALE },
  });
  ws = await cliWorkspace(sb, { timeScale: SCALE });
  appendFileSync(path.join(ws.cwd, 'cin7-ghl.sandbox.yaml'), '\nreconcile:\n  conflictPolicy: manual\n');
  const sync = await cli('sync', 'run', '--json');
  expect(sync.code, sync.stderr).not.toBe(1);
  for (const customer of sb.cin7.customers() as Cin7Customer[]) {
    if (picked.length === 2) break;
    const contact = customer.Contacts.find((c) => c.Default && c.Email);
    if (!contact?.Email || customer.Status !== 'Active' || customer.Addresses.length === 0) continue;
    const [found] = sb.ghl.control.findContacts({ email: contact.Email.trim().toLowerCase() });
    if (found?.id && found.city) picked.push({ customerId: customer.ID, ghlId: found.id });
  }
  picked.forEach((p, i) => {
    const customer = sb.cin7.control.customer(p.customerId) as Cin7Customer;
    for (const a of customer.Addresses)
      sb.cin7.control.editAddress(p.customerId, a.ID, { City: `Cin7 City ${i}` });
    sb.ghl.control.editContact(p.ghlId, { city: `GHL City ${i}` });
  });
  const r = await cli('reconcile', '--apply', '--json');
  expect(r.code, r.stderr).toBe(2);
}, 180_000);

afterAll(async () => {
  ws?.cleanup();
  await sb?.close();
});

describe('cin7-ghl conflicts', () => {
  let open: ConflictJson[];

  it('list --json: the open conflicts, with both values, both times and the policy', async () => {
    const r = await cli('conflicts', 'list', '--json');
    expect(r.code, r.stderr).toBe(0);
    open = JSON.parse(r.stdout) as ConflictJson[];
    expect(
      open.map((c) => [c.ghlContactId, c.field, c.status, c.policy, c.cin7Value, c.ghlValue]).sort(),
    ).toEqual(
      picked.map((p, i) => [p.ghlId, 'city', 'open', 'manual', `Cin7 City ${i}`, `GHL City ${i}`]).sort(),
    );
    for (const c of open) {
      expect(Date.parse(c.cin7ChangedAt ?? '')).not.toBeNaN();
      expect(Date.parse(c.ghlChangedAt ?? '')).not.toBeNaN();
    }
    const text = await cli('conflicts', 'list');
    expect(text.stdout).toMatch(/\[open\] city of Cin7 .* Cin7 "Cin7 City 0" .* vs GHL "GHL City 0"/);
  });

  it('show: the whole conflict, and how to resolve it', async () => {
    const c = open[0] as ConflictJson;
    const r = await cli('conflicts', 'show', c.id);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Conflict #${c.id}: field city, open`);
    expect(r.stdout).toContain(`Cin7 value: ${JSON.stringify(c.cin7Value)}`);
    expect(r.stdout).toContain(`GHL value:  ${JSON.stringify(c.ghlValue)}`);
    expect(r.stdout).toContain(`cin7-ghl conflicts resolve ${c.id} --take cin7`);
    const missing = await cli('conflicts', 'show', '999999');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no conflict #999999/);
  });

  it('resolve --take cin7 writes GHL; --take value writes the given value; both are then resolved', async () => {
    const [first, second] = [...open].sort((a, b) =>
      String(a.cin7Value).localeCompare(String(b.cin7Value)),
    ) as [ConflictJson, ConflictJson];
    const a = await cli('conflicts', 'resolve', first.id, '--take', 'cin7');
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toContain('city = "Cin7 City 0"; written to GHL');
    expect(sb.ghl.control.contact(first.ghlContactId)?.city).toBe('Cin7 City 0');

    const noValue = await cli('conflicts', 'resolve', second.id, '--take', 'value');
    expect(noValue.code).toBe(1);
    expect(noValue.stderr).toMatch(/--take value needs the value/);
    const sideways = await cli('conflicts', 'resolve', second.id, '--take', 'sideways');
    expect(sideways.code).toBe(1);
    expect(sideways.stderr).toMatch(/not cin7, ghl or value/);

    const b = await cli('conflicts', 'resolve', second.id, '--take', 'value', 'Valueton', '--json');
    expect(b.code, b.stderr).toBe(0);
    const out = JSON.parse(b.stdout) as {
      value: unknown;
      kept: string[];
      written: { ghl: string[]; cin7: string[] };
    };
    // City flows from Cin7 to GHL only: GHL takes the value, Cin7 keeps its own.
    expect(out).toMatchObject({ value: 'Valueton', kept: ['cin7'], written: { ghl: ['city'], cin7: [] } });
    expect(sb.ghl.control.contact(second.ghlContactId)?.city).toBe('Valueton');

    const again = await cli('conflicts', 'resolve', first.id, '--take', 'ghl');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already resolved/);

    const shown = JSON.parse((await cli('conflicts', 'show', second.id, '--json')).stdout) as ConflictJson;
    expect(shown).toMatchObject({
      status: 'resolved',
      resolution: 'value',
      resolvedValue: 'Valueton',
      resolvedBy: 'manual',
    });
    const none = await cli('conflicts', 'list');
    expect(none.stdout.trim()).toBe('No open conflicts.');
    const all = JSON.parse((await cli('conflicts', 'list', '--all', '--json')).stdout) as ConflictJson[];
    expect(all.length).toBe(2);

    const plan = JSON.parse((await cli('reconcile', '--json')).stdout) as { changes: unknown[] };
    expect(plan.changes).toEqual([]);
  });

  it('refuses an unknown status', async () => {
    const r = await cli('conflicts', 'list', '--status', 'bogus');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/"bogus" is not a conflict status/);
  });
});
