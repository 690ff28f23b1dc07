/**
 * Every `ghl.*` operation through `cin7-ghl ops call`, spawned as a user runs it (clean environment
 * plus GHL_BASE_URL, GHL_TOKEN, GHL_LOCATION_ID: no store needed), against a running
 * `cin7-ghl sandbox`. stdout carries the response body and nothing else; a failure exits 1 with
 * `{operation, status, message, traceId}` on stderr. `ops list --json` counts the operations.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GHL_OPERATIONS } from '../../src/ghl/operations.js';
import { type CliResult, type SandboxProcess, runCli, startSandboxProcess } from '../helpers/cli.js';

type Json = Record<string, unknown>;

describe('cin7-ghl ops call ghl.* against a running cin7-ghl sandbox', () => {
  let sandbox: SandboxProcess;
  let env: Record<string, string>;
  let dataDir: string;
  const called = new Set<string>();

  beforeAll(async () => {
    sandbox = await startSandboxProcess(['--ghl-contacts', '5', '--customers', '2', '--seed', '3']);
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'cin7ghl-ops-'));
    env = {
      GHL_BASE_URL: sandbox.ready.ghl.baseUrl,
      GHL_TOKEN: sandbox.ready.ghl.token,
      GHL_LOCATION_ID: sandbox.ready.ghl.locationId,
      CIN7_GHL_DATA_DIR: dataDir,
      CIN7_GHL_LOG_LEVEL: 'warn',
    };
  }, 90_000);
  afterAll(async () => {
    await sandbox?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** `ops call name --params json`; the parsed stdout (which must be exactly one JSON value). */
  async function call(name: string, params: Json = {}): Promise<Json> {
    const r = await runCli(['ops', 'call', name, '--params', JSON.stringify(params)], { env });
    expect(r.code, `${name}: ${r.stderr}`).toBe(0);
    called.add(name);
    const lines = r.stdout.split('\n').filter((l) => l !== '');
    expect(lines, name).toHaveLength(1);
    return JSON.parse(lines[0]!) as Json;
  }

  /** Runs calls at most 3 at a time (each is a process start). */
  async function all<T>(jobs: Array<() => Promise<T>>): Promise<T[]> {
    const out: T[] = new Array(jobs.length);
    let next = 0;
    await Promise.all(
      Array.from({ length: 3 }, async () => {
        while (next < jobs.length) {
          const i = next++;
          out[i] = await jobs[i]!();
        }
      }),
    );
    return out;
  }

  it('ops list --json counts the GHL operations and triggers', async () => {
    const r = await runCli(['ops', 'list', '--json'], { env });
    expect(r.code, r.stderr).toBe(0);
    const list = JSON.parse(r.stdout) as {
      counts: { operations: number; triggers: number; byApi: Record<string, number> };
      operations: Array<{ name: string; api: string }>;
      triggers: Array<{ name: string; api: string; kind: string }>;
    };
    expect(list.counts.byApi.ghl).toBe(39);
    expect(
      list.operations
        .filter((o) => o.api === 'ghl')
        .map((o) => o.name)
        .sort(),
    ).toEqual(GHL_OPERATIONS.map((o) => o.name).sort());
    const ghlTriggers = list.triggers.filter((t) => t.api === 'ghl');
    expect(ghlTriggers.filter((t) => t.kind === 'webhook')).toHaveLength(13);
    expect(ghlTriggers.some((t) => t.kind === 'poll')).toBe(true);
    expect(list.counts.operations).toBe(list.operations.length);
  });

  it('every ghl.* operation works through ops call, locationId defaulting to GHL_LOCATION_ID', async () => {
    const { campaignId, workflowId } = sandbox.ready.ghl;
    // Wave 1: what the others need. No locationId anywhere: it defaults in query, path and body.
    const [a, b, business, fields, search, list, businesses] = await all([
      () =>
        call('ghl.contacts.create', {
          body: { firstName: 'Ops', lastName: 'One', email: 'ops.one@example.com' },
        }),
      () =>
        call('ghl.contacts.create', { body: { firstName: 'Ops', lastName: 'Two', phone: '+14155550177' } }),
      () => call('ghl.businesses.create', { body: { name: 'Ops Co' } }),
      () => call('ghl.customFields.list'),
      () => call('ghl.contacts.search', { body: { pageLimit: 2 } }),
      () => call('ghl.contacts.list', { limit: 3 }),
      () => call('ghl.businesses.list'),
    ]);
    const contactId = (a!.contact as Json).id as string;
    const otherId = (b!.contact as Json).id as string;
    const businessId = (business!.buiseness as Json).id as string;
    expect(contactId).toBeTruthy();
    expect(businessId).toBeTruthy();
    expect((fields!.customFields as unknown[]).length).toBeGreaterThan(0);
    expect((search!.contacts as unknown[]).length).toBe(2);
    expect((list!.contacts as unknown[]).length).toBe(3);
    expect(Array.isArray(businesses!.businesses)).toBe(true);

    // Wave 2: on the contact and the business.
    const wave2 = await all([
      () => call('ghl.contacts.get', { contactId }),
      () => call('ghl.contacts.update', { contactId, body: { city: 'Wellington' } }),
      () => call('ghl.contacts.upsert', { body: { email: 'ops.one@example.com', lastName: 'Uno' } }),
      () => call('ghl.contacts.duplicate', { email: 'ops.one@example.com' }),
      () => call('ghl.contacts.tags.add', { contactId, body: { tags: ['ops', 'cli'] } }),
      () => call('ghl.contacts.appointments.list', { contactId }),
      () => call('ghl.contacts.followers.add', { contactId, body: { followers: ['u1', 'u2'] } }),
      () => call('ghl.contacts.campaigns.add', { contactId, campaignId }),
      () => call('ghl.contacts.workflows.add', { contactId, workflowId }),
      () => call('ghl.contacts.business.bulk', { body: { ids: [contactId], businessId } }),
      () => call('ghl.businesses.get', { businessId }),
      () => call('ghl.businesses.update', { businessId, body: { city: 'Auckland' } }),
      () =>
        call('ghl.contacts.tasks.create', {
          contactId,
          body: { title: 'Ring', dueDate: '2031-05-06T07:08:09.000Z', completed: false },
        }),
      () => call('ghl.contacts.notes.create', { contactId, body: { body: 'From the CLI' } }),
    ]);
    expect((wave2[0]!.contact as Json).id).toBe(contactId);
    expect((wave2[1]!.contact as Json).city).toBe('Wellington');
    expect(wave2[2]!.new).toBe(false);
    expect((wave2[3]!.contact as Json).id).toBe(contactId);
    expect(wave2[4]!.tags).toEqual(expect.arrayContaining(['ops', 'cli']));
    const taskId = (wave2[12]!.task as Json).id as string;
    const noteId = (wave2[13]!.note as Json).id as string;

    // Wave 3: what needs wave 2.
    const wave3 = await all([
      () => call('ghl.contacts.tags.remove', { contactId, body: { tags: ['cli'] } }),
      () =>
        call('ghl.contacts.tags.bulk', {
          type: 'add',
          body: { contacts: [contactId, otherId], tags: ['bulk'] },
        }),
      () => call('ghl.contacts.followers.remove', { contactId, body: { followers: ['u2'] } }),
      () => call('ghl.contacts.campaigns.remove', { contactId, campaignId }),
      () => call('ghl.contacts.workflows.remove', { contactId, workflowId }),
      () => call('ghl.contacts.listByBusiness', { businessId }),
      () => call('ghl.contacts.tasks.list', { contactId }),
      () => call('ghl.contacts.tasks.get', { contactId, taskId }),
      () => call('ghl.contacts.tasks.update', { contactId, taskId, body: { title: 'Ring back' } }),
      () => call('ghl.contacts.notes.list', { contactId }),
      () => call('ghl.contacts.notes.get', { contactId, id: noteId }),
      () =>
        call('ghl.contacts.notes.update', { contactId, id: noteId, body: { body: 'Edited from the CLI' } }),
      () => call('ghl.locations.tasks.search', { body: { contactId: [contactId], limit: 10, skip: 0 } }),
    ]);
    expect(wave3[0]!.tags).not.toContain('cli');
    expect(wave3[1]!.errorCount).toBe(0);
    expect((wave3[5]!.contacts as Json[]).map((c) => c.id)).toEqual([contactId]);
    expect((wave3[8]!.task as Json).title).toBe('Ring back');
    expect((wave3[11]!.note as Json).body).toBe('Edited from the CLI');
    expect((wave3[12]!.tasks as Json[]).map((t) => t.id)).toContain(taskId);

    // Wave 4: completion and deletions.
    const wave4 = await all([
      () => call('ghl.contacts.tasks.complete', { contactId, taskId, body: { completed: true } }),
      () => call('ghl.contacts.notes.delete', { contactId, id: noteId }),
      () => call('ghl.contacts.campaigns.removeAll', { contactId }),
      () => call('ghl.contacts.delete', { contactId: otherId }),
    ]);
    expect((wave4[0]!.task as Json).completed).toBe(true);
    expect(wave4[3]!.succeded).toBe(true);
    await all([
      () => call('ghl.contacts.tasks.delete', { contactId, taskId }),
      () => call('ghl.businesses.delete', { businessId }),
    ]);

    expect([...called].sort()).toEqual(GHL_OPERATIONS.map((o) => o.name).sort());
  }, 240_000);

  it('a failed call exits 1 with {operation, status, message, traceId} on stderr (a 422 keeps its array)', async () => {
    const missing: CliResult = await runCli(
      ['ops', 'call', 'ghl.contacts.get', '--params', '{"contactId":"no-such-contact"}'],
      { env },
    );
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe('');
    const err = JSON.parse(missing.stderr.trim().split('\n').pop()!) as Json;
    expect(err).toMatchObject({ operation: 'ghl.contacts.get', status: 400, message: 'Contact not found' });
    expect(typeof err.traceId).toBe('string');

    const created = await call('ghl.contacts.create', {
      body: { firstName: 'Bad', email: 'bad.task@example.com' },
    });
    const invalid = await runCli(
      [
        'ops',
        'call',
        'ghl.contacts.tasks.create',
        '--params',
        JSON.stringify({ contactId: (created.contact as Json).id, body: { title: 'x', completed: false } }),
      ],
      { env },
    );
    expect(invalid.code).toBe(1);
    const e422 = JSON.parse(invalid.stderr.trim().split('\n').pop()!) as Json;
    expect(e422.status).toBe(422);
    expect(Array.isArray(e422.message)).toBe(true);
    expect((e422.message as string[]).join(' ')).toMatch(/dueDate/);

    const unknown = await runCli(['ops', 'call', 'ghl.contacts.get', '--params', '{"id":"x"}'], { env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown parameter/);
  }, 60_000);
});
