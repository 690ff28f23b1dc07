/**
 * The GHL half of the operations catalog against the official spec files: one catalog entry per
 * spec operation (same method and path), the spec's parameter names, the spec's scope, the names
 * issue 3 lists; every webhook event of `webhook-events/` as a trigger.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  GHL_OPERATIONS,
  ghlOperation,
  locationIdPlacement,
  scopeForOperation,
} from '../../src/ghl/operations.js';
import { GHL_TRIGGERS } from '../../src/ghl/triggers.js';
import { createCatalog } from '../../src/ops/index.js';
import { GHL_SPECS_DIR, specOperations } from '../helpers/ghl-spec.js';
import { requireSpecs } from '../helpers/requirements.js';

const specs = requireSpecs('GHL operations catalog vs spec (test/ghl/operations.test.ts)');

/** The names issue 3 gives, plus the location task search the brief adds. */
const ISSUE_NAMES = [
  'ghl.contacts.get',
  'ghl.contacts.list',
  'ghl.contacts.search',
  'ghl.contacts.duplicate',
  'ghl.contacts.listByBusiness',
  'ghl.contacts.create',
  'ghl.contacts.update',
  'ghl.contacts.upsert',
  'ghl.contacts.delete',
  'ghl.contacts.tags.add',
  'ghl.contacts.tags.remove',
  'ghl.contacts.tags.bulk',
  'ghl.contacts.business.bulk',
  ...['list', 'get', 'create', 'update', 'complete', 'delete'].map((x) => `ghl.contacts.tasks.${x}`),
  ...['list', 'get', 'create', 'update', 'delete'].map((x) => `ghl.contacts.notes.${x}`),
  'ghl.contacts.appointments.list',
  'ghl.contacts.followers.add',
  'ghl.contacts.followers.remove',
  'ghl.contacts.campaigns.add',
  'ghl.contacts.campaigns.remove',
  'ghl.contacts.campaigns.removeAll',
  'ghl.contacts.workflows.add',
  'ghl.contacts.workflows.remove',
  ...['get', 'list', 'create', 'update', 'delete'].map((x) => `ghl.businesses.${x}`),
  'ghl.customFields.list',
  'ghl.locations.tasks.search',
];

describe('GHL operations catalog', () => {
  it('has exactly the names of issue 3 (39 operations), all under api ghl', () => {
    expect(GHL_OPERATIONS.map((o) => o.name).sort()).toEqual([...ISSUE_NAMES].sort());
    expect(GHL_OPERATIONS).toHaveLength(39);
    expect(new Set(GHL_OPERATIONS.map((o) => o.api))).toEqual(new Set(['ghl']));
    expect(createCatalog().operations.filter((o) => o.api === 'ghl')).toHaveLength(39);
  });

  it.skipIf(!specs.available)(
    'matches the spec: one entry per operation, method, path, parameters, scope',
    () => {
      const spec = [
        ...specOperations('apps/contacts.json'),
        ...specOperations('apps/businesses.json'),
        ...specOperations('apps/locations.json').filter(
          (o) =>
            (o.method === 'get' && o.path === '/locations/{locationId}/customFields') ||
            (o.method === 'post' && o.path === '/locations/{locationId}/tasks/search'),
        ),
      ];
      expect(spec.filter((o) => o.file === 'apps/contacts.json')).toHaveLength(32);
      const byKey = new Map(GHL_OPERATIONS.map((o) => [`${o.method} ${o.path}`, o]));
      for (const s of spec) {
        const key = `${s.method.toUpperCase()} ${s.path}`;
        const def = byKey.get(key);
        expect(def, key).toBeDefined();
        const specParams = (
          (s.raw.parameters as Array<{ name: string; in: string; required?: boolean }>) ?? []
        )
          .filter((p) => p.in !== 'header')
          .map((p) => `${p.in}:${p.name}${p.required ? '!' : ''}`)
          .sort();
        const ours = def!.params
          .filter((p) => p.in !== 'body')
          // The spec forgets to declare `{type}` of the bulk tags path.
          .filter((p) => !(def!.name === 'ghl.contacts.tags.bulk' && p.name === 'type'))
          .map((p) => `${p.in}:${p.name}${p.required ? '!' : ''}`)
          .sort();
        expect(ours, key).toEqual(specParams);
        expect(def!.hasBody, key).toBe(s.raw.requestBody !== undefined);
        // The two bulk operations declare no scope; GHL's scope table puts them under contacts.write.
        expect(def!.scope, key).toBe(s.scope ?? 'contacts.write');
        expect(def!.deprecated === true, key).toBe(s.deprecated);
      }
      expect(byKey.size).toBe(spec.length);
    },
  );

  it('knows where locationId goes, and the scope of each operation', () => {
    expect(locationIdPlacement(ghlOperation('ghl.contacts.list'))).toBe('query');
    expect(locationIdPlacement(ghlOperation('ghl.customFields.list'))).toBe('path');
    expect(locationIdPlacement(ghlOperation('ghl.contacts.upsert'))).toBe('body');
    expect(locationIdPlacement(ghlOperation('ghl.contacts.get'))).toBeNull();
    expect(scopeForOperation('ghl.locations.tasks.search')).toBe('locations/tasks.readonly');
    expect(scopeForOperation('ghl.businesses.create')).toBe('businesses.write');
    expect(() => ghlOperation('ghl.nope')).toThrow(/unknown operation/);
  });

  it.skipIf(!specs.available)(
    'every webhook event of the spec folder is a trigger with its payload fields',
    () => {
      const events = readdirSync(path.join(GHL_SPECS_DIR, 'webhook-events'))
        .filter((f) => f.endsWith('.json'))
        .map((f) => f.replace(/\.json$/, ''));
      const webhooks = GHL_TRIGGERS.filter((t) => t.kind === 'webhook');
      expect(webhooks.map((t) => t.name).sort()).toEqual(events.map((e) => `ghl.${e}`).sort());
      for (const t of webhooks) {
        expect(Object.keys(t.payload)).toEqual(expect.arrayContaining(['type', 'locationId', 'webhookId']));
      }
      expect(GHL_TRIGGERS.filter((t) => t.kind === 'poll').map((t) => t.name)).toContain('ghl.poll.contacts');
    },
  );
});
