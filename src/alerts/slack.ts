/**
 * The alert body: Slack-compatible (`text` for notifications and plain receivers, `blocks` for
 * Slack's layout). Everything in it passes the redactor: no secret reaches a chat channel.
 */
import { redactText, redactValue } from '../log/redact.js';
import type { Json } from '../store/schema.js';

export interface AlertContent {
  title: string;
  message: string;
  kind: string;
  severity: string;
  subject: string | null;
  details: Json | null;
  eventCount: number;
  openedAt: Date;
  /** e.g. `production`. */
  env: string;
  /** Where to look: the dashboard URL, when known. */
  link?: string | null;
}

export interface SlackBody {
  text: string;
  blocks: Array<Record<string, unknown>>;
}

const MAX_DETAILS = 2500;

/**
 * Builds the alert body.
 *
 * @example
 * const body = slackAlertBody({ title: 'A sync run failed', message: 'GHL answered 500', kind: 'run.failed', ... });
 */
export function slackAlertBody(a: AlertContent): SlackBody {
  const title = redactText(a.title);
  const message = redactText(a.message);
  const details = a.details === null ? null : JSON.stringify(redactValue(a.details), null, 2);
  const shownDetails =
    details && details.length > MAX_DETAILS ? `${details.slice(0, MAX_DETAILS)}\n…` : details;
  const icon = a.severity === 'critical' || a.severity === 'error' ? ':rotating_light:' : ':warning:';
  const text = `${icon} [cin7-ghl ${a.env}] ${title}: ${message}`;
  const fields = [
    { type: 'mrkdwn', text: `*Kind*\n${a.kind}` },
    { type: 'mrkdwn', text: `*Severity*\n${a.severity}` },
    { type: 'mrkdwn', text: `*About*\n${redactText(a.subject ?? '—')}` },
    { type: 'mrkdwn', text: `*Since*\n${a.openedAt.toISOString()}` },
  ];
  const blocks: Array<Record<string, unknown>> = [
    { type: 'header', text: { type: 'plain_text', text: `${title}`.slice(0, 150) } },
    { type: 'section', text: { type: 'mrkdwn', text: message.slice(0, 2900) } },
    { type: 'section', fields },
  ];
  if (shownDetails)
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `\`\`\`${shownDetails}\`\`\`` } });
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: `Environment ${a.env}. Further events of this incident are counted, not re-sent.${a.link ? ` <${a.link}|Open the dashboard>` : ''}`,
      },
    ],
  });
  return { text, blocks };
}
