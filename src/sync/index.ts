/**
 * The sync: mapping (`mapping/`), tag rules (`rules/`), the engine (`engine/`), its repositories
 * (`repo/`), the unified profile (`profile/`), the inbox processor (`inbox/`), the reconciliation
 * (`reconcile/`, docs/reconcile.md) and its conflicts (`conflicts/`). See docs/sync.md.
 * The CLI and (later) the REST API call these functions; none of them knows about HTTP frameworks.
 */
export * as mapping from './mapping/index.js';
export * as rules from './rules/index.js';
export * as repo from './repo/index.js';
export * from './engine/index.js';
export * from './inbox/index.js';
export * from './profile/index.js';
export * as reconcile from './reconcile/index.js';
export * as conflicts from './conflicts/index.js';
