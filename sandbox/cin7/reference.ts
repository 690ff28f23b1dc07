/**
 * The tenant's reference data. Fixed (not seeded) so tests can rely on it: base currency `USD`,
 * payment term `30 days`, tax rule `Tax Exempt`, accounts `610` (receivable) and `200` (revenue),
 * price tier `Tier 1`, carrier `DEFAULT Carrier`, location `Main Warehouse`, attribute set
 * `Customer Profile`. Shapes follow the Blueprint examples of each `/ref/*` endpoint.
 */

export const TENANT = {
  Company: 'Sandbox Trading Co',
  Currency: 'USD',
  TimeZone: 'America/New_York',
} as const;

/** Currencies enabled in the tenant, with the rate to the base currency (USD per unit). */
export const CURRENCY_RATES: Record<string, number> = {
  USD: 1,
  AUD: 0.65,
  NZD: 0.6,
  GBP: 1.27,
  CAD: 0.73,
  EUR: 1.08,
};

export const PAYMENT_TERMS = [
  {
    ID: '927a7013-e1d9-4194-a547-28b1b4c6b413',
    Name: '30 days',
    Duration: 30,
    Method: 'number of days',
    IsActive: true,
    IsDefault: true,
  },
  {
    ID: '3f2c6a1e-8d4b-4b7a-9e21-5c0d7a9b1e02',
    Name: '7 days',
    Duration: 7,
    Method: 'number of days',
    IsActive: true,
    IsDefault: false,
  },
  {
    ID: 'e6c25fa9-bb14-45b2-afe7-428e454663ef',
    Name: '20th of next month',
    Duration: 20,
    Method: 'day of next month',
    IsActive: true,
    IsDefault: false,
  },
  {
    ID: '1845c010-e8a3-4c51-a0be-a1211f406442',
    Name: 'Last day of next month',
    Duration: 0,
    Method: 'last day of next month',
    IsActive: true,
    IsDefault: false,
  },
  {
    ID: '6b1d0f7e-2a4c-4f3b-8c5d-9e7f1a2b3c4d',
    Name: 'Cash on delivery',
    Duration: 0,
    Method: 'number of days',
    IsActive: false,
    IsDefault: false,
  },
];

export const TAX_RULES = [
  {
    ID: 'cd3b41ce-e4ba-4fc4-a615-18ca17e7a4c7',
    Name: 'Tax Exempt',
    Account: '820',
    IsActive: true,
    TaxInclusive: false,
    TaxPercent: 0,
    IsTaxForSale: true,
    IsTaxForPurchase: true,
    Components: [
      {
        ID: '534AC4D9-6F37-448A-971E-DF1C2B21FB64',
        Name: 'No Tax',
        Percent: '0.0000000000',
        AccountCode: '',
        Compound: '0',
        ComponentOrder: '1',
      },
    ],
  },
  {
    ID: '9d707beb-19cf-4d7b-a5d9-9eaff05c504c',
    Name: 'Sales Tax',
    Account: '820',
    IsActive: true,
    TaxInclusive: false,
    TaxPercent: 8.875,
    IsTaxForSale: true,
    IsTaxForPurchase: false,
    Components: [
      {
        ID: 'B1151EEA-3364-4534-88E6-DF2C6B59A6D8',
        Name: 'State and city sales tax',
        Percent: '8.8750000000',
        AccountCode: '820',
        Compound: '0',
        ComponentOrder: '1',
      },
    ],
  },
  {
    ID: 'd4d53cdf-4b87-4b67-9c17-733fc5419a2a',
    Name: 'Tax on Purchases',
    Account: '820',
    IsActive: true,
    TaxInclusive: false,
    TaxPercent: 0,
    IsTaxForSale: false,
    IsTaxForPurchase: true,
    Components: [
      {
        ID: '0119E1C0-504A-429B-B4E2-4EEC02A9E88A',
        Name: 'Purchase tax',
        Percent: '0.0000000000',
        AccountCode: '820',
        Compound: '0',
        ComponentOrder: '1',
      },
    ],
  },
];

function account(
  Code: string,
  Name: string,
  Type: string,
  Class: string,
  SystemAccount: string | null,
  Description: string,
  ForPayments = false,
) {
  return {
    Code,
    Status: 'ACTIVE',
    Name,
    Type,
    Description,
    Class,
    SystemAccount,
    BankAccountNumber: null,
    BankAccountId: null,
    ForPayments,
    DisplayName: `${Code}: ${Name}`,
    OldCode: null,
  };
}

export const ACCOUNTS = [
  account('090', 'Business Checking', 'BANK', 'ASSET', null, 'Main operating account', true),
  account('200', 'Sales', 'REVENUE', 'REVENUE', null, 'Income from any normal business activity'),
  account(
    '610',
    'Accounts Receivable',
    'CURRENT',
    'ASSET',
    'DEBTORS',
    'Outstanding invoices the company has issued out to the client but has not yet received in cash at balance date.',
  ),
  account(
    '800',
    'Accounts Payable',
    'CURRLIAB',
    'LIABILITY',
    'CREDITORS',
    'Outstanding invoices the company has received from suppliers but has not yet paid at balance date',
  ),
  account('820', 'Sales Tax', 'CURRLIAB', 'LIABILITY', 'GST', 'Sales tax collected and not yet remitted'),
];

export const PRICE_TIERS = [
  'Tier 1',
  'Wholesale',
  'Retail',
  'Distributor',
  'Tier 5',
  'Tier 6',
  'Tier 7',
  'Tier 8',
  'Tier 9',
  'Tier 10',
].map((Name, i) => ({ Code: i + 1, Name }));

export const CARRIERS = [
  { CarrierID: '729cd659-c0ca-4a8a-9771-84539cd2e7e8', Description: 'DEFAULT Carrier' },
  { CarrierID: '0d3c7f5a-51e2-4d8e-b6a4-2f1e9c8b7a60', Description: 'UPS Ground' },
  { CarrierID: '5e9a2b4c-7d1f-4a3e-8b6c-0f2d4e6a8c1b', Description: 'FedEx' },
];

function location(ID: string, Name: string, IsDefault: boolean, line1: string, city: string, state: string) {
  return {
    ID,
    Name,
    IsDefault,
    IsDeprecated: false,
    Bins: null,
    FixedAssetsLocation: false,
    ParentID: null,
    ParentName: null,
    ReferenceCount: 0,
    AddressLine1: line1,
    AddressLine2: '',
    AddressCitySuburb: city,
    AddressStateProvince: state,
    AddressZipPostCode: '',
    AddressCountry: 'United States',
    PickZones: null,
    IsShopfloor: false,
    IsCoMan: false,
    IsStaging: false,
  };
}

export const LOCATIONS = [
  location('8b5d4343-c007-43d7-8e8f-6fa6c0d29f22', 'Main Warehouse', true, '1 Dock Road', 'Newark', 'NJ'),
  location('19aeca31-bd49-4fbe-8abd-37a6169cc2cb', 'West Coast DC', false, '88 Harbor Way', 'Oakland', 'CA'),
];

const NOT_USED = { Name: '', Type: 'Not used', Values: '' };

/** Attribute set attributes in order 1..10. */
const PROFILE_ATTRIBUTES = [
  { Name: 'Lifecycle Stage', Type: 'List', Values: 'Lead, Customer, VIP, Lapsed' },
  { Name: 'Newsletter', Type: 'Checkbox', Values: '' },
  { Name: 'Account Manager', Type: 'Text', Values: '' },
  { Name: 'Industry', Type: 'List', Values: 'Retail, Hospitality, Construction, Education' },
];

function attributeSet(ID: string, Name: string, attrs: { Name: string; Type: string; Values: string }[]) {
  const all = Array.from({ length: 10 }, (_, i) => attrs[i] ?? NOT_USED);
  const flat: Record<string, string> = {};
  all.forEach((a, i) => {
    flat[`Attribute${i + 1}Name`] = a.Name;
    flat[`Attribute${i + 1}Type`] = a.Type;
    flat[`Attribute${i + 1}Values`] = a.Values;
  });
  return { ID, Name, ...flat, Attributes: all.map((a) => ({ ...a })) };
}

export const ATTRIBUTE_SETS = [
  attributeSet('0ba27d98-42ca-4bf6-9b9e-9f71538bd53d', 'Customer Profile', PROFILE_ATTRIBUTES),
];

/** Values the seed picks for the `Customer Profile` attributes. */
export const LIFECYCLE_STAGES = ['Lead', 'Customer', 'VIP', 'Lapsed'];
export const INDUSTRIES = ['Retail', 'Hospitality', 'Construction', 'Education'];

/** `GET /me`, as in the Blueprint example; the default sale tax rule is `Tax Exempt`. */
export function meBody(): Record<string, unknown> {
  return {
    Company: TENANT.Company,
    Currency: TENANT.Currency,
    TimeZone: TENANT.TimeZone,
    DefaultWeightUnits: 'lb',
    DefaultDimensionsUnits: 'in',
    LockDate: null,
    OpeningBalanceDate: '2021-07-31T00:00:00',
    TaxCalculationMethod: 'Total',
    DefaultSaleTaxRuleId: 'cd3b41ce-e4ba-4fc4-a615-18ca17e7a4c7',
    DefaultSaleTaxRuleName: 'Tax Exempt',
    MaximumDecimalPlacesInQuantity: 'N2',
    ApplyCustomerDiscountsAfterOtherDiscounts: true,
    DiscountRule: 'Discount',
    AutomaticallyApplyDiscounts: false,
    RoundingTable: [{ RangeTo: 10, RoundToNearest: 0.01, AdjustmentRule: 'N', AdjustmentValue: 0 }],
  };
}

/** Case-insensitive lookups that customer validation uses. */
export const REF = {
  currency: (code: string) => Object.keys(CURRENCY_RATES).find((c) => c === code.toUpperCase()),
  paymentTerm: (name: string) =>
    PAYMENT_TERMS.find((t) => t.IsActive && t.Name.toLowerCase() === name.toLowerCase())?.Name,
  taxRule: (name: string) =>
    TAX_RULES.find((t) => t.IsActive && t.IsTaxForSale && t.Name.toLowerCase() === name.toLowerCase())?.Name,
  account: (code: string) => ACCOUNTS.find((a) => a.Code === code.trim())?.Code,
  priceTier: (name: string) => PRICE_TIERS.find((t) => t.Name.toLowerCase() === name.toLowerCase())?.Name,
  carrier: (name: string) =>
    CARRIERS.find((c) => c.Description.toLowerCase() === name.toLowerCase())?.Description,
  location: (name: string) => LOCATIONS.find((l) => l.Name.toLowerCase() === name.toLowerCase())?.Name,
  attributeSet: (name: string) =>
    ATTRIBUTE_SETS.find((s) => s.Name.toLowerCase() === name.toLowerCase())?.Name,
};

export function taxPercent(ruleName: string): number {
  return TAX_RULES.find((t) => t.Name === ruleName)?.TaxPercent ?? 0;
}
