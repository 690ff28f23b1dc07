import type { FaultConfig } from '../shared/faults.js';

/** Options of {@link startGhlSandbox}; every one is optional. */
export interface GhlSandboxOptions {
  /** Loopback address to bind (default 127.0.0.1). */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Seed of every generated id and record (default 1). */
  seed?: number;
  /** How many random pre-existing contacts to create (default 0). */
  contacts?: number;
  /** Lifetime of OAuth access tokens, in seconds, not scaled by `timeScale` (default 86399). */
  accessTokenLifetimeSeconds?: number;
  /** Divides every time window and delay (rate window, daily window, webhook retry gap, lag). */
  timeScale?: number;
  /** Burst limit per location, before scaling (default 100 requests per 10,000 ms). */
  rateLimit?: { limit: number; windowMs: number };
  /** Requests per location per day (default 200,000). */
  dailyLimit?: number;
  /** A write shows up in search and in the duplicate lookup only after this delay (default 0). */
  searchLagMs?: number;
  /** The location's "Allow Duplicate Contact" setting (default false). */
  allowDuplicates?: boolean;
  faults?: FaultConfig;
  /** Where signed webhooks go (default: nowhere). */
  webhookUrl?: string;
  /** Delay before a webhook is first sent, before scaling (default 0). */
  webhookDelayMs?: number;
  /** Reproduce GHL's known bug: TaskCreate payloads without `contactId` and `body` (default false). */
  taskCreateBug?: boolean;
  /** Receives one line per request and per webhook delivery (default: silent). */
  logger?: (line: string) => void;
}

/** The `ghl` half of the `cin7-ghl sandbox` ready line. */
export interface GhlReadyInfo {
  baseUrl: string;
  locationId: string;
  token: string;
  clientId: string;
  clientSecret: string;
  authorizeUrl: string;
  webhookPublicKeys: { ed25519: string; rsa: string };
  campaignId: string;
  workflowId: string;
}

/** A person to pre-create as a GHL contact (e.g. to match a Cin7 customer contact). */
export interface SeedPerson {
  firstName: string;
  lastName: string;
  email?: string;
  phone?: string;
  companyName?: string;
}

/** The knobs that can change while the sandbox runs. */
export interface GhlSettings {
  searchLagMs: number;
  allowDuplicates: boolean;
  faults: FaultConfig;
  webhookUrl: string | null;
  webhookDelayMs: number;
  taskCreateBug: boolean;
  rateLimit: { limit: number; windowMs: number };
  dailyLimit: number;
  accessTokenLifetimeSeconds: number;
}

export type DndStatus = 'active' | 'inactive' | 'permanent';
export interface DndSetting {
  status: DndStatus;
  message?: string;
  code?: string;
}
export type DndChannel = 'Call' | 'Email' | 'SMS' | 'WhatsApp' | 'GMB' | 'FB';
export type DndSettings = Partial<Record<DndChannel, DndSetting>>;

/** A custom field value as stored and read back (`{id, value}`). */
export interface CustomFieldValue {
  id: string;
  value: string | number | string[] | Record<string, unknown>;
}

/**
 * A contact as the sandbox stores it. Records are replaced, never mutated, on every write, so the
 * search index can keep pointing at the version it indexed (that is how the lag works).
 */
export interface ContactRecord {
  readonly id: string;
  readonly locationId: string;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly email?: string;
  readonly phone?: string;
  readonly companyName?: string;
  readonly address1?: string;
  readonly city?: string;
  readonly state?: string;
  readonly postalCode?: string;
  readonly country?: string;
  readonly website?: string;
  readonly timezone?: string;
  readonly gender?: string;
  readonly source?: string;
  readonly type: string;
  readonly assignedTo?: string;
  /** ISO date-time at midnight UTC. */
  readonly dateOfBirth?: string;
  readonly dnd: boolean;
  readonly dndSettings?: DndSettings;
  readonly inboundDndSettings?: { all?: { status: 'active' | 'inactive'; message?: string } };
  readonly tags: readonly string[];
  readonly customFields: readonly CustomFieldValue[];
  readonly businessId?: string;
  readonly followers: readonly string[];
  readonly attributionSource?: { url: string; medium?: string; mediumId?: string };
  /** Epoch ms. */
  readonly dateAdded: number;
  /** Epoch ms. */
  readonly dateUpdated: number;
}

export interface TaskRecord {
  readonly id: string;
  readonly contactId: string;
  readonly title: string;
  readonly body?: string;
  readonly assignedTo?: string;
  /** ISO date-time. */
  readonly dueDate: string;
  readonly completed: boolean;
  readonly dateAdded: number;
  readonly dateUpdated: number;
}

export interface NoteRecord {
  readonly id: string;
  readonly contactId: string;
  readonly body: string;
  readonly userId?: string;
  readonly title?: string;
  readonly color?: string;
  readonly pinned: boolean;
  readonly dateAdded: number;
}

export interface BusinessRecord {
  readonly id: string;
  readonly locationId: string;
  readonly name: string;
  readonly phone?: string;
  readonly email?: string;
  readonly website?: string;
  readonly address?: string;
  readonly city?: string;
  readonly state?: string;
  readonly postalCode?: string;
  readonly country?: string;
  readonly description?: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface AppointmentRecord {
  readonly id: string;
  readonly calendarId: string;
  readonly contactId: string;
  readonly title: string;
  readonly status: string;
  readonly assignedUserId: string;
  readonly notes: string;
  readonly address: string;
  readonly startTime: string;
  readonly endTime: string;
  readonly dateAdded: string;
  readonly dateUpdated: string;
}

export interface CustomFieldDefinition {
  readonly id: string;
  readonly name: string;
  readonly fieldKey: string;
  readonly placeholder: string;
  readonly dataType: string;
  readonly position: number;
  readonly picklistOptions: string[];
  readonly model: 'contact' | 'opportunity';
}

/** One webhook event as sent (the body is signed as these exact bytes). */
export interface WebhookDelivery {
  webhookId: string;
  type: string;
  /** The exact bytes sent, as UTF-8 text. */
  body: string;
  url: string | null;
  attempts: { at: number; status: number | null; error?: string }[];
  /** pending: not sent yet or waiting for a retry; delivered: 2xx; failed: final non-2xx or error. */
  state: 'pending' | 'delivered' | 'failed' | 'skipped';
}

/** Counters kept per route name. */
export interface GhlStats {
  requests: number;
  byRoute: Record<string, number>;
  byStatus: Record<string, number>;
  rateLimited: number;
}
