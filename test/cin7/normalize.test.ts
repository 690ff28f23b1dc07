/**
 * Data hygiene: every date, GUID and number form NOTES.md (§1, §2, §5, §8) lists, read by the one
 * lenient parser and by the schemas at the client boundary. Expected values are written by hand.
 */
import { describe, expect, it } from 'vitest';
import {
  cin7CalendarDate,
  formatCin7Param,
  isGuid,
  normalizeGuid,
  parseCin7Date,
  toBoolean,
  toNumber,
} from '../../src/cin7/normalize.js';
import { customerSchema, saleListItemSchema, webhookListSchema } from '../../src/cin7/schemas.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

describe('parseCin7Date: every form in NOTES', () => {
  const cases: [string, string, string | null][] = [
    ['documented format, zone-less, 3 digits (UTC)', '2012-11-14T13:28:33.363', '2012-11-14T13:28:33.363Z'],
    ['LastModifiedOn with Z, 3 digits', '2018-01-24T05:07:23.917Z', '2018-01-24T05:07:23.917Z'],
    ['LastModifiedOn with Z, 2 digits', '2018-01-30T06:07:43.46Z', '2018-01-30T06:07:43.460Z'],
    ['webhook LastModifiedOn, no Z, 2 digits', '2018-02-07T07:22:37.21', '2018-02-07T07:22:37.210Z'],
    ['no fraction, with Z', '2018-02-07T07:22:37Z', '2018-02-07T07:22:37.000Z'],
    ['one fraction digit', '2018-02-07T07:22:37.5Z', '2018-02-07T07:22:37.500Z'],
    ['7 fraction digits (payment DateCreated)', '2017-11-22T06:58:21.8882229Z', '2017-11-22T06:58:21.888Z'],
    ['business date (OrderDate)', '2017-09-29T00:00:00', '2017-09-29T00:00:00.000Z'],
    ['OpeningBalanceDate', '2021-07-31T00:00:00', '2021-07-31T00:00:00.000Z'],
    ['date only (Sale/Created SaleOrderDate)', '2025-10-27', '2025-10-27T00:00:00.000Z'],
    ['dd/MM/yyyy (payment DocumentDate)', '29/01/2018', '2018-01-29T00:00:00.000Z'],
    ['dd/MM/yyyy (SaleOrderDate in a webhook)', '05/06/2018', '2018-06-05T00:00:00.000Z'],
    ['explicit offset', '2018-01-24T15:07:23.917+10:00', '2018-01-24T05:07:23.917Z'],
    ['space instead of T', '2018-01-24 05:07:23', '2018-01-24T05:07:23.000Z'],
    ['surrounding spaces', '  2018-01-24T05:07:23Z ', '2018-01-24T05:07:23.000Z'],
    ['empty string', '', null],
    ['not a date', 'yesterday', null],
    ['31 February (dd/MM)', '31/02/2018', null],
    ['month 13', '2018-13-01T00:00:00', null],
  ];
  it.each(cases)('%s: %s', (_what, input, expected) => {
    expect(iso(parseCin7Date(input))).toBe(expected);
  });

  it('null, undefined and numbers are not dates', () => {
    expect(parseCin7Date(null)).toBeNull();
    expect(parseCin7Date(undefined)).toBeNull();
    expect(parseCin7Date(1_700_000_000_000)).toBeNull();
  });
});

describe('cin7CalendarDate: business dates keep their calendar day', () => {
  const cases: [string, string | null][] = [
    ['2017-09-29T00:00:00', '2017-09-29'],
    ['2025-10-27', '2025-10-27'],
    ['29/01/2018', '2018-01-29'],
    ['05/06/2018', '2018-06-05'],
    // A zone moves the instant; the calendar date is the UTC day of that instant.
    ['2017-09-29T23:00:00-05:00', '2017-09-30'],
    ['nonsense', null],
  ];
  it.each(cases)('%s → %s', (input, expected) => {
    expect(cin7CalendarDate(input)).toBe(expected);
  });
});

describe('formatCin7Param: query dates are zone-less UTC whole seconds, rounded down', () => {
  it.each([
    ['2024-05-01T10:00:00.999Z', '2024-05-01T10:00:00'],
    ['2024-05-01T10:00:00.000Z', '2024-05-01T10:00:00'],
    ['1999-12-31T23:59:59.500Z', '1999-12-31T23:59:59'],
  ])('%s → %s', (input, expected) => {
    expect(formatCin7Param(new Date(input).getTime())).toBe(expected);
  });
});

describe('GUIDs: REST lower case, webhook UPPER case', () => {
  const cases: [string, string][] = [
    ['91ee7b1d-7a2f-4d8c-9b0e-1f2a3b4c5d6e', '91ee7b1d-7a2f-4d8c-9b0e-1f2a3b4c5d6e'],
    ['91EE7B1D-7A2F-4D8C-9B0E-1F2A3B4C5D6E', '91ee7b1d-7a2f-4d8c-9b0e-1f2a3b4c5d6e'],
    ['534AC4D9-6F37-448A-971E-DF1C2B21FB64', '534ac4d9-6f37-448a-971e-df1c2b21fb64'],
    ['{534AC4D9-6F37-448A-971E-DF1C2B21FB64}', '534ac4d9-6f37-448a-971e-df1c2b21fb64'],
    ['534AC4D96F37448A971EDF1C2B21FB64', '534ac4d9-6f37-448a-971e-df1c2b21fb64'],
    [' 91ee7b1d-7a2f-4d8c-9b0e-1f2a3b4c5d6e ', '91ee7b1d-7a2f-4d8c-9b0e-1f2a3b4c5d6e'],
  ];
  it.each(cases)('%s → %s', (input, expected) => {
    expect(isGuid(input)).toBe(true);
    expect(normalizeGuid(input)).toBe(expected);
  });
  it('leaves what is not a GUID alone', () => {
    expect(isGuid('not-a-guid')).toBe(false);
    expect(normalizeGuid('  ABC ')).toBe('ABC');
  });
});

describe('numbers and booleans that arrive loosely', () => {
  const numbers: [string, unknown, number | null | undefined][] = [
    ['Discount as 1.0000 (number)', 1.0, 1],
    ['CreditLimit as "0.0000"', '0.0000', 0],
    ['TaxNumber-style ""', '', null],
    ['null', null, null],
    ['absent', undefined, null],
    ['tax Percent "10.0000000000"', '10.0000000000', 10],
    ['ComponentOrder "1"', '1', 1],
    ['negative string', '-12.5', -12.5],
    ['spaces', ' 42 ', 42],
    ['not a number', 'abc', undefined],
    ['NaN', Number.NaN, undefined],
    ['an object', {}, undefined],
  ];
  it.each(numbers)('%s', (_what, input, expected) => {
    expect(toNumber(input)).toBe(expected);
  });

  const booleans: [unknown, boolean | null | undefined][] = [
    [true, true],
    ['true', true],
    ['False', false],
    [1, true],
    ['0', false],
    [null, null],
    ['', null],
    ['yes', undefined],
  ];
  it.each(booleans)('%s → %s', (input, expected) => {
    expect(toBoolean(input)).toBe(expected);
  });
});

describe('the schemas apply all of it at the boundary', () => {
  it('a customer with loose numbers, nulls, upper-case GUIDs and a zone-less timestamp', () => {
    const parsed = customerSchema.parse({
      ID: 'A1B2C3D4-0000-4000-8000-00000000000A',
      Name: 'Loose Data Ltd',
      Status: 'Active',
      Discount: '1.0000',
      CreditLimit: '',
      TaxNumber: 1234567,
      IsOnCreditHold: 'false',
      LastModifiedOn: '2018-02-07T07:22:37.21',
      Tags: null,
      CustomerParentID: '',
      Contacts: [
        {
          ID: 'B1B2C3D4-0000-4000-8000-00000000000B',
          Name: 'Jane',
          Email: null,
          Default: 'true',
          MarketingConsent: '2',
          CustomerID: 'A1B2C3D4-0000-4000-8000-00000000000A',
        },
      ],
      Addresses: null,
      SomethingNew: 'ignored',
    });
    expect(parsed.ID).toBe('a1b2c3d4-0000-4000-8000-00000000000a');
    expect(parsed.Discount).toBe(1);
    expect(parsed.CreditLimit).toBeNull();
    expect(parsed.TaxNumber).toBe('1234567');
    expect(parsed.IsOnCreditHold).toBe(false);
    expect(parsed.LastModifiedOn).toBe('2018-02-07T07:22:37.210Z');
    expect(parsed.Tags).toBeNull();
    expect(parsed.CustomerParentID).toBeNull();
    expect(parsed.Addresses).toEqual([]);
    expect(parsed.Contacts[0]?.ID).toBe('b1b2c3d4-0000-4000-8000-00000000000b');
    expect(parsed.Contacts[0]?.CustomerID).toBe('a1b2c3d4-0000-4000-8000-00000000000a');
    expect(parsed.Contacts[0]?.Default).toBe(true);
    expect(parsed.Contacts[0]?.MarketingConsent).toBe(2);
    expect(parsed.Contacts[0]?.Email).toBeNull();
    expect('SomethingNew' in parsed).toBe(false);
  });

  it('a sale-list row: business dates as calendar dates, Updated as an instant', () => {
    const row = saleListItemSchema.parse({
      SaleID: '91EE7B1D-7A2F-4D8C-9B0E-1F2A3B4C5D6E',
      OrderDate: '2017-09-29T00:00:00',
      InvoiceDate: null,
      Updated: '2017-09-29T03:03:13.913Z',
      InvoiceAmount: '120.5000',
      PaidAmount: 0,
      CustomerID: 'C1B2C3D4-0000-4000-8000-00000000000C',
    });
    expect(row.SaleID).toBe('91ee7b1d-7a2f-4d8c-9b0e-1f2a3b4c5d6e');
    expect(row.OrderDate).toBe('2017-09-29');
    expect(row.InvoiceDate).toBeNull();
    expect(row.Updated).toBe('2017-09-29T03:03:13.913Z');
    expect(row.InvoiceAmount).toBe(120.5);
    expect(row.CustomerID).toBe('c1b2c3d4-0000-4000-8000-00000000000c');
  });

  it('a bad value is a validation error that names it', () => {
    const r = customerSchema.safeParse({ ID: 'x', Name: 'n', Discount: 'lots' });
    expect(r.success).toBe(false);
    const text = JSON.stringify(r.error?.issues);
    expect(text).toContain('expected a GUID');
    expect(text).toContain('expected a number');
  });

  it('webhook answers: {Webhooks: [...]} or a bare object (NOTES §5: unconfirmed shape)', () => {
    const hook = {
      ID: '6E7F3D8A-0000-4000-8000-000000000001',
      Type: 'Customer/Updated',
      IsActive: 'true',
      ExternalURL: 'https://x.example/h',
      ExternalAuthorizationType: 'bearerauth',
      ExternalBearerToken: 't',
      ExternalHeaders: null,
    };
    const wrapped = webhookListSchema.parse({ Webhooks: [hook] });
    const bare = webhookListSchema.parse(hook);
    expect(wrapped).toEqual(bare);
    expect(bare[0]?.ID).toBe('6e7f3d8a-0000-4000-8000-000000000001');
    expect(bare[0]?.IsActive).toBe(true);
    expect(bare[0]?.ExternalHeaders).toEqual([]);
  });
});
