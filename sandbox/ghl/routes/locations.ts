import type { GhlContext } from '../context.js';
import { unprocessable } from '../errors.js';
import { customFieldOut, taskOut } from '../serialize.js';
import type { Dto } from '../validate.js';
import { type Handlers, checkLocation, ok, readBody } from './common.js';

const TASK_SEARCH_DTO: Dto = {
  contactId: { kind: 'stringArray' },
  completed: { kind: 'boolean' },
  assignedTo: { kind: 'stringArray' },
  query: { kind: 'string' },
  limit: { kind: 'number', min: 1, integer: true },
  skip: { kind: 'number', min: 0, integer: true },
  businessId: { kind: 'string' },
};

/** `apps/locations.json`: the custom-field list and the location-wide task search. */
export function locationRoutes(ctx: GhlContext): Handlers {
  return {
    'ghl.customFields.list': (req) => {
      const denied = checkLocation(ctx, req.params.locationId);
      if (denied) return denied;
      // Without `model` the sandbox lists contact fields (see README).
      const model = req.query.get('model') ?? 'contact';
      if (!['contact', 'opportunity', 'all'].includes(model))
        return unprocessable(['model must be one of the following values: contact, opportunity, all']);
      const fields = ctx.store.customFields.filter((f) => model === 'all' || f.model === model);
      return ok({ customFields: fields.map((f) => customFieldOut(f, ctx.locationId)) });
    },

    'ghl.tasks.search': (req) => {
      const denied = checkLocation(ctx, req.params.locationId);
      if (denied) return denied;
      const read = readBody(req, TASK_SEARCH_DTO);
      if ('error' in read) return read.error;
      const b = read.body;
      const contactIds = b.contactId ? new Set(b.contactId as string[]) : null;
      const assigned = b.assignedTo ? new Set(b.assignedTo as string[]) : null;
      const query = typeof b.query === 'string' ? b.query.trim().toLowerCase() : '';
      const limit = (b.limit as number | undefined) ?? 25;
      const skip = (b.skip as number | undefined) ?? 0;
      const tasks = [...ctx.store.tasks.values()]
        .filter((t) => !contactIds || contactIds.has(t.contactId))
        .filter((t) => b.completed === undefined || t.completed === b.completed)
        .filter((t) => !assigned || (t.assignedTo !== undefined && assigned.has(t.assignedTo)))
        .filter((t) => !query || `${t.title}\n${t.body ?? ''}`.toLowerCase().includes(query))
        .filter((t) => !b.businessId || ctx.store.contacts.get(t.contactId)?.businessId === b.businessId)
        .sort((x, y) => x.dateAdded - y.dateAdded || (x.id < y.id ? -1 : 1));
      return ok({ tasks: tasks.slice(skip, skip + limit).map(taskOut) });
    },
  };
}
