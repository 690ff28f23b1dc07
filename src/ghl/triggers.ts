/**
 * GHL triggers of the operations catalog: every webhook event GHL sends for the scopes the product
 * asks for (payload shapes from `shared/specs/ghl/webhook-events/*.json`), and the polls that back
 * them up (webhooks are retried only on a 429 and may be lost; notes and tasks of a contact can
 * only be read per contact).
 */
import type { TriggerDef } from '../ops/types.js';

const COMMON = {
  type: 'string: the event name',
  locationId: 'string',
  timestamp: 'string: ISO time GHL sent it (checked against the tolerance)',
  webhookId: 'string: unique per event (deliveries are deduplicated on it)',
};

const CONTACT: Record<string, string> = {
  ...COMMON,
  id: 'string: the contact id',
  firstName: 'string',
  lastName: 'string',
  name: 'string',
  email: 'string',
  phone: 'string',
  companyName: 'string',
  address1: 'string',
  city: 'string',
  state: 'string',
  country: 'string',
  postalCode: 'string',
  website: 'string',
  source: 'string',
  dateAdded: 'string: ISO',
  dateOfBirth: 'string',
  dnd: 'boolean',
  tags: 'string[]: the full tag list, not a change',
  attachments: 'array',
  assignedTo: 'string: user id',
  customFields: 'Array<{id, value: string | number | array | object}>',
};

const NOTE: Record<string, string> = {
  ...COMMON,
  id: 'string: the note id',
  body: 'string',
  contactId: 'string',
  dateAdded: 'string: ISO',
};

const TASK: Record<string, string> = {
  ...COMMON,
  id: 'string: the task id',
  title: 'string',
  body: 'string (missing in real TaskCreate payloads: GHL issue #332)',
  contactId: 'string (missing in real TaskCreate payloads: GHL issue #332)',
  assignedTo: 'string: user id',
  dueDate: 'string: ISO',
  dateAdded: 'string: ISO',
};

const webhook = (name: string, description: string, payload: Record<string, string>): TriggerDef => ({
  name: `ghl.${name}`,
  api: 'ghl',
  kind: 'webhook',
  description,
  payload,
});

/** The GHL webhook event names, as `type`/file names: ContactCreate … AppUninstall. */
export const GHL_WEBHOOK_EVENTS = [
  'ContactCreate',
  'ContactUpdate',
  'ContactDelete',
  'ContactTagUpdate',
  'ContactDndUpdate',
  'NoteCreate',
  'NoteUpdate',
  'NoteDelete',
  'TaskCreate',
  'TaskComplete',
  'TaskDelete',
  'AppInstall',
  'AppUninstall',
] as const;
export type GhlWebhookEventName = (typeof GHL_WEBHOOK_EVENTS)[number];

/** Every GHL trigger: 13 webhook events and the polls behind them. */
export const GHL_TRIGGERS: readonly TriggerDef[] = [
  webhook('ContactCreate', 'A contact was created in GHL', CONTACT),
  webhook(
    'ContactUpdate',
    'Some fields of a contact changed (not every field fires it; no dateUpdated in the payload)',
    CONTACT,
  ),
  webhook('ContactDelete', 'A contact was deleted', CONTACT),
  webhook('ContactTagUpdate', "A contact's tags changed (payload: the full tag list)", CONTACT),
  webhook('ContactDndUpdate', "A contact's DND settings changed", {
    ...CONTACT,
    dndSettings: 'object: per channel {status, message?, code?}',
  }),
  webhook('NoteCreate', 'A note was added to a contact', NOTE),
  webhook('NoteUpdate', 'A note was changed', NOTE),
  webhook('NoteDelete', 'A note was deleted', NOTE),
  webhook('TaskCreate', 'A task was created (GHL has no TaskUpdate event)', TASK),
  webhook('TaskComplete', 'A task was completed', TASK),
  webhook('TaskDelete', 'A task was deleted', TASK),
  webhook('AppInstall', 'The Marketplace app was installed on a location (type: "INSTALL")', {
    type: 'string: "INSTALL"',
    appId: 'string',
    companyId: 'string',
    locationId: 'string',
    userId: 'string: the installer',
    planId: 'string',
    trial: 'object: {onTrial, trialDuration, trialStartDate}',
    isWhitelabelCompany: 'boolean',
    whitelabelDetails: 'object: {domain, logoUrl}',
    companyName: 'string',
    timestamp: COMMON.timestamp,
    webhookId: COMMON.webhookId,
  }),
  webhook(
    'AppUninstall',
    'The Marketplace app was uninstalled (type: "UNINSTALL"): the connection is marked uninstalled and its work stops',
    {
      type: 'string: "UNINSTALL"',
      appId: 'string',
      companyId: 'string',
      locationId: 'string',
      timestamp: COMMON.timestamp,
      webhookId: COMMON.webhookId,
    },
  ),
  {
    name: 'ghl.poll.contacts',
    api: 'ghl',
    kind: 'poll',
    description:
      'Contacts changed since the last poll: POST /contacts/search filtered on dateUpdated > high-water mark, sorted by dateUpdated, paged by searchAfter (backs up ContactCreate/Update/TagUpdate/DndUpdate; the search index lags writes by a few seconds, so the mark is kept a little behind)',
    payload: {
      contact: 'GhlSearchContact: the contact as search returns it',
      dateUpdated: 'string: ISO, the new high-water mark',
    },
  },
  {
    name: 'ghl.poll.contacts.deleted',
    api: 'ghl',
    kind: 'poll',
    description:
      'Linked contacts that no longer exist: found by the nightly reconciliation reading every contact (backs up ContactDelete)',
    payload: { contactId: 'string' },
  },
  {
    name: 'ghl.poll.tasks',
    api: 'ghl',
    kind: 'poll',
    description:
      'Tasks of the location: POST /locations/:id/tasks/search paged by skip, compared with the last poll (backs up TaskCreate/TaskComplete/TaskDelete; needs locations/tasks.readonly)',
    payload: { task: 'GhlTask', change: '"created" | "completed" | "updated" | "deleted"' },
  },
  {
    name: 'ghl.poll.notes',
    api: 'ghl',
    kind: 'poll',
    description:
      'Notes of linked contacts: GET /contacts/:id/notes for contacts whose dateUpdated moved (one call per contact; backs up NoteCreate/Update/Delete)',
    payload: { contactId: 'string', notes: 'GhlNote[]' },
  },
];
