import type { GhlContext } from './context.js';
import { noteWebhookPayload, taskWebhookPayload } from './serialize.js';
import type { NoteRecord, TaskRecord } from './types.js';
import type { Dto } from './validate.js';

/** Tasks and notes: writes shared by the API routes and the control "user" actions, with their webhooks. */
export const CREATE_TASK_DTO: Dto = {
  title: { kind: 'string', required: true },
  body: { kind: 'string' },
  dueDate: { kind: 'string', required: true, isoDate: true },
  completed: { kind: 'boolean', required: true },
  assignedTo: { kind: 'string' },
};

export const UPDATE_TASK_DTO: Dto = {
  title: { kind: 'string', notEmpty: true },
  body: { kind: 'string' },
  dueDate: { kind: 'string', isoDate: true },
  completed: { kind: 'boolean' },
  assignedTo: { kind: 'string' },
};

export const TASK_STATUS_DTO: Dto = { completed: { kind: 'boolean', required: true } };

export const CREATE_NOTE_DTO: Dto = {
  userId: { kind: 'string' },
  body: { kind: 'string', required: true },
  title: { kind: 'string' },
  color: { kind: 'string' },
  pinned: { kind: 'boolean' },
};

export const UPDATE_NOTE_DTO: Dto = {
  userId: { kind: 'string' },
  body: { kind: 'string', notEmpty: true },
  title: { kind: 'string' },
  color: { kind: 'string' },
  pinned: { kind: 'boolean' },
};

export interface TaskInput {
  title?: string;
  body?: string;
  dueDate?: string;
  completed?: boolean;
  assignedTo?: string;
}

export interface NoteInput {
  body?: string;
  userId?: string;
  title?: string;
  color?: string;
  pinned?: boolean;
}

const isoOf = (s: string): string => new Date(s).toISOString();

export function createTask(ctx: GhlContext, contactId: string, input: TaskInput): TaskRecord {
  const now = ctx.now();
  const task: TaskRecord = {
    id: ctx.ids.ghlId(),
    contactId,
    title: input.title ?? '',
    ...(input.body !== undefined ? { body: input.body } : {}),
    ...(input.assignedTo !== undefined ? { assignedTo: input.assignedTo } : {}),
    dueDate: isoOf(input.dueDate ?? new Date(now).toISOString()),
    completed: input.completed ?? false,
    dateAdded: now,
    dateUpdated: now,
  };
  ctx.store.putTask(task);
  ctx.webhooks.emit(taskWebhookPayload('TaskCreate', task, ctx.locationId, ctx.settings.taskCreateBug));
  if (task.completed) ctx.webhooks.emit(taskWebhookPayload('TaskComplete', task, ctx.locationId, false));
  return task;
}

/** There is no TaskUpdate event in GHL; completing a task fires TaskComplete. */
export function updateTask(ctx: GhlContext, before: TaskRecord, input: TaskInput): TaskRecord {
  const task: TaskRecord = {
    ...before,
    ...(input.title !== undefined ? { title: input.title } : {}),
    ...(input.body !== undefined ? { body: input.body } : {}),
    ...(input.assignedTo !== undefined ? { assignedTo: input.assignedTo } : {}),
    ...(input.dueDate !== undefined ? { dueDate: isoOf(input.dueDate) } : {}),
    ...(input.completed !== undefined ? { completed: input.completed } : {}),
    dateUpdated: ctx.now(),
  };
  ctx.store.putTask(task);
  if (task.completed && !before.completed)
    ctx.webhooks.emit(taskWebhookPayload('TaskComplete', task, ctx.locationId, false));
  return task;
}

export function deleteTask(ctx: GhlContext, task: TaskRecord): void {
  ctx.store.deleteTask(task.id);
  ctx.webhooks.emit(taskWebhookPayload('TaskDelete', task, ctx.locationId, false));
}

export function createNote(ctx: GhlContext, contactId: string, input: NoteInput): NoteRecord {
  const note: NoteRecord = {
    id: ctx.ids.ghlId(),
    contactId,
    body: input.body ?? '',
    ...(input.userId !== undefined ? { userId: input.userId } : {}),
    ...(input.title !== undefined ? { title: input.title } : {}),
    ...(input.color !== undefined ? { color: input.color } : {}),
    pinned: input.pinned ?? false,
    dateAdded: ctx.now(),
  };
  ctx.store.putNote(note);
  ctx.webhooks.emit(noteWebhookPayload('NoteCreate', note, ctx.locationId));
  return note;
}

export function updateNote(ctx: GhlContext, before: NoteRecord, input: NoteInput): NoteRecord {
  const note: NoteRecord = {
    ...before,
    ...(input.body !== undefined ? { body: input.body } : {}),
    ...(input.userId !== undefined ? { userId: input.userId } : {}),
    ...(input.title !== undefined ? { title: input.title } : {}),
    ...(input.color !== undefined ? { color: input.color } : {}),
    ...(input.pinned !== undefined ? { pinned: input.pinned } : {}),
  };
  ctx.store.putNote(note);
  ctx.webhooks.emit(noteWebhookPayload('NoteUpdate', note, ctx.locationId));
  return note;
}

export function deleteNote(ctx: GhlContext, note: NoteRecord): void {
  ctx.store.deleteNote(note.id);
  ctx.webhooks.emit(noteWebhookPayload('NoteDelete', note, ctx.locationId));
}
