import { describe, expect, it } from 'vitest';
import { parseGhlWebhook } from '../../src/ghl/events.js';
import { InputError } from '../../src/errors/index.js';

describe('parseGhlWebhook', () => {
  it('names contact, note and task events by their type, and the app events by INSTALL / UNINSTALL', () => {
    expect(parseGhlWebhook('{"type":"ContactCreate","id":"c1","locationId":"l1"}')).toEqual({
      name: 'ContactCreate',
      payload: { type: 'ContactCreate', id: 'c1', locationId: 'l1' },
    });
    expect(parseGhlWebhook(Buffer.from('{"type":"UNINSTALL","locationId":"l1"}')).name).toBe('AppUninstall');
    expect(parseGhlWebhook('{"type":"INSTALL","locationId":"l1"}').name).toBe('AppInstall');
    expect(parseGhlWebhook('{"type":"OpportunityCreate"}').name).toBeNull();
  });
  it('refuses what is not a GHL webhook body', () => {
    expect(() => parseGhlWebhook('not json')).toThrow(InputError);
    expect(() => parseGhlWebhook('{"id":"x"}')).toThrow(/no "type"/);
    expect(() => parseGhlWebhook('[1]')).toThrow(/no "type"/);
  });
});
