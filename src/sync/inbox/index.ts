/** The inbox processor: stored webhook deliveries dispatched by source and event type. */
export {
  type GhlEventHandler,
  type InboxContext,
  type InboxEvent,
  type InboxHandlers,
  type InboxOutcome,
  defaultInboxHandlers,
  inboxJob,
  processInboxRow,
  startInboxProcessor,
} from './processor.js';
