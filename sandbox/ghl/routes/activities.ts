import type { SandboxRequest, SandboxResponse } from '../../shared/server.js';
import {
  CREATE_NOTE_DTO,
  CREATE_TASK_DTO,
  type NoteInput,
  TASK_STATUS_DTO,
  type TaskInput,
  UPDATE_NOTE_DTO,
  UPDATE_TASK_DTO,
  createNote,
  createTask,
  deleteNote,
  deleteTask,
  updateNote,
  updateTask,
} from '../activity-service.js';
import type { GhlContext } from '../context.js';
import { notFound } from '../errors.js';
import { appointmentOut, noteOut, taskOut } from '../serialize.js';
import type { ContactRecord, NoteRecord, TaskRecord } from '../types.js';
import { type Handlers, contactParam, isAnswer, ok, readBody } from './common.js';

/** Tasks, notes and appointments of a contact. */
export function activityRoutes(ctx: GhlContext): Handlers {
  const taskOf = (req: SandboxRequest): { contact: ContactRecord; task: TaskRecord } | SandboxResponse => {
    const contact = contactParam(ctx, req);
    if (isAnswer(contact)) return contact;
    const task = ctx.store.tasks.get(req.params.taskId ?? '');
    return task && task.contactId === contact.id ? { contact, task } : notFound('Task');
  };
  const noteOf = (req: SandboxRequest): { contact: ContactRecord; note: NoteRecord } | SandboxResponse => {
    const contact = contactParam(ctx, req);
    if (isAnswer(contact)) return contact;
    const note = ctx.store.notes.get(req.params.id ?? '');
    return note && note.contactId === contact.id ? { contact, note } : notFound('Note');
  };

  return {
    'ghl.contacts.tasks.list': (req) => {
      const c = contactParam(ctx, req);
      return isAnswer(c) ? c : ok({ tasks: ctx.store.tasksOf(c.id).map(taskOut) });
    },
    'ghl.contacts.tasks.get': (req) => {
      const t = taskOf(req);
      return isAnswer(t) ? t : ok({ task: taskOut(t.task) });
    },
    'ghl.contacts.tasks.create': (req) => {
      const c = contactParam(ctx, req);
      if (isAnswer(c)) return c;
      const read = readBody(req, CREATE_TASK_DTO);
      if ('error' in read) return read.error;
      return ok({ task: taskOut(createTask(ctx, c.id, read.body as TaskInput)) }, 201);
    },
    'ghl.contacts.tasks.update': (req) => {
      const t = taskOf(req);
      if (isAnswer(t)) return t;
      const read = readBody(req, UPDATE_TASK_DTO);
      if ('error' in read) return read.error;
      return ok({ task: taskOut(updateTask(ctx, t.task, read.body as TaskInput)) });
    },
    'ghl.contacts.tasks.complete': (req) => {
      const t = taskOf(req);
      if (isAnswer(t)) return t;
      const read = readBody(req, TASK_STATUS_DTO);
      if ('error' in read) return read.error;
      return ok({ task: taskOut(updateTask(ctx, t.task, { completed: read.body.completed as boolean })) });
    },
    'ghl.contacts.tasks.delete': (req) => {
      const t = taskOf(req);
      if (isAnswer(t)) return t;
      deleteTask(ctx, t.task);
      return ok({ succeded: true });
    },

    'ghl.contacts.notes.list': (req) => {
      const c = contactParam(ctx, req);
      return isAnswer(c) ? c : ok({ notes: ctx.store.notesOf(c.id).map(noteOut) });
    },
    'ghl.contacts.notes.get': (req) => {
      const n = noteOf(req);
      return isAnswer(n) ? n : ok({ note: noteOut(n.note) });
    },
    'ghl.contacts.notes.create': (req) => {
      const c = contactParam(ctx, req);
      if (isAnswer(c)) return c;
      const read = readBody(req, CREATE_NOTE_DTO);
      if ('error' in read) return read.error;
      return ok({ note: noteOut(createNote(ctx, c.id, read.body as NoteInput)) }, 201);
    },
    'ghl.contacts.notes.update': (req) => {
      const n = noteOf(req);
      if (isAnswer(n)) return n;
      const read = readBody(req, UPDATE_NOTE_DTO);
      if ('error' in read) return read.error;
      return ok({ note: noteOut(updateNote(ctx, n.note, read.body as NoteInput)) });
    },
    'ghl.contacts.notes.delete': (req) => {
      const n = noteOf(req);
      if (isAnswer(n)) return n;
      deleteNote(ctx, n.note);
      return ok({ succeded: true });
    },

    'ghl.contacts.appointments.list': (req) => {
      const c = contactParam(ctx, req);
      if (isAnswer(c)) return c;
      return ok({
        events: (ctx.store.appointments.get(c.id) ?? []).map((a) => appointmentOut(a, ctx.locationId)),
      });
    },
  };
}
