/** Alerts: store events → incidents (one alert each) → a Slack-compatible POST to `alerts.url`. */
export {
  ALERT_DELIVERY_JOB,
  type AlertDeliverDeps,
  AlertDeliveryError,
  type AlertPolicy,
  alertDeliveryJob,
  deliverAlert,
} from './deliver.js';
export { type Incident, fileAlertEvents, listIncidents, toIncident } from './incidents.js';
export { ALERT_KINDS, type AlertRule, alertRuleFor } from './rules.js';
export { type AlertContent, type SlackBody, slackAlertBody } from './slack.js';
export { scanAlerts } from './scan.js';
