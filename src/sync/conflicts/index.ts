/**
 * Field-level conflicts (issue 6): both values, both change times and the policy that applied;
 * list, show and resolve for the CLI, the REST API and the dashboard. See docs/reconcile.md.
 */
export {
  type ConflictPolicyName,
  type ConflictRecord,
  type ListConflictsOptions,
  type NewConflict,
  conflictCounts,
  getConflict,
  listConflicts,
  recordConflict,
} from './repo.js';
export { type ResolveDeps, type ResolveResult, type Take, resolveConflict } from './resolve.js';
