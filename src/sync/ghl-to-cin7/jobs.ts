/**
 * The job kinds of GHL → Cin7: `sync.ghl-inbound` (one per customer, or per unlinked GHL contact,
 * deduplicated by its key and started after the debounce, so a burst of events is one re-read and
 * one Cin7 write), and the two polls (contacts by `dateUpdated`, tasks location-wide).
 */
import { z } from 'zod';
import { defineJob } from '../../jobs/define.js';

export const ghlInboundJob = defineJob({
  name: 'sync.ghl-inbound',
  schema: z.object({ key: z.string().regex(/^(customer|contact):.+$/) }),
  retryLimit: 8,
  retryDelaySeconds: 5,
  retryDelayMaxSeconds: 600,
  expireInSeconds: 180,
  singletonKey: (p) => p.key,
});

export const ghlPollContactsJob = defineJob({
  name: 'sync.ghl-poll-contacts',
  schema: z.object({ reason: z.string().optional() }),
  retryLimit: 2,
  retryDelaySeconds: 30,
  expireInSeconds: 900,
  singletonKey: () => 'contacts',
});

export const ghlPollTasksJob = defineJob({
  name: 'sync.ghl-poll-tasks',
  schema: z.object({ reason: z.string().optional() }),
  retryLimit: 2,
  retryDelaySeconds: 30,
  expireInSeconds: 900,
  singletonKey: () => 'tasks',
});

/** Every job kind of GHL → Cin7 (register them at queue start). */
export const GHL_TO_CIN7_JOB_KINDS = [ghlInboundJob, ghlPollContactsJob, ghlPollTasksJob] as const;

/** The job key of a linked customer's work. */
export const customerKey = (customerId: string) => `customer:${customerId}`;
/** The job key of an unlinked GHL contact's work (creating a Cin7 customer). */
export const contactKey = (ghlContactId: string) => `contact:${ghlContactId}`;
