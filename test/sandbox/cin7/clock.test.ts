/** Cin7's date formats and the date-parameter parser, with expected strings written by hand. */
import { describe, expect, it } from 'vitest';
import {
  SandboxClock,
  formatBusinessDate,
  formatDateOnly,
  formatDayMonthYear,
  formatUtc,
  formatZoneless,
  parseDateParam,
  tenantDay,
  toSqlDatetime,
} from '../../../sandbox/cin7/clock.js';

describe('cin7 sandbox clock', () => {
  it('rounds to SQL Server datetime ticks (ms ending in 0, 3 or 7)', () => {
    const base = Date.UTC(2018, 0, 24, 5, 7, 23);
    expect(toSqlDatetime(base + 917) - base).toBe(917);
    expect(toSqlDatetime(base + 461) - base).toBe(460);
    expect(toSqlDatetime(base + 2) - base).toBe(3);
    expect(toSqlDatetime(base + 999) - base).toBe(1000);
  });

  it.each([
    [Date.UTC(2018, 0, 24, 5, 7, 23, 917), '2018-01-24T05:07:23.917Z', '2018-01-24T05:07:23.917'],
    [Date.UTC(2018, 0, 30, 6, 7, 43, 460), '2018-01-30T06:07:43.46Z', '2018-01-30T06:07:43.46'],
    [Date.UTC(2018, 1, 7, 7, 22, 37, 210), '2018-02-07T07:22:37.21Z', '2018-02-07T07:22:37.21'],
    [Date.UTC(2018, 1, 7, 7, 22, 37, 0), '2018-02-07T07:22:37Z', '2018-02-07T07:22:37'],
  ])('writes %i as %s (REST) and %s (webhook)', (ms, rest, webhook) => {
    expect(formatUtc(ms)).toBe(rest);
    expect(formatZoneless(ms)).toBe(webhook);
  });

  it('writes business dates, date-only and dd/MM/yyyy', () => {
    const d = Date.UTC(2018, 0, 29);
    expect(formatBusinessDate(d)).toBe('2018-01-29T00:00:00');
    expect(formatDateOnly(d)).toBe('2018-01-29');
    expect(formatDayMonthYear(d)).toBe('29/01/2018');
  });

  it.each([
    ['2024-05-01T10:00:00', Date.UTC(2024, 4, 1, 10)],
    ['2024-05-01T10:00:00Z', Date.UTC(2024, 4, 1, 10)],
    ['2024-05-01T10:00:00.5Z', Date.UTC(2024, 4, 1, 10, 0, 0, 500)],
    ['2024-05-01T10:00:00.1234567', Date.UTC(2024, 4, 1, 10, 0, 0, 123)],
    ['2024-05-01', Date.UTC(2024, 4, 1)],
    ['2024-05-01T12:00:00+02:00', Date.UTC(2024, 4, 1, 10)],
  ])('parses the parameter %s', (text, ms) => {
    expect(parseDateParam(text)).toBe(ms);
  });

  it.each(['yesterday', '2024-13-01', '2024-02-30', '01/05/2024', ''])('refuses %j', (text) => {
    expect(parseDateParam(text)).toBeNull();
  });

  it('finds the tenant-local day across midnight UTC', () => {
    expect(tenantDay(Date.UTC(2024, 0, 1, 3), 'America/New_York')).toBe(Date.UTC(2023, 11, 31));
    expect(tenantDay(Date.UTC(2024, 0, 1, 6), 'America/New_York')).toBe(Date.UTC(2024, 0, 1));
  });

  it('adds the skew to the real clock', () => {
    const skewed = new SandboxClock(3_600_000);
    expect(Math.abs(skewed.now() - Date.now() - 3_600_000)).toBeLessThan(1000);
  });
});
