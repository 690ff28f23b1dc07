import type { Command } from 'commander';
import { CallCounter } from '../../http/counter.js';
import { loadTagRules } from '../../sync/rules/index.js';
import type { SimulationResult } from '../../sync/rules/simulate.js';
import { type RulesTestResult, rulesTestResult } from '../../server/api/previews.js';
import { runCommand } from '../context.js';
import { plain } from '../remote.js';
import { localOrService } from '../service-client.js';
import { withCin7 } from './mapping.js';

/**
 * `cin7-ghl rules test`: the tags each customer would get and why, without writing. While a service
 * holds the embedded store (and no `CIN7_*` credentials are set), the service runs the same
 * simulation (`POST /api/rules/test`) and the command prints its result.
 */
export function registerRulesCommands(program: Command): void {
  const rules = program.command('rules').description('Tag rules over Cin7 data');
  rules
    .command('test')
    .description(
      'Print the tags each Cin7 customer would get and why (reads customer and sale pages; writes nothing)',
    )
    .option('--customer <id>', 'only this customer')
    .option('--json', 'print JSON')
    .action(
      runCommand(async (ctx, opts: { customer?: string }) => {
        const progress = ctx.out.json ? undefined : (line: string) => ctx.out.info(line);
        const value = await localOrService(
          ctx,
          async () => {
            const counter = new CallCounter();
            return plain<RulesTestResult>(
              await withCin7(ctx, counter, (cin7) =>
                rulesTestResult(cin7, loadTagRules(ctx.config), counter, {
                  ...(opts.customer ? { customerId: opts.customer } : {}),
                  ...(progress ? { onProgress: progress } : {}),
                }),
              ),
            );
          },
          // Every customer and sale page at Cin7's rate: give a large account all the time it needs.
          (api) =>
            api
              .withTimeout(6 * 3600_000)
              .post<RulesTestResult>('/api/rules/test', opts.customer ? { customerId: opts.customer } : {}),
        );
        ctx.out.result(value, rulesText(value, value.rulesFile, value.rules, value.calls.cin7));
        return undefined;
      }),
    );
}

function rulesText(r: SimulationResult, source: string | null, ruleCount: number, calls: number): string {
  const lines: string[] = [];
  if (ruleCount === 0)
    lines.push('No tag rules are configured (set sync.tagRulesFile); no customer gets a tag.', '');
  for (const c of r.customers) {
    lines.push(`${c.name} (${c.customerId}): ${c.tags.length > 0 ? c.tags.join(', ') : '(no tags)'}`);
    for (const reason of c.reasons) lines.push(`    ${reason.tag} ← rule "${reason.rule}": ${reason.why}`);
  }
  const tagged = r.customers.filter((c) => c.tags.length > 0).length;
  const counts = Object.entries(r.byTag)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([t, n]) => `${t} ${n}`)
    .join(', ');
  lines.push(
    '',
    `${ruleCount} rule(s)${source ? ` from ${source}` : ''}; ${r.customersRead} customer(s) and ${r.salesRead} sale(s) read; ${tagged} tagged.`,
  );
  if (counts) lines.push(`Customers per tag: ${counts}`);
  lines.push(`Calls: cin7 ${calls}. Nothing was written.`);
  return lines.join('\n');
}
