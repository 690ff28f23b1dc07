/** Store events (what happened: auth lost, dead letters, webhooks repaired …) and alert incidents. */
import { z } from 'zod';
import { listIncidents } from '../../alerts/incidents.js';
import { redactValue } from '../../log/redact.js';
import { listEvents } from '../../store/events.js';
import type { EventSeverity } from '../../store/schema.js';
import { type ApiContext, iso } from './context.js';
import { type ApiRoute, defineRoute } from './route.js';

const eventSchema = z.object({
  id: z.string(),
  kind: z.string(),
  severity: z.enum(['info', 'warning', 'error', 'critical']),
  subject: z.string().nullable(),
  message: z.string(),
  details: z.unknown(),
  createdAt: z.string(),
});

const incidentSchema = z.object({
  id: z.string(),
  incidentKey: z.string(),
  kind: z.string(),
  severity: z.string(),
  subject: z.string().nullable(),
  title: z.string(),
  message: z.string(),
  eventCount: z.number(),
  openedAt: z.string(),
  lastSeenAt: z.string(),
  status: z.enum(['pending', 'sent', 'failed', 'unsent']),
  sentAt: z.string().nullable(),
  lastError: z.string().nullable(),
});

const csv = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== ''),
);

export function eventRoutes(ctx: ApiContext): ApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/events',
      operationId: 'listEvents',
      summary: 'What happened, newest first (auth lost, dead letters, webhooks repaired, runs failed …)',
      tags: ['events'],
      query: z.object({
        kinds: csv.optional().describe('comma-separated kinds, e.g. auth.lost,job.dead_letter'),
        severities: csv.optional().describe('comma-separated: info, warning, error, critical'),
        beforeId: z.string().regex(/^\d+$/).optional().describe('page backwards from this id'),
        limit: z.coerce.number().int().min(1).max(1000).default(100),
      }),
      response: z.object({ events: z.array(eventSchema) }),
      handler: async ({ query }) => {
        const events = await listEvents(ctx.store.db, {
          ...(query.kinds ? { kinds: query.kinds } : {}),
          ...(query.severities ? { severities: query.severities as EventSeverity[] } : {}),
          ...(query.beforeId ? { beforeId: query.beforeId } : {}),
          limit: query.limit,
        });
        return {
          events: events.map((e) => ({
            id: e.id,
            kind: e.kind,
            severity: e.severity,
            subject: e.subject,
            message: e.message,
            details: redactValue(e.details),
            createdAt: e.createdAt.toISOString(),
          })),
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/alerts',
      operationId: 'listAlerts',
      summary: 'Alert incidents, newest first (one alert per incident)',
      tags: ['events'],
      query: z.object({
        beforeId: z.string().regex(/^\d+$/).optional(),
        limit: z.coerce.number().int().min(1).max(500).default(50),
      }),
      response: z.object({ alerts: z.array(incidentSchema) }),
      handler: async ({ query }) => {
        const list = await listIncidents(ctx.store.db, {
          limit: query.limit,
          ...(query.beforeId ? { beforeId: query.beforeId } : {}),
        });
        return {
          alerts: list.map((i) => ({
            id: i.id,
            incidentKey: i.incidentKey,
            kind: i.kind,
            severity: i.severity,
            subject: i.subject,
            title: i.title,
            message: i.message,
            eventCount: i.eventCount,
            openedAt: i.openedAt.toISOString(),
            lastSeenAt: i.lastSeenAt.toISOString(),
            status: i.status,
            sentAt: iso(i.sentAt),
            lastError: i.lastError,
          })),
        };
      },
    }),
  ];
}
