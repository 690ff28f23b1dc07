/**
 * Sending an incident's alert to `alerts.url`: one job per incident, retried with backoff a bounded
 * number of times; a success or the last failure is written on the incident.
 */
import { sql } from 'kysely';
import { z } from 'zod';
import { AppError, errorMessage } from '../errors/index.js';
import { type JobKind, defineJob } from '../jobs/define.js';
import type { JobInfo } from '../jobs/queue.js';
import type { Logger } from '../log/logger.js';
import { redactText } from '../log/redact.js';
import type { Store } from '../store/open.js';
import { toIncident } from './incidents.js';
import { slackAlertBody } from './slack.js';

export const ALERT_DELIVERY_JOB = 'alerts.deliver';

export interface AlertPolicy {
  /** Retries after the first attempt (default 6). */
  retryLimit?: number;
  /** Backoff base in seconds (default 10, doubling up to 15 minutes). */
  retryDelaySeconds?: number;
  timeoutMs?: number;
}

/** The alert job kind (tests shorten the retry policy). */
export function alertDeliveryJob(policy: AlertPolicy = {}): JobKind<{ incidentId: string }> {
  return defineJob({
    name: ALERT_DELIVERY_JOB,
    schema: z.object({ incidentId: z.string().regex(/^\d+$/) }),
    retryLimit: policy.retryLimit ?? 6,
    retryDelaySeconds: policy.retryDelaySeconds ?? 10,
    retryDelayMaxSeconds: 900,
    expireInSeconds: 60,
  });
}

export class AlertDeliveryError extends AppError {
  constructor(problem: string) {
    super('alert_delivery_failed', `Posting the alert failed: ${problem}`, {
      hint: 'Check alerts.url (CIN7_GHL_ALERT_URL): it must accept a JSON POST and answer 2xx.',
    });
  }
}

export interface AlertDeliverDeps {
  store: Store;
  logger: Logger;
  url: string;
  env: string;
  link?: string | null;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * Posts the alert of one incident (the job handler); a sent incident is not sent again.
 *
 * @example
 * await queue.work(kind, { batchSize: 2 }, (p, job) => deliverAlert(deps, p.incidentId, job, kind.retryLimit));
 */
export async function deliverAlert(
  deps: AlertDeliverDeps,
  incidentId: string,
  job: Pick<JobInfo, 'retryCount' | 'signal'>,
  retryLimit: number,
): Promise<void> {
  const row = await deps.store.db
    .selectFrom('alert_incidents')
    .selectAll()
    .where('id', '=', incidentId)
    .executeTakeFirst();
  if (!row || row.status === 'sent') return;
  const incident = toIncident(row);
  const body = slackAlertBody({
    title: incident.title,
    message: incident.message,
    kind: incident.kind,
    severity: incident.severity,
    subject: incident.subject,
    details: incident.details,
    eventCount: incident.eventCount,
    openedAt: incident.openedAt,
    env: deps.env,
    ...(deps.link !== undefined ? { link: deps.link } : {}),
  });
  let problem: string | null = null;
  try {
    const res = await (deps.fetch ?? fetch)(deps.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      redirect: 'manual',
      signal: AbortSignal.any([AbortSignal.timeout(deps.timeoutMs ?? 10_000), job.signal]),
    });
    const answer = await res.text().catch(() => '');
    if (res.status < 200 || res.status >= 300)
      problem = `HTTP ${res.status}${answer ? `: ${answer.slice(0, 200)}` : ''}`;
  } catch (e) {
    problem = errorMessage(e);
  }
  const final = job.retryCount >= retryLimit;
  if (problem === null) {
    await deps.store.db
      .updateTable('alert_incidents')
      .set({
        status: 'sent',
        sent_at: sql<Date>`now()`,
        attempts: sql<number>`attempts + 1`,
        last_error: null,
      })
      .where('id', '=', incidentId)
      .execute();
    deps.logger.info({ incidentId, kind: incident.kind, title: incident.title }, 'alert sent');
    return;
  }
  const safe = redactText(problem);
  await deps.store.db
    .updateTable('alert_incidents')
    .set({ status: final ? 'failed' : 'pending', attempts: sql<number>`attempts + 1`, last_error: safe })
    .where('id', '=', incidentId)
    .execute();
  throw new AlertDeliveryError(safe);
}
