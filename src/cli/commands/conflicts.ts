import type { Command } from 'commander';
import { InputError } from '../../errors/index.js';
import { type ConflictRecord, getConflict, listConflicts } from '../../sync/conflicts/repo.js';
import { type ResolveResult, type Take, resolveConflict } from '../../sync/conflicts/resolve.js';
import { createSyncClients } from '../../sync/engine/clients.js';
import { runCommand } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { plain } from '../remote.js';
import { withStoreOrService } from '../service-client.js';

const STATUSES = ['open', 'resolved', 'superseded', 'all'] as const;

function value(v: unknown): string {
  if (v === null || v === undefined) return '(empty)';
  if (Array.isArray(v)) return v.join(', ');
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

function when(d: string | null): string {
  return d ?? 'unknown';
}

/** A conflict as `conflicts list|show --json` prints it (and `GET /api/conflicts` answers it). */
type ConflictJson = Omit<
  ConflictRecord,
  'cin7ChangedAt' | 'ghlChangedAt' | 'createdAt' | 'updatedAt' | 'resolvedAt'
> & {
  cin7ChangedAt: string | null;
  ghlChangedAt: string | null;
  createdAt: string;
  updatedAt: string;
  resolvedAt: string | null;
};

type ResolveJson = Omit<ResolveResult, 'conflict'> & { conflict: ConflictJson };

/** One line per conflict. */
function line(c: ConflictJson): string {
  const outcome =
    c.status === 'open'
      ? 'open'
      : c.status === 'superseded'
        ? 'superseded'
        : `resolved (${c.resolution === 'policy' ? `${c.policy}: ${c.winner} won` : `took ${c.resolution}`})`;
  return `#${c.id} [${outcome}] ${c.field} of Cin7 ${c.cin7CustomerId}/${c.cin7ContactId} ↔ GHL ${c.ghlContactId ?? '?'}: Cin7 ${value(c.cin7Value)} (${when(c.cin7ChangedAt)}) vs GHL ${value(c.ghlValue)} (${when(c.ghlChangedAt)})`;
}

/** The whole conflict, for `show`. */
function detail(c: ConflictJson): string {
  return [
    `Conflict #${c.id}: field ${c.field}, ${c.status}`,
    `  Cin7 customer ${c.cin7CustomerId}, contact ${c.cin7ContactId}; GHL contact ${c.ghlContactId ?? '?'} (location ${c.locationId})`,
    `  last synced value: ${value(c.baseValue)}`,
    `  Cin7 value: ${value(c.cin7Value)} (changed ${when(c.cin7ChangedAt)})`,
    `  GHL value:  ${value(c.ghlValue)} (changed ${when(c.ghlChangedAt)})`,
    `  policy: ${c.policy}${c.winner ? `, ${c.winner} won` : ''}${c.note ? ` — ${c.note}` : ''}`,
    ...(c.status === 'resolved'
      ? [
          `  resolved ${when(c.resolvedAt)} by ${c.resolvedBy ?? '?'}: ${c.resolution} → ${value(c.resolvedValue)}`,
        ]
      : []),
    `  found by run ${c.runId ?? '?'} at ${c.createdAt}`,
    ...(c.status === 'open'
      ? [`  resolve: cin7-ghl conflicts resolve ${c.id} --take cin7 | --take ghl | --take value '<value>'`]
      : []),
  ].join('\n');
}

/**
 * `cin7-ghl conflicts list|show <id>|resolve <id> --take cin7|ghl|value '<v>'`. While a service holds
 * the embedded store: `GET /api/conflicts`, `GET /api/conflicts/{id}`, `POST /api/conflicts/{id}/resolve`.
 */
export function registerConflictsCommands(program: Command): void {
  const conflicts = program
    .command('conflicts')
    .description('Fields both sides changed since the last sync: list, show, resolve');
  conflicts
    .command('list')
    .description('List conflicts (open ones by default)')
    .option('--status <status>', `one of ${STATUSES.join(', ')}`, 'open')
    .option('--all', 'every status (same as --status all)')
    .option('--customer <id>', 'of one Cin7 customer')
    .option('--limit <n>', 'at most this many', '100')
    .option('--json', 'print JSON')
    .action(
      runCommand(async (ctx, opts: { status: string; all?: boolean; customer?: string; limit: string }) => {
        const status = opts.all ? 'all' : opts.status;
        if (!(STATUSES as readonly string[]).includes(status)) {
          throw new InputError(
            '--status',
            `"${status}" is not a conflict status`,
            `use one of ${STATUSES.join(', ')}`,
          );
        }
        const limit = Math.max(1, Math.min(10_000, Math.trunc(Number(opts.limit)) || 100));
        const rows = await withStoreOrService(ctx, {
          local: async (store) =>
            plain<ConflictJson[]>(
              await listConflicts(store.db, {
                status: status as (typeof STATUSES)[number],
                ...(opts.customer ? { cin7CustomerId: opts.customer } : {}),
                limit,
              }),
            ),
          remote: async (api) =>
            (
              await api.get<{ conflicts: ConflictJson[] }>(
                `/api/conflicts?${new URLSearchParams({
                  status,
                  ...(opts.customer ? { customerId: opts.customer } : {}),
                  limit: String(limit),
                })}`,
              )
            ).conflicts,
        });
        ctx.out.result(
          rows,
          rows.length === 0
            ? `No ${status === 'all' ? '' : `${status} `}conflicts.`
            : rows.map(line).join('\n'),
        );
        return undefined;
      }),
    );
  conflicts
    .command('show <id>')
    .description('One conflict: both values, both change times, the policy')
    .option('--json', 'print JSON')
    .action(
      runCommand(async (ctx, id: string) => {
        const c = await withStoreOrService(ctx, {
          local: async (store) => plain<ConflictJson | null>(await getConflict(store.db, id)),
          remote: async (api) => {
            const r = await api.raw('GET', `/api/conflicts/${encodeURIComponent(id)}`);
            return r.status === 404 ? null : api.ok<ConflictJson>(r, `GET /api/conflicts/${id}`);
          },
        });
        if (!c)
          throw new InputError(
            'conflicts show',
            `no conflict #${id}`,
            'list them with `cin7-ghl conflicts list`',
          );
        ctx.out.result(c, detail(c));
        return undefined;
      }),
    );
  conflicts
    .command('resolve <id> [value]')
    .description(
      "Resolve an open conflict: --take cin7 or --take ghl (that side's current value), or --take value '<v>'; written to the side(s) that need it, audited",
    )
    .requiredOption('--take <what>', 'cin7, ghl or value')
    .option('--json', 'print JSON')
    .action(
      runCommand(async (ctx, id: string, given: string | undefined, opts: { take: string }) => {
        let take: Take;
        if (opts.take === 'cin7' || opts.take === 'ghl') {
          if (given !== undefined) {
            throw new InputError(
              'conflicts resolve',
              `a value ("${given}") was given with --take ${opts.take}`,
              'give a value only with --take value',
            );
          }
          take = { take: opts.take };
        } else if (opts.take === 'value') {
          if (given === undefined) {
            throw new InputError(
              'conflicts resolve',
              '--take value needs the value',
              `e.g. cin7-ghl conflicts resolve ${id} --take value 'Robert'`,
            );
          }
          take = { take: 'value', value: given };
        } else {
          throw new InputError(
            '--take',
            `"${opts.take}" is not cin7, ghl or value`,
            'pass --take cin7, --take ghl or --take value',
          );
        }
        const result = await withStoreOrService(ctx, {
          local: async (store) => {
            const clients = await createSyncClients({ config: ctx.config, logger: ctx.logger, store });
            try {
              return plain<ResolveJson>(
                await resolveConflict(
                  { store, config: ctx.config, logger: ctx.logger, ...clients },
                  id,
                  take,
                ),
              );
            } finally {
              await clients.close();
            }
          },
          remote: (api) => api.post<ResolveJson>(`/api/conflicts/${encodeURIComponent(id)}/resolve`, take),
        });
        const wrote = [
          ...(result.written.ghl.length > 0 ? ['GHL'] : []),
          ...(result.written.cin7.length > 0 ? ['Cin7'] : []),
        ];
        const text = [
          `Conflict #${id} resolved: ${result.conflict.field} = ${value(result.value)}; written to ${wrote.length > 0 ? wrote.join(' and ') : 'neither side (both already hold it)'}.`,
          ...result.kept.map(
            (s) => `  ${s === 'ghl' ? 'GHL' : 'Cin7'} keeps its own value: the field does not flow there.`,
          ),
          ...result.warnings.map((w) => `  Warning: ${w}`),
        ].join('\n');
        ctx.out.result(result, text);
        return EXIT.ok;
      }),
    );
}
