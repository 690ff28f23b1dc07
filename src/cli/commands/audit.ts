import type { Command } from 'commander';
import { InputError } from '../../errors/index.js';
import { listAudit } from '../../sync/repo/audit.js';
import { runCommand } from '../context.js';
import { plain } from '../remote.js';
import { withStoreOrService } from '../service-client.js';

/** An audit row as `audit --json` prints it (and `GET /api/audit` answers it). */
export interface AuditJson {
  id: string;
  at: string;
  direction: 'cin7_to_ghl' | 'ghl_to_cin7';
  action: string;
  cause: 'webhook' | 'poll' | 'reconcile' | 'manual';
  cin7CustomerId: string | null;
  cin7ContactId: string | null;
  ghlContactId: string | null;
  fields: string[];
  before: unknown;
  after: unknown;
  runId: string | null;
  details: unknown;
}

/**
 * `cin7-ghl audit [--record ID] [--limit N] [--json]`: every write the product made, either way,
 * newest first. `--record` takes a Cin7 customer id or a GHL contact id. While a service holds the
 * embedded store: `GET /api/audit` with the same filter.
 */
export function registerAuditCommand(program: Command): void {
  program
    .command('audit')
    .description(
      'List the writes the product made, either way, newest first: time, direction, action, cause (webhook, poll, reconcile, manual), fields, before → after',
    )
    .option('--record <id>', 'only the writes of this Cin7 customer id or GHL contact id')
    .option('--limit <n>', 'at most this many rows (1 to 10000)', '50')
    .option('--json', 'print the rows as JSON')
    .action(
      runCommand(async (ctx, opts: { record?: string; limit: string }) => {
        const limit = Number(opts.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
          throw new InputError(
            '--limit',
            `"${opts.limit}" is not a whole number from 1 to 10000`,
            'pass e.g. --limit 50',
          );
        }
        const record = opts.record?.trim() || undefined;
        const rows = await withStoreOrService(ctx, {
          local: async (store) =>
            plain<AuditJson[]>(await listAudit(store.db, { limit, ...(record ? { record } : {}) })),
          remote: async (api) =>
            (
              await api.get<{ audit: AuditJson[] }>(
                `/api/audit?${new URLSearchParams({ limit: String(limit), ...(record ? { record } : {}) })}`,
              )
            ).audit,
        });
        ctx.out.result(rows, auditText(rows, record, limit));
        return undefined;
      }),
    );
}

const DIRECTION: Record<AuditJson['direction'], string> = {
  cin7_to_ghl: 'Cin7 → GHL',
  ghl_to_cin7: 'GHL → Cin7',
};

/**
 * The rows for a person: a line per write, then a line per field with before → after.
 *
 * @example
 * ctx.out.result(rows, auditText(rows, undefined, 50));
 */
export function auditText(rows: AuditJson[], record: string | undefined, limit: number): string {
  if (rows.length === 0) return record ? `No writes recorded for ${record}.` : 'No writes recorded yet.';
  const lines: string[] = [];
  for (const r of rows) {
    const who = `Cin7 ${r.cin7CustomerId ?? '-'}${r.cin7ContactId ? `/${r.cin7ContactId}` : ''} ↔ GHL ${r.ghlContactId ?? '-'}`;
    const fields = r.fields.length > 0 ? ` [${r.fields.join(', ')}]` : '';
    lines.push(
      `${r.at}  ${DIRECTION[r.direction] ?? r.direction}  ${r.action} (${r.cause})${fields}  ${who}`,
    );
    for (const change of changes(r)) lines.push(`    ${change}`);
  }
  lines.push(
    `${rows.length} write${rows.length === 1 ? '' : 's'}, newest first${rows.length === limit ? ` (the latest ${limit}; --limit for more)` : ''}.`,
  );
  return lines.join('\n');
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** `field: before → after` per field (one line for a single value, e.g. the tags). */
function changes(r: AuditJson): string[] {
  const { before, after } = r;
  if (isRecord(before) || isRecord(after)) {
    const b = isRecord(before) ? before : {};
    const a = isRecord(after) ? after : {};
    const keys = r.fields.length > 0 ? r.fields : [...new Set([...Object.keys(b), ...Object.keys(a)])];
    return keys.map((k) => `${k}: ${show(b[k])} → ${show(a[k])}`);
  }
  if ((before ?? null) === null && (after ?? null) === null) return [];
  return [`${r.fields.join(', ') || 'value'}: ${show(before)} → ${show(after)}`];
}

const MAX_VALUE = 160;

function show(v: unknown): string {
  if (v === null || v === undefined) return '(empty)';
  const s = JSON.stringify(v);
  return s.length > MAX_VALUE ? `${s.slice(0, MAX_VALUE - 1)}…` : s;
}
