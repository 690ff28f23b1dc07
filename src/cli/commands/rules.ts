import type { Command } from 'commander';
import { CallCounter } from '../../http/counter.js';
import { loadTagRules } from '../../sync/rules/index.js';
import { type SimulationResult, simulateRules } from '../../sync/rules/simulate.js';
import { runCommand } from '../context.js';
import { withCin7 } from './mapping.js';

/** `cin7-ghl rules test`: the tags each customer would get and why, without writing. */
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
        const tagRules = loadTagRules(ctx.config);
        const counter = new CallCounter();
        const progress = ctx.out.json ? undefined : (line: string) => ctx.out.info(line);
        const result = await withCin7(ctx, counter, (cin7) =>
          simulateRules(cin7, tagRules, {
            ...(opts.customer ? { customerId: opts.customer } : {}),
            ...(progress ? { onProgress: progress } : {}),
          }),
        );
        const calls = { cin7: counter.snapshot().totals.cin7?.calls ?? 0 };
        const value = {
          rulesFile: tagRules.source,
          rules: tagRules.rules.length,
          customersRead: result.customersRead,
          salesRead: result.salesRead,
          byTag: result.byTag,
          customers: result.customers,
          calls,
          writes: 0,
        };
        ctx.out.result(value, rulesText(result, tagRules.source, tagRules.rules.length, calls.cin7));
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
