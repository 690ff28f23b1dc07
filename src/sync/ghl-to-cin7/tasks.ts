/**
 * Tasks location-wide (`POST /locations/:id/tasks/search`, scope `locations/tasks.readonly`): the
 * contact of a `TaskCreate` that came without one (GHL's known bug, issue #332), and the periodic
 * task poll that catches task changes whose webhook was lost.
 */
import { createHash } from 'node:crypto';
import type { GhlTask } from '../../ghl/types.js';
import { getCheckpoint, putCheckpoint } from '../../store/checkpoints.js';
import { markTasksSeen, seenTasks, takeUnseenTasks } from './repo.js';
import type { GhlToCin7Deps } from './types.js';

const PAGE = 100;
/** A full walk stops after this many pages (100,000 tasks): a bound, not a limit we expect. */
const MAX_PAGES = 1000;

/**
 * The contact of a task, found through the location's task search: first by its title (one call
 * in the usual case), then by walking every task. Null when the task is not (or no longer) there.
 *
 * @example
 * const contactId = await resolveTaskContact(deps, payload.id, payload.title);
 */
export async function resolveTaskContact(
  deps: Pick<GhlToCin7Deps, 'ghl' | 'locationId'>,
  taskId: string,
  title: string | null,
  signal?: AbortSignal,
): Promise<string | null> {
  const q = title?.trim().slice(0, 100);
  if (q) {
    for await (const page of deps.ghl.taskSearchPages(
      { locationId: deps.locationId, query: q, limit: PAGE },
      { maxPages: 5, ...(signal ? { signal } : {}) },
    )) {
      const hit = page.find((t) => t.id === taskId);
      if (hit) return hit.contactId ?? null;
    }
  }
  for await (const page of deps.ghl.taskSearchPages(
    { locationId: deps.locationId, limit: PAGE },
    { maxPages: MAX_PAGES, ...(signal ? { signal } : {}) },
  )) {
    const hit = page.find((t) => t.id === taskId);
    if (hit) return hit.contactId ?? null;
  }
  return null;
}

/** What makes a task "changed" for the summary. */
export function taskHash(t: GhlTask): string {
  return createHash('sha256')
    .update(
      JSON.stringify([t.title ?? '', t.body ?? '', t.dueDate ?? '', t.completed === true, t.contactId ?? '']),
    )
    .digest('hex')
    .slice(0, 16);
}

export interface TaskPollReport {
  /** Tasks read. */
  tasks: number;
  pages: number;
  /** GHL contacts whose tasks changed (created, changed, completed or deleted) since the last pass. */
  changedContacts: string[];
  /** True on the first pass: the view was only recorded (nothing is taken for a change). */
  baseline: boolean;
}

/**
 * One pass of the task poll: every task of the location, page by page, compared with the last
 * pass's view; the contacts whose tasks changed are handed to `onChanged`. The first pass only
 * records the view (the tasks that exist then were never missed).
 *
 * @example
 * await pollTasks(deps, (ids) => noteChanges(ids, { tasks: true }, 'poll'));
 */
export async function pollTasks(
  deps: Pick<GhlToCin7Deps, 'ghl' | 'locationId' | 'store'>,
  onChanged: (ghlContactIds: string[]) => Promise<void>,
  signal?: AbortSignal,
): Promise<TaskPollReport> {
  const db = deps.store.db;
  const passId = Date.now();
  const checkpoint = `ghl.poll.tasks:${deps.locationId}`;
  const baseline = (await getCheckpoint(db, checkpoint)) === null;
  const changed = new Set<string>();
  let tasks = 0;
  let pages = 0;
  for await (const page of deps.ghl.taskSearchPages(
    { locationId: deps.locationId, limit: PAGE },
    { maxPages: MAX_PAGES, ...(signal ? { signal } : {}) },
  )) {
    pages++;
    const rows = page
      .filter((t): t is GhlTask & { id: string } => typeof t.id === 'string')
      .map((t) => ({ id: t.id, ghlContactId: t.contactId ?? null, hash: taskHash(t) }));
    tasks += rows.length;
    const before = await seenTasks(
      db,
      deps.locationId,
      rows.map((r) => r.id),
    );
    for (const r of rows) {
      const old = before.get(r.id);
      if (old?.hash === r.hash) continue;
      if (!baseline && r.ghlContactId) changed.add(r.ghlContactId);
      if (old?.ghlContactId && old.ghlContactId !== r.ghlContactId && !baseline)
        changed.add(old.ghlContactId);
    }
    await markTasksSeen(db, deps.locationId, passId, rows);
  }
  for (const gone of await takeUnseenTasks(db, deps.locationId, passId)) {
    if (gone.ghlContactId && !baseline) changed.add(gone.ghlContactId);
  }
  const ids = [...changed];
  if (ids.length > 0) await onChanged(ids);
  await putCheckpoint(db, checkpoint, { passId, tasks });
  return { tasks, pages, changedContacts: ids, baseline };
}
