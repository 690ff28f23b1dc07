import type { Migration } from './types.js';

/**
 * Alerts: one row per incident (events of one kind about one thing, close together in time), so
 * one incident posts one alert however many events it has; and which event joined which incident,
 * so reading the events table twice never counts an event twice.
 */
export const migration: Migration = {
  id: '0042_alerts',
  up: `
CREATE TABLE alert_incidents (
  id bigserial PRIMARY KEY,
  incident_key text NOT NULL,
  kind text NOT NULL,
  severity text NOT NULL,
  subject text,
  title text NOT NULL,
  message text NOT NULL,
  details jsonb,
  event_count integer NOT NULL DEFAULT 1,
  opened_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'unsent')),
  attempts integer NOT NULL DEFAULT 0,
  sent_at timestamptz,
  last_error text
);
CREATE INDEX alert_incidents_key ON alert_incidents (incident_key, last_seen_at DESC);
CREATE INDEX alert_incidents_opened ON alert_incidents (opened_at DESC);

CREATE TABLE alert_incident_events (
  event_id bigint PRIMARY KEY,
  incident_id bigint NOT NULL REFERENCES alert_incidents (id) ON DELETE CASCADE
);
`,
};
