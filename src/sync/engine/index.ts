/** The sync engine: Cin7 → GHL on triggers, matching without duplicates, runs and call budget. */
export { BusinessDirectory } from './business.js';
export { type SyncClients, createSyncClients } from './clients.js';
export { type ConsumerDeps, customersConsumer, salesConsumer } from './consumers.js';
export { type ContactResult, type ContactTask, syncContact } from './contact-sync.js';
export { RecordError, SyncBusyError, SyncSetupError, failureFromError, isFatal } from './errors.js';
export { CAUSES, type SyncCustomerPayload, causeOfReason, syncCustomerJob } from './job-kinds.js';
export { type CustomerLock, customerLockFor, customerLockId } from './lock.js';
export {
  type FoundContact,
  LookupMatcher,
  type MatchOutcome,
  type Matcher,
  PrefetchMatcher,
  asContact,
  samePersonByPhone,
} from './matcher.js';
export { type RetryOptions, type RetryReport, retryFailures } from './retry.js';
export { type DesiredTags, desiredTags, desiredTagsOf } from './rule-tags.js';
export {
  type RunPhase,
  type RunProgress,
  type SyncRunDeps,
  type SyncRunOptions,
  type SyncRunReport,
  runSync,
} from './run.js';
export { SYNC_JOB_KINDS, type SyncService, type SyncServiceDeps, startSyncService } from './service.js';
export { type SyncStatus, statusText, syncStatus } from './status.js';
export { syncCustomer } from './sync-customer.js';
export { PREFETCH_PAGE, RunTally } from './tally.js';
export {
  SIMULATED_TRIGGERS,
  type SimulateParams,
  type SimulateResult,
  type SimulateTargets,
  cin7ControlRoot,
  simulateTrigger,
} from './trigger.js';
export type * from './types.js';
