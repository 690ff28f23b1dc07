import { z } from 'zod';

/** The environments a config file can describe; each has its own data directory and credentials. */
export const ENVIRONMENTS = ['sandbox', 'staging', 'production'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/**
 * Hints shown when a key is wrong, by dotted path. A key missing here falls back to the
 * description given in the schema (`.describe()`), then to a generic hint.
 */
const url = (hint: string) =>
  z
    .string()
    .refine((v) => /^https?:\/\/[^\s]+$/.test(v), { message: 'not an http(s) URL' })
    .describe(hint);

const positiveInt = (hint: string) => z.number().int().positive().describe(hint);

const fraction = (hint: string) => z.number().min(0).max(0.9).describe(hint);

const rateLimitSchema = (requests: number, windowMs: number) =>
  z
    .object({
      requests: positiveInt(`requests allowed per window, e.g. ${requests}`).default(requests),
      windowMs: positiveInt(`the window length in milliseconds, e.g. ${windowMs}`).default(windowMs),
    })
    .strict()
    .default({ requests, windowMs });

export const fileSchema = z
  .object({
    env: z.enum(ENVIRONMENTS).describe('one of sandbox, staging, production').optional(),
    timeZone: z
      .string()
      .refine(isTimeZone, { message: 'not an IANA time zone' })
      .describe('an IANA time zone such as UTC or Australia/Sydney')
      .default('UTC'),
    log: z
      .object({
        level: z
          .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
          .describe('one of fatal, error, warn, info, debug, trace, silent')
          .default('info'),
        pretty: z.enum(['auto', 'always', 'never']).describe('one of auto, always, never').default('auto'),
      })
      .strict()
      .default({ level: 'info', pretty: 'auto' }),
    server: z
      .object({
        host: z.string().min(1).describe('the interface to bind, e.g. 127.0.0.1').default('127.0.0.1'),
        port: z
          .number()
          .int()
          .min(0)
          .max(65535)
          .describe('a TCP port between 0 and 65535, e.g. 3000')
          .default(3000),
        publicUrl: url('the URL vendors reach this service at, e.g. https://sync.example.com').optional(),
        sessionHours: positiveInt('dashboard session lifetime in hours, e.g. 12').default(12),
      })
      .strict()
      .default({ host: '127.0.0.1', port: 3000, sessionHours: 12 }),
    ghl: z
      .object({
        baseUrl: url('the GHL API root, e.g. https://services.leadconnectorhq.com').default(
          'https://services.leadconnectorhq.com',
        ),
        authorizeUrl: url(
          'the OAuth consent page, e.g. https://marketplace.gohighlevel.com/v2/oauth/chooselocation',
        ).default('https://marketplace.gohighlevel.com/v2/oauth/chooselocation'),
        authMode: z
          .enum(['oauth', 'pit'])
          .describe('oauth (Marketplace app) or pit (Private Integration Token)')
          .default('oauth'),
        clientId: z.string().min(1).describe('the Marketplace app client id').optional(),
        locationId: z.string().min(1).describe('the sub-account (location) id').optional(),
        timeoutMs: positiveInt('per-request timeout in milliseconds, e.g. 30000').default(30000),
        rateLimit: rateLimitSchema(100, 10_000),
        dailyLimit: positiveInt('requests allowed per day per location, e.g. 200000').default(200_000),
        webhook: z
          .object({
            toleranceSeconds: positiveInt(
              'how old a webhook timestamp may be, in seconds, e.g. 4200',
            ).default(4200),
            ed25519PublicKey: z.string().min(1).describe('a PEM Ed25519 public key').optional(),
            rsaPublicKey: z.string().min(1).describe('a PEM RSA public key').optional(),
          })
          .strict()
          .default({ toleranceSeconds: 4200 }),
      })
      .strict()
      .default({
        baseUrl: 'https://services.leadconnectorhq.com',
        authorizeUrl: 'https://marketplace.gohighlevel.com/v2/oauth/chooselocation',
        authMode: 'oauth',
        timeoutMs: 30000,
        rateLimit: { requests: 100, windowMs: 10_000 },
        dailyLimit: 200_000,
        webhook: { toleranceSeconds: 4200 },
      }),
    cin7: z
      .object({
        baseUrl: url('the Cin7 Core API root, e.g. https://inventory.dearsystems.com/ExternalApi/v2').default(
          'https://inventory.dearsystems.com/ExternalApi/v2',
        ),
        accountId: z.string().min(1).describe('the Cin7 Core account id (Integrations → API)').optional(),
        timeoutMs: positiveInt('per-request timeout in milliseconds, e.g. 30000').default(30000),
        rateLimit: rateLimitSchema(60, 60_000),
        pageSize: z.number().int().min(1).max(1000).describe('records per page, 1 to 1000').default(1000),
        webhooks: z
          .object({
            enabled: z.boolean().describe('true or false').default(true),
            checkIntervalMinutes: positiveInt('minutes between webhook health checks, e.g. 15').default(15),
            debounceMs: z
              .number()
              .int()
              .min(0)
              .describe('milliseconds to gather webhook hints, e.g. 2000')
              .default(2000),
          })
          .strict()
          .default({ enabled: true, checkIntervalMinutes: 15, debounceMs: 2000 }),
      })
      .strict()
      .default({
        baseUrl: 'https://inventory.dearsystems.com/ExternalApi/v2',
        timeoutMs: 30000,
        rateLimit: { requests: 60, windowMs: 60_000 },
        pageSize: 1000,
        webhooks: { enabled: true, checkIntervalMinutes: 15, debounceMs: 2000 },
      }),
    sync: z
      .object({
        cin7ToGhl: z.boolean().describe('true or false').default(true),
        ghlToCin7: z.boolean().describe('true or false').default(true),
        pollIntervalMinutes: positiveInt('minutes between change-feed polls, e.g. 5').default(5),
        mappingFile: z
          .string()
          .min(1)
          .describe('a path to the mapping YAML, relative to this file')
          .optional(),
        tagRulesFile: z
          .string()
          .min(1)
          .describe('a path to the tag rules YAML, relative to this file')
          .optional(),
        businesses: z
          .boolean()
          .describe('true to associate company customers with GHL businesses')
          .default(false),
        customFields: z.boolean().describe('true to map Cin7 attributes to GHL custom fields').default(false),
        taskPolling: z.boolean().describe('true to poll tasks location-wide').default(false),
      })
      .strict()
      .default({
        cin7ToGhl: true,
        ghlToCin7: true,
        pollIntervalMinutes: 5,
        businesses: false,
        customFields: false,
        taskPolling: false,
      }),
    reconcile: z
      .object({
        schedule: z
          .string()
          .refine(isCron, { message: 'not a 5-field cron expression' })
          .describe('a cron expression such as "0 2 * * *"')
          .default('0 2 * * *'),
        conflictPolicy: z
          .enum(['owner', 'newest', 'manual'])
          .describe('one of owner, newest, manual')
          .default('owner'),
        dailyHeadroom: fraction(
          'a fraction of the daily budget kept for live traffic, 0 to 0.9, e.g. 0.2',
        ).default(0.2),
        orphanTag: z
          .string()
          .min(1)
          .describe('the tag put on orphaned GHL contacts')
          .default('cin7:deprecated'),
        deleteOrphans: z
          .boolean()
          .describe('true to delete orphaned GHL contacts (default false)')
          .default(false),
      })
      .strict()
      .default({
        schedule: '0 2 * * *',
        conflictPolicy: 'owner',
        dailyHeadroom: 0.2,
        orphanTag: 'cin7:deprecated',
        deleteOrphans: false,
      }),
    events: z
      .object({
        subscriptions: z
          .array(
            z
              .object({
                url: url('the URL that receives the events, e.g. https://hooks.zapier.com/…'),
                events: z
                  .array(z.string().min(1))
                  .min(1)
                  .describe('event names such as record.synced, or * for all'),
              })
              .strict(),
          )
          .describe('URLs that receive the product events as signed JSON (see docs/events.md)')
          .default([]),
      })
      .strict()
      .default({ subscriptions: [] }),
    alerts: z
      .object({ url: url('a webhook URL that accepts Slack-style JSON').optional() })
      .strict()
      .default({}),
  })
  .strict();

export type FileConfig = z.infer<typeof fileSchema>;

/** Keys that hold secrets: they may only come from the environment, never from the file. */
export const SECRET_FILE_KEYS: Record<string, string> = {
  'ghl.clientSecret': 'GHL_CLIENT_SECRET',
  'ghl.token': 'GHL_TOKEN',
  'cin7.applicationKey': 'CIN7_APPLICATION_KEY',
  masterKey: 'CIN7_GHL_MASTER_KEY',
  'server.adminPassword': 'CIN7_GHL_ADMIN_PASSWORD',
  'server.metricsToken': 'CIN7_GHL_METRICS_TOKEN',
};

function isTimeZone(v: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: v });
    return true;
  } catch {
    return false;
  }
}

function isCron(v: string): boolean {
  const fields = v.trim().split(/\s+/);
  return fields.length === 5 && fields.every((f) => /^[\d*/,\-A-Za-z]+$/.test(f));
}
