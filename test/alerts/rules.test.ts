import { describe, expect, it } from 'vitest';
import { alertRuleFor } from '../../src/alerts/rules.js';
import { slackAlertBody } from '../../src/alerts/slack.js';
import { registerSecret } from '../../src/log/redact.js';

describe('alert rules: which events alert, grouped into incidents', () => {
  it('maps each alerting kind to an incident key by what it is about; other kinds do not alert', () => {
    const cases: Array<[string, string | null, Record<string, string> | null, string | null]> = [
      ['run.failed', '12', { kind: 'reconcile' }, 'run.failed:reconcile'],
      ['run.failed', '13', null, 'run.failed:sync'],
      ['job.dead_letter', 'events.deliver/abc', { kind: 'events.deliver' }, 'job.dead_letter:events.deliver'],
      ['job.dead_letter', 'sync.customer/x', null, 'job.dead_letter:sync.customer'],
      ['job.dead_letter', 'alerts.deliver/x', { kind: 'alerts.deliver' }, null],
      ['auth.lost', 'ghl:loc1', null, 'auth.lost:ghl:loc1'],
      ['connection.uninstalled', 'ghl:loc1', null, 'auth.lost:ghl:loc1'],
      [
        'cin7.webhook.reactivated',
        'cin7:acc',
        { type: 'Customer/Updated' },
        'cin7.webhook:cin7:acc:Customer/Updated',
      ],
      ['cin7.webhook.recreated', 'cin7:acc', { type: 'Sale/Created' }, 'cin7.webhook:cin7:acc:Sale/Created'],
      ['vault.key_rotated', null, null, null],
      ['auth.recovered', 'ghl:loc1', null, null],
    ];
    for (const [kind, subject, details, key] of cases) {
      expect(alertRuleFor({ kind, subject, details })?.incidentKey ?? null, kind).toBe(key);
    }
  });
});

describe('Slack-compatible alert body', () => {
  it('has text and blocks with the error details, and no registered secret anywhere', () => {
    registerSecret('sk-live-very-secret-value');
    const body = slackAlertBody({
      title: 'Jobs of sync.customer failed for good (dead-lettered)',
      message:
        'Job sync.customer 42 failed after 3 attempts: GHL answered 500 with token sk-live-very-secret-value',
      kind: 'job.dead_letter',
      severity: 'error',
      subject: 'sync.customer/42',
      details: {
        kind: 'sync.customer',
        attempts: 3,
        authorization: 'Bearer abc',
        note: 'sk-live-very-secret-value',
      },
      eventCount: 1,
      openedAt: new Date('2026-11-28T04:00:00Z'),
      env: 'production',
      link: 'https://sync.example.com',
    });
    const json = JSON.stringify(body);
    expect(json).not.toContain('sk-live-very-secret-value');
    expect(json).not.toContain('Bearer abc');
    expect(body.text).toBe(
      ':rotating_light: [cin7-ghl production] Jobs of sync.customer failed for good (dead-lettered): Job sync.customer 42 failed after 3 attempts: GHL answered 500 with token [redacted]',
    );
    expect(body.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: 'Jobs of sync.customer failed for good (dead-lettered)' },
    });
    expect(json).toContain('\\"attempts\\": 3');
    expect(json).toContain('https://sync.example.com');
  });
});
