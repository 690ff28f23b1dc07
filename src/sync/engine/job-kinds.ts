/**
 * The `sync.customer` job kind: one per changed customer, deduplicated by its singleton key (at
 * most one queued and one running per customer). It carries only the id: the job reads the latest
 * snapshot from the store, so a newer change that arrives while a job waits is never lost, and no
 * GET per customer is ever made.
 */
import { z } from 'zod';
import { defineJob } from '../../jobs/define.js';

export const CAUSES = ['webhook', 'poll', 'reconcile', 'manual'] as const;

export const syncCustomerJob = defineJob({
  name: 'sync.customer',
  schema: z.object({
    customerId: z.string().min(1),
    cause: z.enum(CAUSES).optional(),
  }),
  retryLimit: 8,
  retryDelaySeconds: 5,
  retryDelayMaxSeconds: 600,
  // One customer is a few calls; an attempt killed with its process comes back after this.
  expireInSeconds: 120,
  singletonKey: (p) => p.customerId,
});

export type SyncCustomerPayload = z.infer<typeof syncCustomerJob.schema>;

/** The cause recorded for work started by a feed pass asked for with `reason`. */
export function causeOfReason(reason: string | undefined): 'webhook' | 'poll' | 'manual' {
  if (reason === 'webhook') return 'webhook';
  if (reason === 'manual') return 'manual';
  return 'poll';
}
