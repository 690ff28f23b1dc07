import { applyPatch, normalizeTags } from '../contact-input.js';
import { updateContact } from '../contacts-service.js';
import type { GhlContext } from '../context.js';
import { notFound, unprocessable } from '../errors.js';
import type { ContactRecord } from '../types.js';
import type { Dto } from '../validate.js';
import { type Handlers, checkLocation, contactParam, isAnswer, ok, readBody } from './common.js';

/** Tags (single and bulk), business association in bulk, followers, campaigns and workflows. */
const TAGS_DTO: Dto = { tags: { kind: 'stringArray', required: true } };
const FOLLOWERS_DTO: Dto = { followers: { kind: 'stringArray', required: true } };
const BULK_TAGS_DTO: Dto = {
  contacts: { kind: 'stringArray', required: true },
  tags: { kind: 'stringArray', required: true },
  locationId: { kind: 'string', required: true },
  removeAllTags: { kind: 'boolean' },
};
const BULK_BUSINESS_DTO: Dto = {
  locationId: { kind: 'string', required: true },
  ids: { kind: 'stringArray', required: true, itemMaxLength: 50 },
  businessId: { kind: 'string', required: true, nullable: true },
};
const CAMPAIGN_DTO: Dto = {};
const WORKFLOW_DTO: Dto = { eventStartTime: { kind: 'string', isoDate: true } };

export function membershipRoutes(ctx: GhlContext): Handlers {
  const setTags = (c: ContactRecord, tags: string[]): ContactRecord =>
    tags.join('\n') === c.tags.join('\n') ? c : updateContact(ctx, c, { tags });

  /** Followers are not in any webhook payload: the write fires none. */
  const setFollowers = (c: ContactRecord, followers: string[]): ContactRecord => {
    const next = applyPatch(c, { followers }, ctx.now());
    ctx.store.putContact(next, ctx.visibleAt());
    return next;
  };

  return {
    'ghl.contacts.tags.add': (req) => {
      const c = contactParam(ctx, req);
      if (isAnswer(c)) return c;
      const read = readBody(req, TAGS_DTO);
      if ('error' in read) return read.error;
      const next = setTags(c, normalizeTags([...c.tags, ...(read.body.tags as string[])]));
      return ok({ tags: [...next.tags] }, 201);
    },
    'ghl.contacts.tags.remove': (req) => {
      const c = contactParam(ctx, req);
      if (isAnswer(c)) return c;
      const read = readBody(req, TAGS_DTO);
      if ('error' in read) return read.error;
      const drop = new Set(normalizeTags(read.body.tags as string[]));
      const next = setTags(
        c,
        c.tags.filter((t) => !drop.has(t)),
      );
      return ok({ tags: [...next.tags] });
    },

    'ghl.contacts.tags.bulk': (req) => {
      const type = req.params.type;
      const read = readBody(req, BULK_TAGS_DTO);
      if ('error' in read) return read.error;
      const errors: string[] = [];
      if (type !== 'add' && type !== 'remove')
        errors.push('type must be one of the following values: add, remove');
      if (read.body.removeAllTags === true && type !== 'remove')
        errors.push('removeAllTags can only be used with the remove type');
      if (errors.length > 0) return unprocessable(errors);
      const denied = checkLocation(ctx, read.body.locationId);
      if (denied) return denied;
      const tags = normalizeTags(read.body.tags as string[]);
      const responses: Record<string, unknown>[] = [];
      for (const contactId of read.body.contacts as string[]) {
        const c = ctx.store.contacts.get(contactId);
        if (!c) {
          const message = ctx.store.deletedContacts.has(contactId)
            ? 'contact is deleted'
            : 'Contact not found';
          responses.push({ contactId, message, type: 'error' });
          continue;
        }
        const oldTags = [...c.tags];
        const next =
          type === 'add'
            ? normalizeTags([...c.tags, ...tags])
            : read.body.removeAllTags === true
              ? []
              : c.tags.filter((t) => !tags.includes(t));
        setTags(c, next);
        responses.push({
          contactId,
          message: 'Tags updated',
          type: 'success',
          oldTags,
          tagsAdded: next.filter((t) => !oldTags.includes(t)),
          tagsRemoved: oldTags.filter((t) => !next.includes(t)),
        });
      }
      const errorCount = responses.filter((r) => r.type === 'error').length;
      return ok({ succeded: errorCount === 0, errorCount, responses }, 201);
    },

    'ghl.contacts.business.bulk': (req) => {
      const read = readBody(req, BULK_BUSINESS_DTO);
      if ('error' in read) return read.error;
      const denied = checkLocation(ctx, read.body.locationId);
      if (denied) return denied;
      const businessId = read.body.businessId as string | null;
      // The spec documents only 200 and 422 for this operation.
      if (businessId !== null && !ctx.store.businesses.has(businessId))
        return unprocessable(['businessId must be the id of an existing business of this location']);
      const updated: string[] = [];
      for (const id of read.body.ids as string[]) {
        const c = ctx.store.contacts.get(id);
        if (!c) continue;
        // The business association is not part of any contact webhook payload: no event.
        ctx.store.putContact(applyPatch(c, { businessId }, ctx.now()), ctx.visibleAt());
        updated.push(id);
      }
      return ok({ success: true, ids: updated });
    },

    'ghl.contacts.followers.add': (req) => {
      const c = contactParam(ctx, req);
      if (isAnswer(c)) return c;
      const read = readBody(req, FOLLOWERS_DTO);
      if ('error' in read) return read.error;
      const added = [...new Set(read.body.followers as string[])].filter((f) => !c.followers.includes(f));
      const next = setFollowers(c, [...c.followers, ...added]);
      return ok({ followers: [...next.followers], followersAdded: added }, 201);
    },
    'ghl.contacts.followers.remove': (req) => {
      const c = contactParam(ctx, req);
      if (isAnswer(c)) return c;
      const read = readBody(req, FOLLOWERS_DTO);
      if ('error' in read) return read.error;
      const drop = new Set(read.body.followers as string[]);
      const removed = c.followers.filter((f) => drop.has(f));
      const next = setFollowers(
        c,
        c.followers.filter((f) => !drop.has(f)),
      );
      return ok({ followers: [...next.followers], followersRemoved: removed });
    },

    'ghl.contacts.campaigns.add': (req) => {
      const c = contactParam(ctx, req);
      if (isAnswer(c)) return c;
      const read = readBody(req, CAMPAIGN_DTO);
      if ('error' in read) return read.error;
      const campaign = ctx.store.campaigns.get(req.params.campaignId ?? '');
      if (!campaign) return notFound('Campaign');
      campaign.members.add(c.id);
      return ok({ succeded: true }, 201);
    },
    'ghl.contacts.campaigns.remove': (req) => {
      const c = contactParam(ctx, req);
      if (isAnswer(c)) return c;
      const campaign = ctx.store.campaigns.get(req.params.campaignId ?? '');
      if (!campaign) return notFound('Campaign');
      campaign.members.delete(c.id);
      return ok({ succeded: true });
    },
    'ghl.contacts.campaigns.removeAll': (req) => {
      const c = contactParam(ctx, req);
      if (isAnswer(c)) return c;
      for (const campaign of ctx.store.campaigns.values()) campaign.members.delete(c.id);
      return ok({ succeded: true });
    },

    'ghl.contacts.workflows.add': (req) => {
      const c = contactParam(ctx, req);
      if (isAnswer(c)) return c;
      const read = readBody(req, WORKFLOW_DTO);
      if ('error' in read) return read.error;
      const workflow = ctx.store.workflows.get(req.params.workflowId ?? '');
      if (!workflow) return notFound('Workflow');
      workflow.members.add(c.id);
      return ok({ succeded: true });
    },
    'ghl.contacts.workflows.remove': (req) => {
      const c = contactParam(ctx, req);
      if (isAnswer(c)) return c;
      const read = readBody(req, WORKFLOW_DTO);
      if ('error' in read) return read.error;
      const workflow = ctx.store.workflows.get(req.params.workflowId ?? '');
      if (!workflow) return notFound('Workflow');
      workflow.members.delete(c.id);
      return ok({ succeded: true });
    },
  };
}
