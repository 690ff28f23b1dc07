import {
  CREATE_NOTE_DTO,
  CREATE_TASK_DTO,
  type NoteInput,
  type TaskInput,
  UPDATE_NOTE_DTO,
  UPDATE_TASK_DTO,
  createNote,
  createTask,
  deleteNote,
  deleteTask,
  updateNote,
  updateTask,
} from './activity-service.js';
import { KNOWN_SCOPES } from './auth.js';
import { readContactInput } from './contact-input.js';
import { createContact, deleteContact, updateContact } from './contacts-service.js';
import type { GhlContext } from './context.js';
import type { GhlGuard } from './guard.js';
import type { AppInstallState } from './routes/oauth.js';
import { CODE_LIFETIME_MS, installPayload } from './routes/oauth.js';
import { seedPeople } from './seed.js';
import { appointmentOut, contactOut, noteOut, taskOut } from './serialize.js';
import type {
  ContactRecord,
  GhlSettings,
  GhlStats,
  NoteRecord,
  SeedPerson,
  TaskRecord,
  WebhookDelivery,
} from './types.js';
import { type Json, normalizePhone, validateDto } from './validate.js';
import { assertLoopbackUrl } from './webhooks.js';

/** A misuse of the sandbox's control API (unknown id, invalid input); the message says which. */
export class GhlSandboxError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 404 = 400,
  ) {
    super(message);
    this.name = 'GhlSandboxError';
  }
}

type ContactOut = ReturnType<typeof contactOut>;
type TaskOut = ReturnType<typeof taskOut>;
type NoteOut = ReturnType<typeof noteOut>;
type AppointmentOut = ReturnType<typeof appointmentOut>;

/**
 * Knobs, state inspection and actions "as a GHL user" (each emitting the webhook GHL would emit).
 * The same operations are served over HTTP under `/_sandbox/…` (see README).
 */
export interface GhlControl {
  settings(): GhlSettings;
  /** Changes knobs while running; returns the new settings. */
  set(patch: Partial<GhlSettings>): GhlSettings;
  stats(): GhlStats & {
    contacts: number;
    searchPending: number;
    oauth: { refreshes: number; reusedRefreshTokens: number; codesExchanged: number; invalidGrants: number };
  };
  /** A contact as `GET /contacts/:id` shows it (primary store, no lag), or undefined. */
  contact(id: string): ContactOut | undefined;
  findContacts(by: { email?: string; phone?: string }): ContactOut[];
  contactCount(): number;
  notes(contactId: string): NoteOut[];
  tasks(contactId: string): TaskOut[];
  deliveries(): WebhookDelivery[];
  /** Resolves once no webhook is in flight (and, unless `includeRetries` is false, none waits for a retry). */
  waitForWebhooks(includeRetries?: boolean): Promise<void>;
  seedContacts(people: SeedPerson[]): string[];

  createContact(fields: Json): ContactOut;
  editContact(id: string, fields: Json): ContactOut;
  deleteContact(id: string): void;
  addNote(contactId: string, note: NoteInput): NoteOut;
  editNote(contactId: string, noteId: string, patch: NoteInput): NoteOut;
  deleteNote(contactId: string, noteId: string): void;
  addTask(contactId: string, task: TaskInput): TaskOut;
  editTask(contactId: string, taskId: string, patch: TaskInput): TaskOut;
  completeTask(contactId: string, taskId: string): TaskOut;
  deleteTask(contactId: string, taskId: string): void;
  /** Books an appointment for the contact (appointments have no webhook here). */
  addAppointment(
    contactId: string,
    appt?: { title?: string; startTime?: string; status?: string },
  ): AppointmentOut;
  /** Uninstalls the app from the location: AppUninstall webhook; OAuth tokens stop working. */
  uninstallApp(): void;

  /** A static token of the location with just these scopes (e.g. to test a 401 for a scope). */
  createToken(scopes: string[], lifetimeSeconds?: number | null): string;
  /** The consent page's "approve", without a browser: a code for `POST /oauth/token`. */
  authorize(opts: { scopes: string[]; redirectUri: string; state?: string }): {
    code: string;
    location: string;
  };
  /** Makes every OAuth access token expire now; returns how many. */
  expireAccessTokens(): number;
  resetRateLimits(): void;
}

export function createControl(
  ctx: GhlContext,
  guard: GhlGuard,
  install: AppInstallState,
  applyFaults: () => void,
): GhlControl {
  const contactOf = (id: string): ContactRecord => {
    const c = ctx.store.contacts.get(id);
    if (!c) throw new GhlSandboxError(`No contact ${id} in the GHL sandbox`, 404);
    return c;
  };
  const taskOf = (contactId: string, taskId: string): TaskRecord => {
    const t = ctx.store.tasks.get(taskId);
    if (!t || t.contactId !== contactOf(contactId).id)
      throw new GhlSandboxError(`No task ${taskId} on contact ${contactId} in the GHL sandbox`, 404);
    return t;
  };
  const noteOf = (contactId: string, noteId: string): NoteRecord => {
    const n = ctx.store.notes.get(noteId);
    if (!n || n.contactId !== contactOf(contactId).id)
      throw new GhlSandboxError(`No note ${noteId} on contact ${contactId} in the GHL sandbox`, 404);
    return n;
  };
  const check = (body: unknown, dto: Parameters<typeof validateDto>[1], what: string): void => {
    const errors = validateDto((body ?? {}) as Json, dto);
    if (errors.length > 0) throw new GhlSandboxError(`Invalid ${what}: ${errors.join('; ')}`);
  };
  const contactInput = (fields: Json, kind: 'userEdit') => {
    const input = readContactInput(fields, kind, ctx.store);
    if (input.errors.length > 0 || !('patch' in input))
      throw new GhlSandboxError(`Invalid contact fields: ${input.errors.join('; ')}`);
    return input.patch;
  };

  return {
    settings: () => structuredClone(ctx.settings),
    set(patch) {
      const s = ctx.settings;
      const num = (v: unknown, name: string, min: number): number => {
        if (typeof v !== 'number' || !Number.isFinite(v) || v < min)
          throw new GhlSandboxError(`${name} must be a number >= ${min}`);
        return v;
      };
      for (const key of Object.keys(patch)) {
        if (!(key in s))
          throw new GhlSandboxError(
            `Unknown GHL sandbox setting "${key}"; known: ${Object.keys(s).join(', ')}`,
          );
      }
      if (patch.searchLagMs !== undefined) s.searchLagMs = num(patch.searchLagMs, 'searchLagMs', 0);
      if (patch.webhookDelayMs !== undefined)
        s.webhookDelayMs = num(patch.webhookDelayMs, 'webhookDelayMs', 0);
      if (patch.dailyLimit !== undefined) s.dailyLimit = num(patch.dailyLimit, 'dailyLimit', 1);
      if (patch.accessTokenLifetimeSeconds !== undefined)
        s.accessTokenLifetimeSeconds = num(patch.accessTokenLifetimeSeconds, 'accessTokenLifetimeSeconds', 1);
      if (patch.allowDuplicates !== undefined) s.allowDuplicates = Boolean(patch.allowDuplicates);
      if (patch.taskCreateBug !== undefined) s.taskCreateBug = Boolean(patch.taskCreateBug);
      if (patch.webhookUrl !== undefined) {
        if (patch.webhookUrl !== null) {
          try {
            assertLoopbackUrl(patch.webhookUrl);
          } catch (err) {
            throw new GhlSandboxError((err as Error).message);
          }
        }
        s.webhookUrl = patch.webhookUrl;
      }
      if (patch.rateLimit !== undefined) {
        s.rateLimit = {
          limit: num(patch.rateLimit.limit, 'rateLimit.limit', 1),
          windowMs: num(patch.rateLimit.windowMs, 'rateLimit.windowMs', 1),
        };
        guard.refreshLimits();
      }
      if (patch.faults !== undefined) {
        s.faults = { ...patch.faults };
        applyFaults();
      }
      return structuredClone(s);
    },
    stats: () => ({
      ...structuredClone(ctx.stats),
      contacts: ctx.store.contacts.size,
      searchPending: ctx.store.search.pendingCount,
      oauth: { ...ctx.tokens.counters },
    }),
    contact: (id) => {
      const c = ctx.store.contacts.get(id);
      return c ? contactOut(c) : undefined;
    },
    findContacts: ({ email, phone }) => {
      const found = new Map<string, ContactRecord>();
      if (email) for (const c of ctx.store.findByEmail(email)) found.set(c.id, c);
      if (phone) for (const c of ctx.store.findByPhone(normalizePhone(phone) ?? phone)) found.set(c.id, c);
      return [...found.values()].map(contactOut);
    },
    contactCount: () => ctx.store.contacts.size,
    notes: (contactId) => ctx.store.notesOf(contactOf(contactId).id).map(noteOut),
    tasks: (contactId) => ctx.store.tasksOf(contactOf(contactId).id).map(taskOut),
    deliveries: () =>
      ctx.webhooks.deliveries.map((d) => ({ ...d, attempts: d.attempts.map((a) => ({ ...a })) })),
    waitForWebhooks: (includeRetries = true) => ctx.webhooks.idle(includeRetries),
    seedContacts: (people) => {
      for (const [i, p] of people.entries()) {
        if (!p || typeof p.firstName !== 'string' || typeof p.lastName !== 'string')
          throw new GhlSandboxError(`seedContacts: person ${i} needs firstName and lastName strings`);
      }
      return seedPeople(ctx.store, ctx.ids, people, ctx.now());
    },

    createContact: (fields) => contactOut(createContact(ctx, contactInput(fields, 'userEdit'))),
    editContact: (id, fields) =>
      contactOut(updateContact(ctx, contactOf(id), contactInput(fields, 'userEdit'))),
    deleteContact: (id) => {
      deleteContact(ctx, contactOf(id).id);
    },
    addNote: (contactId, note) => {
      check(note, CREATE_NOTE_DTO, 'note');
      return noteOut(createNote(ctx, contactOf(contactId).id, note));
    },
    editNote: (contactId, noteId, patch) => {
      check(patch, UPDATE_NOTE_DTO, 'note');
      return noteOut(updateNote(ctx, noteOf(contactId, noteId), patch));
    },
    deleteNote: (contactId, noteId) => deleteNote(ctx, noteOf(contactId, noteId)),
    addTask: (contactId, task) => {
      const full = { dueDate: new Date(ctx.now() + 86_400_000).toISOString(), completed: false, ...task };
      check(full, CREATE_TASK_DTO, 'task');
      return taskOut(createTask(ctx, contactOf(contactId).id, full));
    },
    editTask: (contactId, taskId, patch) => {
      check(patch, UPDATE_TASK_DTO, 'task');
      return taskOut(updateTask(ctx, taskOf(contactId, taskId), patch));
    },
    completeTask: (contactId, taskId) =>
      taskOut(updateTask(ctx, taskOf(contactId, taskId), { completed: true })),
    deleteTask: (contactId, taskId) => deleteTask(ctx, taskOf(contactId, taskId)),
    addAppointment: (contactId, appt = {}) => {
      const c = contactOf(contactId);
      const start = appt.startTime ? new Date(appt.startTime) : new Date(ctx.now() + 86_400_000);
      if (Number.isNaN(start.getTime()))
        throw new GhlSandboxError(`startTime "${appt.startTime}" is not a date`);
      const fmt = (d: Date): string => d.toISOString().slice(0, 19).replace('T', ' ');
      const record = {
        id: ctx.ids.ghlId(),
        calendarId: ctx.ids.ghlId(),
        contactId: c.id,
        title: appt.title ?? 'Appointment',
        status: appt.status ?? 'booked',
        assignedUserId: ctx.userId,
        notes: '',
        address: '',
        startTime: fmt(start),
        endTime: fmt(new Date(start.getTime() + 30 * 60_000)),
        dateAdded: fmt(new Date(ctx.now())),
        dateUpdated: fmt(new Date(ctx.now())),
      };
      ctx.store.appointments.set(c.id, [...(ctx.store.appointments.get(c.id) ?? []), record]);
      return appointmentOut(record, ctx.locationId);
    },
    uninstallApp: () => {
      install.installed = false;
      ctx.tokens.revokeLocation(ctx.locationId);
      ctx.webhooks.emit({ type: 'UNINSTALL', appId: ctx.appId, locationId: ctx.locationId });
    },

    createToken: (scopes, lifetimeSeconds = null) => {
      const unknown = scopes.filter((s) => !KNOWN_SCOPES.includes(s));
      if (unknown.length > 0) throw new GhlSandboxError(`Unknown scope(s): ${unknown.join(', ')}`);
      // Without a lifetime it is a private integration token (static, not touched by expireAccessTokens).
      return lifetimeSeconds === null
        ? ctx.tokens.issuePit(ctx.locationId, scopes)
        : ctx.tokens.issueAccess(ctx.locationId, scopes, lifetimeSeconds, null);
    },
    authorize: ({ scopes, redirectUri, state }) => {
      const unknown = scopes.filter((s) => !KNOWN_SCOPES.includes(s));
      if (unknown.length > 0) throw new GhlSandboxError(`Unknown scope(s): ${unknown.join(', ')}`);
      if (!URL.canParse(redirectUri)) throw new GhlSandboxError(`redirectUri "${redirectUri}" is not a URL`);
      const code = ctx.tokens.issueCode({
        locationId: ctx.locationId,
        scopes: [...new Set(scopes)],
        clientId: ctx.clientId,
        redirectUri,
        userId: ctx.userId,
        expiresAt: ctx.now() + CODE_LIFETIME_MS / ctx.scale,
      });
      if (!install.installed) {
        install.installed = true;
        ctx.webhooks.emit(installPayload(ctx));
      }
      const location = new URL(redirectUri);
      location.searchParams.set('code', code);
      if (state) location.searchParams.set('state', state);
      return { code, location: location.toString() };
    },
    expireAccessTokens: () => ctx.tokens.expireAccessTokens(ctx.locationId),
    resetRateLimits: () => guard.resetWindows(),
  };
}
