/**
 * Word lists and per-country formats for the seeded tenant. Phone numbers use ranges reserved for
 * fiction (US/CA 555-01xx, UK 07700 900xxx, AU 0491 570 xxx, NZ 021 xxx with 555 middle) and email
 * domains are the reserved `example.*` ones, so nothing seeded belongs to a real person.
 */

export const FIRST_NAMES = [
  'Olivia',
  'Liam',
  'Emma',
  'Noah',
  'Ava',
  'Oliver',
  'Sophia',
  'Elijah',
  'Isabella',
  'James',
  'Mia',
  'William',
  'Amelia',
  'Benjamin',
  'Harper',
  'Lucas',
  'Evelyn',
  'Henry',
  'Abigail',
  'Alexander',
  'Emily',
  'Jack',
  'Charlotte',
  'Daniel',
  'Grace',
  'Matthew',
  'Chloe',
  'Samuel',
  'Zoe',
  'David',
  'Ruby',
  'Joseph',
  'Lily',
  'Thomas',
  'Hannah',
  'Aroha',
  'Tane',
  'Priya',
  'Arjun',
  'Mei',
  'Wei',
  'Sofia',
  'Mateo',
  'Fatima',
  'Omar',
  'Chloé',
  'José',
  'Zoë',
  'Siobhán',
  'Nikolai',
];

export const LAST_NAMES = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Garcia',
  'Miller',
  'Davis',
  'Rodriguez',
  'Martinez',
  'Wilson',
  'Anderson',
  'Taylor',
  'Thomas',
  'Moore',
  'Jackson',
  'Martin',
  'Lee',
  'Thompson',
  'White',
  'Harris',
  'Clark',
  'Lewis',
  'Walker',
  'Hall',
  'Young',
  'King',
  'Wright',
  'Scott',
  'Green',
  'Baker',
  'Adams',
  'Nelson',
  'Hill',
  'Campbell',
  'Mitchell',
  'Roberts',
  'Carter',
  'Phillips',
  'Evans',
  'Turner',
  'Parker',
  'Collins',
  'Edwards',
  'Stewart',
  "O'Brien",
  'Ngata',
  'Patel',
  'Nguyen',
  'Kowalski',
  'MacDonald',
  'Van der Berg',
  'Chen',
  'Singh',
  'Murphy',
];

export const COMPANY_WORDS = [
  'Hardware',
  'Outfitters',
  'Provisions',
  'Supply',
  'Traders',
  'Wholesale',
  'Bakery',
  'Cafe',
  'Builders',
  'Design',
  'Florist',
  'Garden Centre',
  'Hospitality',
  'Kitchens',
  'Motors',
  'Pharmacy',
  'Print',
  'Studio',
  'Timber',
  'Tools',
  'Wines',
  'Books',
  'Bikes',
  'Electrical',
  'Plumbing',
];

export interface CountryProfile {
  name: string;
  currency: string;
  companySuffixes: string[];
  cities: { city: string; state: string; postcode: () => string }[];
  phone: (n: number) => string;
  mobile: (n: number) => string;
  streets: string[];
  weight: number;
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');

export const COUNTRIES: CountryProfile[] = [
  {
    name: 'United States',
    currency: 'USD',
    companySuffixes: ['LLC', 'Inc', 'Co'],
    cities: [
      { city: 'New York', state: 'NY', postcode: () => '10001' },
      { city: 'Austin', state: 'TX', postcode: () => '78701' },
      { city: 'Portland', state: 'OR', postcode: () => '97205' },
      { city: 'Chicago', state: 'IL', postcode: () => '60601' },
      { city: 'Denver', state: 'CO', postcode: () => '80202' },
    ],
    phone: (n) => `(212) 555-01${pad(n % 100, 2)}`,
    mobile: (n) => `+1 415 555 01${pad(n % 100, 2)}`,
    streets: ['Main Street', 'Oak Avenue', 'Market Street', 'Elm Street', '5th Avenue'],
    weight: 55,
  },
  {
    name: 'Australia',
    currency: 'AUD',
    companySuffixes: ['Pty Ltd', 'Pty'],
    cities: [
      { city: 'Melbourne', state: 'VIC', postcode: () => '3000' },
      { city: 'Sydney', state: 'NSW', postcode: () => '2000' },
      { city: 'Brisbane', state: 'QLD', postcode: () => '4000' },
    ],
    phone: (n) => `03 5550 1${pad(n % 1000, 3)}`,
    mobile: (n) => `0491 570 ${pad(n % 1000, 3)}`,
    streets: ['Collins Street', 'George Street', 'Queen Street'],
    weight: 12,
  },
  {
    name: 'New Zealand',
    currency: 'NZD',
    companySuffixes: ['Ltd', 'Limited'],
    cities: [
      { city: 'Auckland', state: 'Auckland', postcode: () => '1010' },
      { city: 'Wellington', state: 'Wellington', postcode: () => '6011' },
      { city: 'Christchurch', state: 'Canterbury', postcode: () => '8011' },
    ],
    phone: (n) => `09 555 0${pad(n % 1000, 3)}`,
    mobile: (n) => `021 555 ${pad(n % 10000, 4)}`,
    streets: ['Queen Street', 'Lambton Quay', 'Colombo Street'],
    weight: 8,
  },
  {
    name: 'United Kingdom',
    currency: 'GBP',
    companySuffixes: ['Ltd', 'plc'],
    cities: [
      { city: 'London', state: 'Greater London', postcode: () => 'EC1A 1BB' },
      { city: 'Manchester', state: 'Greater Manchester', postcode: () => 'M1 1AE' },
      { city: 'Leeds', state: 'West Yorkshire', postcode: () => 'LS1 4AP' },
    ],
    phone: (n) => `020 7946 0${pad(n % 1000, 3)}`,
    mobile: (n) => `07700 900${pad(n % 1000, 3)}`,
    streets: ['High Street', 'Station Road', 'Church Lane'],
    weight: 13,
  },
  {
    name: 'Canada',
    currency: 'CAD',
    companySuffixes: ['Ltd', 'Inc'],
    cities: [
      { city: 'Toronto', state: 'ON', postcode: () => 'M5H 2N2' },
      { city: 'Vancouver', state: 'BC', postcode: () => 'V6B 1A1' },
      { city: 'Montréal', state: 'QC', postcode: () => 'H2Y 1C6' },
    ],
    phone: (n) => `+1 416 555 01${pad(n % 100, 2)}`,
    mobile: (n) => `(604) 555-01${pad(n % 100, 2)}`,
    streets: ['King Street West', 'Granville Street', 'Rue Sainte-Catherine'],
    weight: 12,
  },
];

export const INVALID_EMAILS = (local: string) => [
  `${local}@`,
  `${local} at example.com`,
  `${local}@@example.com`,
  `${local}@example`,
];
export const INVALID_PHONES = ['12345', 'n/a', '+1 555', 'call reception'];
export const EMAIL_DOMAINS = ['example.com', 'example.net', 'example.org'];
export const TAGS = ['wholesale', 'vip', 'newsletter', 'trade', 'retail', 'events'];
export const SALES_REPS = ['Dana Whitfield', 'Marco Rossi', 'Keiko Tanaka'];
export const JOB_TITLES = ['Owner', 'Accounts Payable', 'Purchasing Manager', 'Office Manager', 'Buyer'];
export const SOURCE_CHANNELS = ['Shopify', 'Amazon_US', 'B2B Portal'];

export interface Product {
  ProductID: string;
  SKU: string;
  Name: string;
  /** Price in USD. */
  Price: number;
}

export const PRODUCTS: Product[] = [
  ['Bread', 'Baked Bread', 8],
  ['HAM-16', 'Claw Hammer 16oz', 24.5],
  ['GLV-L', 'Work Gloves (L)', 12.99],
  ['TAPE-8', 'Measuring Tape 8m', 15],
  ['DRL-18V', 'Cordless Drill 18V', 149],
  ['PNT-4L', 'Interior Paint 4L', 54.95],
  ['CUP-CER', 'Ceramic Mug', 9.5],
  ['COF-1KG', 'Coffee Beans 1kg', 32],
  ['SCR-100', 'Wood Screws (100)', 6.75],
  ['LDR-6', 'Step Ladder 6ft', 89],
].map(([SKU, Name, Price], i) => ({
  ProductID: `4aadd8f6-4d3d-46ca-acbb-${pad(i + 1, 12)}`,
  SKU: SKU as string,
  Name: Name as string,
  Price: Price as number,
}));
