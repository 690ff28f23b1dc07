import type { Command } from 'commander';
import { PRODUCT_EVENT_NAMES } from '../../events/names.js';
import {
  type Subscription,
  createSubscription,
  deleteSubscription,
  listSubscriptions,
  rotateSubscriptionSecret,
} from '../../events/subscriptions.js';
import { runCommand } from '../context.js';
import { withStoreOrService } from '../service-client.js';

interface SubscriptionJson {
  id: string;
  url: string;
  events: string[];
  source: string;
  description: string | null;
  createdAt: string;
  deletedAt: string | null;
}

function json(s: Subscription): SubscriptionJson {
  return {
    id: s.id,
    url: s.url,
    events: s.events,
    source: s.source,
    description: s.description,
    createdAt: s.createdAt.toISOString(),
    deletedAt: s.deletedAt?.toISOString() ?? null,
  };
}

function list(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** `cin7-ghl events subscribe <url> --events … | list | unsubscribe <id> | rotate-secret <id>`. */
export function registerEventsCommands(program: Command): void {
  const events = program
    .command('events')
    .description(
      `Outbound product events (${PRODUCT_EVENT_NAMES.join(', ')}) delivered to URLs as signed JSON`,
    );
  events
    .command('subscribe <url>')
    .description('Send events to a URL; prints the signing secret once')
    .requiredOption('--events <names>', `comma-separated: ${PRODUCT_EVENT_NAMES.join(', ')}, or *`, list)
    .option('--description <text>', 'what it is for')
    .option('--json', 'print JSON')
    .action(
      runCommand(async (ctx, url: string, opts: { events: string[]; description?: string }) => {
        const created = await withStoreOrService(ctx, {
          local: async (store) => {
            const { subscription, secret } = await createSubscription(store, {
              url,
              events: opts.events,
              source: 'cli',
              description: opts.description ?? null,
            });
            return { ...json(subscription), secret };
          },
          remote: (api) =>
            api.post<SubscriptionJson & { secret: string }>('/api/subscriptions', {
              url,
              events: opts.events,
              source: 'cli',
              ...(opts.description ? { description: opts.description } : {}),
            }),
        });
        // The secret is registered for redaction: written raw, this once.
        process.stdout.write(
          ctx.out.json
            ? `${JSON.stringify(created, null, 2)}\n`
            : [
                `Subscribed ${created.url} to ${created.events.join(', ')} as ${created.id}.`,
                'Signing secret (shown once; verify X-Cin7Ghl-Signature with it, see docs/events.md):',
                created.secret,
              ].join('\n') + '\n',
        );
        return undefined;
      }),
    );
  events
    .command('list')
    .description('List subscriptions')
    .option('--all', 'include unsubscribed ones')
    .option('--json', 'print JSON')
    .action(
      runCommand(async (ctx, opts: { all?: boolean }) => {
        const subs = await withStoreOrService(ctx, {
          local: async (store) =>
            (await listSubscriptions(store.db, { includeDeleted: opts.all === true })).map(json),
          remote: async (api) =>
            (
              await api.get<{ subscriptions: SubscriptionJson[] }>(
                `/api/subscriptions?includeDeleted=${opts.all === true}`,
              )
            ).subscriptions,
        });
        const lines = subs.length
          ? subs.map(
              (s) =>
                `${s.id}  ${s.url}  [${s.events.join(', ')}]  (${s.source})${s.deletedAt ? `  unsubscribed ${s.deletedAt}` : ''}`,
            )
          : ['No subscriptions.'];
        ctx.out.result({ subscriptions: subs }, lines.join('\n'));
        return undefined;
      }),
    );
  events
    .command('unsubscribe <id>')
    .description('Stop sending events to a subscription (queued deliveries are cancelled)')
    .option('--json', 'print JSON')
    .action(
      runCommand(async (ctx, id: string) => {
        const s = await withStoreOrService(ctx, {
          local: async (store) => json(await deleteSubscription(store, id)),
          remote: (api) => api.delete<SubscriptionJson>(`/api/subscriptions/${encodeURIComponent(id)}`),
        });
        ctx.out.result(s, `Unsubscribed ${s.id} (${s.url}).`);
        return undefined;
      }),
    );
  events
    .command('rotate-secret <id>')
    .description('Give a subscription a new signing secret (printed once; the old one stops at once)')
    .option('--json', 'print JSON')
    .action(
      runCommand(async (ctx, id: string) => {
        const r = await withStoreOrService(ctx, {
          local: async (store) => ({ id, secret: await rotateSubscriptionSecret(store, id) }),
          remote: (api) =>
            api.post<{ id: string; secret: string }>(`/api/subscriptions/${encodeURIComponent(id)}/secret`),
        });
        process.stdout.write(
          ctx.out.json ? `${JSON.stringify(r, null, 2)}\n` : `New signing secret for ${r.id}:\n${r.secret}\n`,
        );
        return undefined;
      }),
    );
}
