import type { Command } from 'commander';
import type { Cin7Client } from '../../cin7/client.js';
import {
  Cin7ConnectionError,
  createCin7Client,
  createCin7Http,
  credentialsFromConfig,
  credentialsFromStore,
} from '../../cin7/connection.js';
import type { GhlClient } from '../../ghl/client.js';
import { createGhlClient, ghlHttpClient } from '../../ghl/factory.js';
import { CallCounter } from '../../http/counter.js';
import { type Store, openStore } from '../../store/open.js';
import { loadMapping } from '../../sync/mapping/index.js';
import type { MappingPreview } from '../../sync/mapping/preview.js';
import { loadTagRules } from '../../sync/rules/index.js';
import { type MappingPreviewResult, mappingPreviewResult } from '../../server/api/previews.js';
import { type CommandContext, runCommand } from '../context.js';
import { plain } from '../remote.js';
import { localOrService } from '../service-client.js';

/**
 * A Cin7 client for one command: the `CIN7_*` variables (or `cin7.accountId` + `CIN7_APPLICATION_KEY`)
 * when set, else the stored connection. Calls are counted on `counter`.
 *
 * @example
 * await withCin7(ctx, counter, (cin7) => cin7.getCustomer(id));
 */
export async function withCin7<T>(
  ctx: CommandContext,
  counter: CallCounter,
  fn: (cin7: Cin7Client) => Promise<T>,
): Promise<T> {
  const { config, logger } = ctx;
  let store: Store | null = null;
  let credentials = credentialsFromConfig(config);
  try {
    if (!credentials) {
      store = await openStore(config, { logger });
      try {
        credentials = await credentialsFromStore(store, config);
      } catch (e) {
        if (e instanceof Cin7ConnectionError && config.env === 'sandbox') {
          throw new Cin7ConnectionError(
            'cin7_not_connected',
            e.message,
            'Start the emulators with `cin7-ghl sandbox` (or `npm start`), then set CIN7_BASE_URL, CIN7_ACCOUNT_ID and CIN7_APPLICATION_KEY from its ready line.',
          );
        }
        throw e;
      }
    }
    const cin7 = createCin7Client(config, credentials, createCin7Http(config, { logger, counter }));
    return await fn(cin7);
  } finally {
    await store?.close();
  }
}

/** A GHL client from `GHL_TOKEN` (+ `GHL_LOCATION_ID`, `GHL_BASE_URL`), or null when it is not set. */
async function ghlFromEnvironment(ctx: CommandContext, counter: CallCounter): Promise<GhlClient | null> {
  if (!ctx.config.secrets.ghlToken) return null;
  const http = ghlHttpClient(ctx.config, ctx.logger, { counter });
  return createGhlClient({ config: ctx.config, logger: ctx.logger, http, store: null });
}

/**
 * `cin7-ghl mapping preview <id>`: the GHL payloads one Cin7 customer maps to, without writing.
 * It needs the store only for the stored Cin7 connection (no `CIN7_*` set): while a service holds
 * the embedded store, the service previews it (`POST /api/mapping/preview`) with its connections,
 * comparing with GHL exactly when this command would (`GHL_TOKEN` set), so both print the same.
 */
export function registerMappingCommands(program: Command): void {
  const mapping = program.command('mapping').description('The Cin7 → GHL field mapping');
  mapping
    .command('preview <cin7-customer-id>')
    .description(
      'Print the GHL payload(s) a Cin7 customer maps to and, with GHL_* set, which fields of the matching GHL contact would change (writes nothing)',
    )
    .option('--json', 'print JSON')
    .action(
      runCommand(async (ctx, customerId: string) => {
        const preview = await localOrService(
          ctx,
          async () => {
            const counter = new CallCounter();
            const ghl = await ghlFromEnvironment(ctx, counter);
            return plain<MappingPreviewResult>(
              await withCin7(ctx, counter, (cin7) =>
                mappingPreviewResult(customerId, {
                  cin7,
                  ghl,
                  mapping: loadMapping(ctx.config),
                  rules: loadTagRules(ctx.config),
                  locationId: ghl?.locationId ?? ctx.config.ghl.locationId ?? null,
                  counter,
                }),
              ),
            );
          },
          (api) =>
            api.post<MappingPreviewResult>('/api/mapping/preview', {
              customerId,
              compareWithGhl: Boolean(ctx.config.secrets.ghlToken),
            }),
        );
        ctx.out.result(preview, previewText(preview, preview.calls));
        return undefined;
      }),
    );
}

function json(value: unknown): string {
  return JSON.stringify(value, null, 2)
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}

function previewText(p: MappingPreview, calls: { cin7: number; ghl: number }): string {
  const lines: string[] = [];
  const kind = p.customer.isCompany ? 'a company' : 'a person';
  lines.push(
    `Customer ${p.customer.name} (${p.customer.id}), ${kind}${p.customer.status ? `, ${p.customer.status}` : ''}`,
  );
  if (p.business) lines.push(`Business: ${p.business.name}`);
  if (p.rules.tags.length > 0) {
    lines.push(`Rule tags: ${p.rules.tags.join(', ')}`);
    for (const r of p.rules.reasons) lines.push(`  ${r.tag} ← rule "${r.rule}": ${r.why}`);
  }
  if (!p.locationId) lines.push('(GHL location not set: bodies show <ghl.locationId>; set GHL_LOCATION_ID)');
  for (const c of p.contacts) {
    lines.push('');
    const who = [c.identity.email, c.identity.phone].filter(Boolean).join(', ');
    lines.push(`Contact ${c.contactName} (${c.cin7ContactId})${who ? `: ${who}` : ''}`);
    for (const w of c.warnings) lines.push(`  warning: ${w}`);
    if (c.existing) {
      const e = c.existing;
      lines.push(`  GHL contact ${e.contactId} matches by ${e.matchedBy}.`);
      if (e.changedFields.length === 0) lines.push('  No mapped field would change.');
      else lines.push(`  Would change: ${e.changedFields.join(', ')}`);
      if (e.update) lines.push(`  ${e.update.method} ${e.update.path}`, json(e.update.body));
      if (e.upsert) lines.push(`  ${e.upsert.method} ${e.upsert.path}`, json(e.upsert.body));
      if (e.tags.add.length > 0)
        lines.push(`  POST /contacts/${e.contactId}/tags ${JSON.stringify({ tags: e.tags.add })}`);
      if (e.tags.remove.length > 0)
        lines.push(`  DELETE /contacts/${e.contactId}/tags ${JSON.stringify({ tags: e.tags.remove })}`);
    } else {
      lines.push(
        p.ghlChecked
          ? '  No GHL contact has this email or phone: the sync would create it.'
          : '  Not compared with GHL (set GHL_TOKEN, GHL_LOCATION_ID and GHL_BASE_URL to see what would change).',
      );
      lines.push(`  ${c.create.method} ${c.create.path}`, json(c.create.body));
    }
  }
  if (p.skipped.length > 0) {
    lines.push('', 'Skipped:');
    for (const s of p.skipped)
      lines.push(`  ${s.contactName || '(no contact)'} (${s.cin7ContactId || '-'}): ${s.reason}`);
  }
  lines.push('', `Calls: cin7 ${calls.cin7}, ghl ${calls.ghl}. Nothing was written.`);
  return lines.join('\n');
}
