/**
 * The nightly reconciliation (issue 6, items 1–3): plan and apply, field-level conflicts, orphans,
 * unlinked candidates, business associations, budget awareness. See docs/reconcile.md.
 */
export { BudgetGate } from './budget.js';
export {
  type ClassifyInput,
  type Classification,
  type FieldFlow,
  cin7ChangeTime,
  cin7ValueOf,
  classifyRecord,
  fieldFlow,
} from './classify.js';
export { reportJson, reportText, reconcileExitCode } from './format.js';
export { RECONCILE_KIND, RESUME_MAX_AGE_MS, runReconcile } from './run.js';
export {
  type RegisterReconcileOptions,
  type ReconcileJobPayload,
  reconcileJob,
  registerReconcile,
} from './schedule.js';
export { type FixResult, type RecordFix, type WriteContext, applyFix } from './write.js';
export type * from './types.js';
