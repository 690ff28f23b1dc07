import { describe, expect, it } from 'vitest';
import { isEmail, normalizePhone, parseDateOfBirth, validateDto } from '../../../sandbox/ghl/validate.js';

describe('GHL sandbox validation', () => {
  it('words problems as class-validator does and refuses undeclared properties', () => {
    const errors = validateDto(
      { title: '', completed: 'yes', extra: 1, dueDate: 'tomorrow' },
      {
        title: { kind: 'string', required: true },
        completed: { kind: 'boolean', required: true },
        dueDate: { kind: 'string', required: true, isoDate: true },
        count: { kind: 'number', required: true, max: 5 },
      },
    );
    expect(errors).toEqual([
      'property extra should not exist',
      'title should not be empty',
      'completed must be a boolean value',
      'dueDate must be a valid ISO 8601 date string',
      'count should not be empty',
      'count must be a number conforming to the specified constraints',
    ]);
    expect(validateDto({ n: 6 }, { n: { kind: 'number', max: 5 } })).toEqual([
      'n must not be greater than 5',
    ]);
    expect(validateDto({ s: null }, { s: { kind: 'string', nullable: true } })).toEqual([]);
    expect(validateDto({ a: [1] }, { a: { kind: 'stringArray' } })).toEqual([
      'each value in a must be a string',
    ]);
  });

  it('normalises phones to E.164 (US by default) and refuses impossible numbers', () => {
    expect(normalizePhone('+1 888-888-8888')).toBe('+18888888888');
    expect(normalizePhone('(415) 555-0100')).toBe('+14155550100');
    expect(normalizePhone('+64 21 555 1234')).toBe('+64215551234');
    expect(normalizePhone('12')).toBeNull();
    expect(normalizePhone('call me')).toBeNull();
  });

  it('reads the date-of-birth formats the spec lists, as midnight UTC', () => {
    for (const v of [
      '1990-09-25',
      '1990/09/25',
      '09/25/1990',
      '09-25-1990',
      '1990.09.25',
      '09.25.1990',
      '1990_09_25',
      '09_25_1990',
    ]) {
      expect(parseDateOfBirth(v)).toBe('1990-09-25T00:00:00.000Z');
    }
    expect(parseDateOfBirth('1990-02-30')).toBeNull();
    expect(parseDateOfBirth('25/09/1990')).toBeNull();
  });

  it('accepts plain emails and refuses malformed ones', () => {
    expect(isEmail('a.b+c@example.co.nz')).toBe(true);
    for (const bad of ['a@b', 'a b@example.com', '@example.com', 'a@@example.com', 'a..b@example.com']) {
      expect(isEmail(bad)).toBe(false);
    }
  });
});
