import { MultiMap } from './multimap.js';
import { SearchIndex } from './search-index.js';
import { SortedIndex } from './sorted-index.js';
import type {
  AppointmentRecord,
  BusinessRecord,
  ContactRecord,
  CustomFieldDefinition,
  NoteRecord,
  TaskRecord,
} from './types.js';

/**
 * The sandbox's primary store for one location: contacts and everything hanging off them. Reads
 * by id are consistent at once; the search index (`search`) sees writes after the lag.
 */
export class GhlStore {
  readonly contacts = new Map<string, ContactRecord>();
  /** Ids of deleted contacts (bulk answers say "contact is deleted" for them). */
  readonly deletedContacts = new Set<string>();
  /** Primary order of `GET /contacts/`: dateAdded, then id. */
  readonly byDateAdded = new SortedIndex();
  readonly byEmail = new MultiMap();
  readonly byPhone = new MultiMap();
  readonly byBusiness = new MultiMap();
  readonly search = new SearchIndex();

  readonly tasks = new Map<string, TaskRecord>();
  readonly tasksByContact = new MultiMap();
  readonly notes = new Map<string, NoteRecord>();
  readonly notesByContact = new MultiMap();
  readonly appointments = new Map<string, AppointmentRecord[]>();
  readonly businesses = new Map<string, BusinessRecord>();
  readonly customFields: CustomFieldDefinition[] = [];
  readonly users: string[] = [];
  readonly campaigns = new Map<string, { id: string; name: string; members: Set<string> }>();
  readonly workflows = new Map<string, { id: string; name: string; members: Set<string> }>();

  constructor(readonly locationId: string) {}

  /** Loads pre-existing contacts in bulk: visible everywhere at once, no webhooks. */
  loadContacts(records: ContactRecord[]): void {
    const entries = this.byDateAdded.entries.slice();
    for (const rec of records) {
      this.contacts.set(rec.id, rec);
      this.indexPrimary(rec);
      entries.push({ key: rec.dateAdded, id: rec.id });
    }
    this.byDateAdded.load(entries);
    this.search.load(records);
    this.search.index('dateAdded');
  }

  /** Creates or replaces a contact; the search index sees it at `visibleAt`. */
  putContact(rec: ContactRecord, visibleAt: number): void {
    const old = this.contacts.get(rec.id);
    if (old) this.unindexPrimary(old);
    else this.byDateAdded.insert(rec.dateAdded, rec.id);
    this.contacts.set(rec.id, rec);
    this.indexPrimary(rec);
    this.search.enqueue(rec.id, rec, visibleAt);
  }

  deleteContact(id: string, visibleAt: number): ContactRecord | undefined {
    const old = this.contacts.get(id);
    if (!old) return undefined;
    this.unindexPrimary(old);
    this.byDateAdded.remove(old.dateAdded, id);
    this.contacts.delete(id);
    this.deletedContacts.add(id);
    for (const taskId of [...this.tasksByContact.get(id)]) this.deleteTask(taskId);
    for (const noteId of [...this.notesByContact.get(id)]) this.deleteNote(noteId);
    this.appointments.delete(id);
    for (const c of this.campaigns.values()) c.members.delete(id);
    for (const w of this.workflows.values()) w.members.delete(id);
    this.search.enqueue(id, null, visibleAt);
    return old;
  }

  /** Contacts whose email (case-insensitive) is `email`, in the primary store. */
  findByEmail(email: string): ContactRecord[] {
    return [...this.byEmail.get(email.toLowerCase())].map((id) => this.contacts.get(id) as ContactRecord);
  }

  findByPhone(phoneE164: string): ContactRecord[] {
    return [...this.byPhone.get(phoneE164)].map((id) => this.contacts.get(id) as ContactRecord);
  }

  putTask(task: TaskRecord): void {
    if (!this.tasks.has(task.id)) this.tasksByContact.add(task.contactId, task.id);
    this.tasks.set(task.id, task);
  }

  deleteTask(id: string): TaskRecord | undefined {
    const t = this.tasks.get(id);
    if (!t) return undefined;
    this.tasks.delete(id);
    this.tasksByContact.delete(t.contactId, id);
    return t;
  }

  tasksOf(contactId: string): TaskRecord[] {
    return [...this.tasksByContact.get(contactId)]
      .map((id) => this.tasks.get(id) as TaskRecord)
      .sort((a, b) => a.dateAdded - b.dateAdded || (a.id < b.id ? -1 : 1));
  }

  putNote(note: NoteRecord): void {
    if (!this.notes.has(note.id)) this.notesByContact.add(note.contactId, note.id);
    this.notes.set(note.id, note);
  }

  deleteNote(id: string): NoteRecord | undefined {
    const n = this.notes.get(id);
    if (!n) return undefined;
    this.notes.delete(id);
    this.notesByContact.delete(n.contactId, id);
    return n;
  }

  notesOf(contactId: string): NoteRecord[] {
    // GHL lists the newest note first.
    return [...this.notesByContact.get(contactId)]
      .map((id) => this.notes.get(id) as NoteRecord)
      .sort((a, b) => b.dateAdded - a.dateAdded || (a.id < b.id ? -1 : 1));
  }

  private indexPrimary(rec: ContactRecord): void {
    this.byEmail.add(rec.email?.toLowerCase(), rec.id);
    this.byPhone.add(rec.phone, rec.id);
    this.byBusiness.add(rec.businessId, rec.id);
  }

  private unindexPrimary(rec: ContactRecord): void {
    this.byEmail.delete(rec.email?.toLowerCase(), rec.id);
    this.byPhone.delete(rec.phone, rec.id);
    this.byBusiness.delete(rec.businessId, rec.id);
  }
}
