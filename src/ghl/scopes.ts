import type { Config } from '../config/load.js';

/** The parts of the config that decide which GHL scopes are needed. */
export type ScopeConfig = {
  sync: Pick<
    Config['sync'],
    'cin7ToGhl' | 'ghlToCin7' | 'businesses' | 'customFields' | 'taskPolling' | 'tagRulesFile'
  >;
};

/**
 * The least-privilege GHL scopes for what the config enables:
 * - `contacts.readonly` always;
 * - `contacts.write` only when something writes to GHL (Cin7 → GHL, or tag rules);
 * - `businesses.readonly` with `sync.businesses`, plus `businesses.write` when Cin7 → GHL writes them;
 * - `locations/customFields.readonly` with `sync.customFields`;
 * - `locations/tasks.readonly` with `sync.taskPolling`, or GHL → Cin7 (tasks come back through the
 *   location task search, the only location-wide task listing).
 *
 * @example
 * requiredGhlScopes(config) // ['contacts.readonly', 'contacts.write', 'locations/tasks.readonly']
 */
export function requiredGhlScopes(config: ScopeConfig): string[] {
  const s = config.sync;
  const writes = s.cin7ToGhl || s.tagRulesFile !== undefined;
  const scopes = ['contacts.readonly'];
  if (writes) scopes.push('contacts.write');
  if (s.businesses) {
    scopes.push('businesses.readonly');
    if (s.cin7ToGhl) scopes.push('businesses.write');
  }
  if (s.customFields) scopes.push('locations/customFields.readonly');
  if (s.taskPolling || s.ghlToCin7) scopes.push('locations/tasks.readonly');
  return scopes;
}

/** `scope` of a token answer (space-separated) as a sorted, unique list. */
export function parseScopes(scope: unknown): string[] {
  if (typeof scope !== 'string') return [];
  return [...new Set(scope.split(/\s+/).filter((x) => x !== ''))].sort();
}

/** The scopes of `wanted` that `granted` lacks. */
export function missingScopes(wanted: readonly string[], granted: readonly string[]): string[] {
  const have = new Set(granted);
  return wanted.filter((s) => !have.has(s));
}
