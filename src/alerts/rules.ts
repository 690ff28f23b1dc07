/**
 * Which store events alert, and how they group into incidents: one incident per kind of trouble
 * and per thing it is about (a job kind, a connection, a webhook), so a storm of dead letters of
 * one kind is one alert, not a thousand.
 */
import type { EventRow } from '../store/events.js';
import type { Json } from '../store/schema.js';

/** The event kinds that can alert (recorded by the queue, the GHL and Cin7 modules, the sync engine). */
export const ALERT_KINDS = [
  'run.failed',
  'job.dead_letter',
  'auth.lost',
  'connection.uninstalled',
  'cin7.webhook.reactivated',
  'cin7.webhook.recreated',
  'cin7.webhook.repaired',
] as const;

/** Job kinds whose dead letters do not alert: the alert sender itself (it would alert about alerting). */
const SILENT_JOB_KINDS = new Set(['alerts.deliver']);

export interface AlertRule {
  /** Events with the same key, close in time, are one incident. */
  incidentKey: string;
  title: string;
}

function detail(details: Json | null, key: string): string | null {
  if (details && typeof details === 'object' && !Array.isArray(details)) {
    const v = details[key];
    return typeof v === 'string' ? v : null;
  }
  return null;
}

/**
 * The incident an event belongs to, or null when it does not alert.
 *
 * @example
 * alertRuleFor(event) // { incidentKey: 'job.dead_letter:events.deliver', title: 'Jobs of events.deliver were dead-lettered' }
 */
export function alertRuleFor(e: Pick<EventRow, 'kind' | 'subject' | 'details'>): AlertRule | null {
  switch (e.kind) {
    case 'run.failed': {
      const kind = detail(e.details, 'kind') ?? 'sync';
      return { incidentKey: `run.failed:${kind}`, title: `A ${kind} run failed` };
    }
    case 'job.dead_letter': {
      const kind = detail(e.details, 'kind') ?? e.subject?.split('/')[0] ?? 'unknown';
      if (SILENT_JOB_KINDS.has(kind)) return null;
      return {
        incidentKey: `job.dead_letter:${kind}`,
        title: `Jobs of ${kind} failed for good (dead-lettered)`,
      };
    }
    case 'auth.lost':
      return {
        incidentKey: `auth.lost:${e.subject ?? 'unknown'}`,
        title: `Connection ${e.subject ?? ''} lost its authorisation`,
      };
    case 'connection.uninstalled':
      return {
        incidentKey: `auth.lost:${e.subject ?? 'unknown'}`,
        title: `Connection ${e.subject ?? ''} was uninstalled`,
      };
    case 'cin7.webhook.reactivated':
    case 'cin7.webhook.recreated':
    case 'cin7.webhook.repaired': {
      const type = detail(e.details, 'type') ?? 'webhook';
      return {
        incidentKey: `cin7.webhook:${e.subject ?? 'unknown'}:${type}`,
        title: `Cin7 webhook ${type} had been switched off or changed`,
      };
    }
    default:
      return null;
  }
}
