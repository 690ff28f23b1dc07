/**
 * GHL → Cin7 (issue 6, item 4): webhooks and polls lead to a re-read of the GHL contact (its notes
 * and tasks) and one read-modify-write of the Cin7 customer with the GHL-owned fields and the
 * profile, without echoes. See docs/ghl-to-cin7.md.
 */
export {
  type CreateOutcome,
  candidateNames,
  createFromContact,
  customerDefaults,
  newCustomerBody,
} from './create.js';
export { EVENT_NEEDS, contactFlows, ghlToCin7Handlers, noteGhlChange, profileFlows } from './events.js';
export {
  GHL_TO_CIN7_JOB_KINDS,
  contactKey,
  customerKey,
  ghlInboundJob,
  ghlPollContactsJob,
  ghlPollTasksJob,
} from './jobs.js';
export { type PullResult, pullCustomer } from './pull.js';
export {
  type InboundEvent,
  type InboundNeeds,
  type InboundRow,
  inboundCount,
  inboundOfContact,
  inboundOfCustomer,
  profileState,
} from './repo.js';
export {
  type ContactPollReport,
  type GhlToCin7Options,
  type GhlToCin7Service,
  contactPollCheckpoint,
  ghlToCin7Service,
  pollContacts,
  pollTaskChanges,
  processInbound,
} from './service.js';
export { type TaskPollReport, pollTasks, resolveTaskContact, taskHash } from './tasks.js';
export type { Cin7WriteEvent, GhlToCin7Deps } from './types.js';
