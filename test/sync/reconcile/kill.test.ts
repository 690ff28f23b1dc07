/**
 * Kill the reconciliation (`cin7-ghl reconcile --apply` in a child process, SIGKILL) at 10 random
 * points: each new run resumes from the checkpoint, the end state equals the state an uninterrupted
 * run leaves on a twin tenant (same seed, same injected changes), and no record is written twice
 * for the same change: the sandboxes received exactly as many writes as the uninterrupted run made.
 *
 * PostgreSQL (the scale-out store): the test process and the CLI children share the database.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cin7Customer } from '../../../sandbox/cin7/index.js';
import type { LinkRecord } from '../../../src/sync/repo/links.js';
import { BIN } from '../../helpers/cli.js';
import { cleanEnv } from '../../helpers/env.js';
import { requirePostgres } from '../../helpers/requirements.js';
import { type Harness, startHarness } from '../engine/harness.js';
import { cin7Writes, ghlWrites, linkedLinks, rng, shuffled } from './helpers.js';

const pg = requirePostgres('reconcile: kill and resume');

interface Twin {
  h: Harness;
  before: { ghl: Record<string, number>; cin7: number };
}

/** The same tenant, linked by an initial sync, with the same changes made on both sides. */
async function twin(): Promise<Twin> {
  const h = await startHarness({
    customers: 320,
    salesPerCustomer: 0,
    seed: 41,
    timeScale: 100,
    backend: 'postgres',
  });
  const sync = await h.run({ concurrency: 8 });
  if (sync.status === 'failed') throw new Error(`initial sync failed: ${sync.error}`);
  const links = shuffled(
    (await linkedLinks(h)).sort((a, b) => a.cin7ContactId.localeCompare(b.cin7ContactId)),
    9,
  );
  const cin7 = (l: LinkRecord) => h.sb.cin7.control.customer(l.cin7CustomerId) as Cin7Customer;
  let i = 0;
  for (const l of links.slice(0, 24)) {
    for (const a of cin7(l).Addresses)
      h.sb.cin7.control.editAddress(l.cin7CustomerId, a.ID, { City: `Killtown ${i}` });
    i++;
  }
  for (const l of links.slice(24, 40))
    h.sb.ghl.control.editContact(l.ghlContactId as string, { firstName: `Mallory${i++}` });
  for (const l of links.slice(40, 50)) {
    const dnd = h.sb.ghl.control.contact(l.ghlContactId as string)?.dnd === true;
    h.sb.ghl.control.editContact(l.ghlContactId as string, { dnd: !dnd });
  }
  for (const l of links.slice(50, 53)) h.sb.cin7.control.deprecateCustomer(l.cin7CustomerId);
  return { h, before: { ghl: ghlWrites(h), cin7: cin7Writes(h) } };
}

function reconcileChild(h: Harness): {
  proc: ChildProcess;
  done: Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>;
} {
  const proc = spawn(process.execPath, [BIN, 'reconcile', '--apply', '--json'], {
    cwd: h.t.root,
    env: cleanEnv(h.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stdout?.on('data', (d) => {
    stdout += String(d);
  });
  proc.stderr?.on('data', (d) => {
    stderr += String(d);
  });
  const done = new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>(
    (resolve) => {
      proc.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    },
  );
  return { proc, done };
}

/** Requests both sandboxes have received (the points a kill can land between). */
function requests(h: Harness): number {
  return h.sb.ghl.control.stats().requests + h.sb.cin7.control.calls().accepted;
}

function delta(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) if (v - (before[k] ?? 0) !== 0) out[k] = v - (before[k] ?? 0);
  return out;
}

/** The state a run leaves, keyed by Cin7 ids (GHL ids differ between the twins). */
async function endState(h: Harness): Promise<Record<string, unknown>> {
  const rows = await h.t.store.db
    .selectFrom('links')
    .selectAll()
    .where('ghl_location_id', '=', h.clients.locationId)
    .orderBy('cin7_contact_id')
    .execute();
  const out: Record<string, unknown> = {};
  for (const r of rows) {
    const ghl = r.ghl_contact_id ? h.sb.ghl.control.contact(r.ghl_contact_id) : undefined;
    const customer = h.sb.cin7.control.customer(r.cin7_customer_id);
    const contact = customer?.Contacts.find((c) => c.ID === r.cin7_contact_id);
    out[`${r.cin7_customer_id}/${r.cin7_contact_id}`] = {
      state: r.state,
      hashes: r.hashes,
      withheld: r.withheld,
      ghl: ghl
        ? {
            firstName: ghl.firstName ?? null,
            lastName: ghl.lastName ?? null,
            email: ghl.email ?? null,
            phone: ghl.phone ?? null,
            city: ghl.city ?? null,
            postalCode: ghl.postalCode ?? null,
            companyName: ghl.companyName ?? null,
            dnd: ghl.dnd ?? null,
            tags: [...(ghl.tags ?? [])].sort(),
          }
        : null,
      cin7: {
        status: customer?.Status,
        consent: contact?.MarketingConsent ?? null,
        cities: customer?.Addresses.map((a) => a.City),
      },
    };
  }
  return out;
}

describe.skipIf(!pg.available)('reconcile: SIGKILL at 10 random points, then resume', () => {
  let a: Twin;
  let b: Twin;

  beforeAll(async () => {
    [a, b] = await Promise.all([twin(), twin()]);
  }, 240_000);

  afterAll(async () => {
    await a?.h.close();
    await b?.h.close();
  });

  it('resumes from its checkpoint, ends in the uninterrupted run’s state, and writes nothing twice', async () => {
    const whole = await reconcileChild(a.h).done;
    expect(whole.code, whole.stderr).toBe(0);
    const wholeReport = JSON.parse(whole.stdout) as {
      resumed: boolean;
      counts: Record<string, number>;
      applied: number;
    };
    expect(wholeReport.resumed).toBe(false);

    const next = rng(2024);
    let killed = 0;
    const points: number[] = [];
    for (let k = 0; k < 10; k++) {
      const start = requests(b.h);
      const point = 1 + Math.floor(next() * 10);
      points.push(point);
      const child = reconcileChild(b.h);
      const watcher = setInterval(() => {
        if (requests(b.h) - start >= point) child.proc.kill('SIGKILL');
      }, 1);
      const end = await child.done;
      clearInterval(watcher);
      if (end.signal === 'SIGKILL') killed++;
      else {
        expect(end.code, end.stderr).toBe(0);
        break;
      }
    }
    const last = await reconcileChild(b.h).done;
    expect(last.code, last.stderr).toBe(0);
    const lastReport = JSON.parse(last.stdout) as { resumed: boolean };
    console.log(
      `killed ${killed} times at ${points.join(', ')} requests into a run; last run resumed: ${lastReport.resumed}`,
    );
    expect(killed).toBe(10);
    expect(lastReport.resumed).toBe(true);

    expect(await endState(b.h)).toEqual(await endState(a.h));
    expect(delta(ghlWrites(b.h), b.before.ghl)).toEqual(delta(ghlWrites(a.h), a.before.ghl));
    expect(cin7Writes(b.h) - b.before.cin7).toBe(cin7Writes(a.h) - a.before.cin7);
    expect(cin7Writes(a.h) - a.before.cin7).toBe(10);
    // Twelve CLI processes, each a few seconds of start-up alone on a loaded 2-core machine.
  }, 300_000);
});
