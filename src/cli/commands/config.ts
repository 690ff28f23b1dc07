import type { Command } from 'commander';
import type { Config } from '../../config/load.js';
import { ENV_VARS } from '../../config/load.js';
import { loadMapping } from '../../sync/mapping/index.js';
import { loadTagRules } from '../../sync/rules/index.js';
import { runCommand } from '../context.js';

/** `cin7-ghl config check`: validates the config and prints the effective values, secrets masked. */
export function registerConfigCommands(program: Command): void {
  const config = program.command('config').description('Inspect the configuration');
  config
    .command('check')
    .description('Validate the configuration and print the effective values (secrets masked)')
    .option('--json', 'print JSON')
    .action(
      runCommand((ctx) => {
        // The mapping and rule files are part of the configuration: a bad one fails here, by key.
        const mapping = loadMapping(ctx.config);
        const rules = loadTagRules(ctx.config);
        const effective = {
          ...effectiveConfig(ctx.config),
          mapping: { source: mapping.source ?? 'defaults', fields: mapping.fields.length },
          tagRules: { source: rules.source ?? 'none', rules: rules.rules.length },
        };
        ctx.out.result(effective, renderText(effective));
        return undefined;
      }),
    );
}

/** The config as shown to people: secrets replaced by whether they are set. */
export function effectiveConfig(config: Config): Record<string, unknown> {
  const { secrets, ...rest } = config;
  const masked: Record<string, string> = {};
  for (const name of Object.keys(ENV_VARS)) {
    if (!ENV_VARS[name]?.startsWith('secret:')) continue;
    const key = secretKeyOf(name);
    masked[name] = key && secrets[key] ? 'set (hidden)' : 'not set';
  }
  return { ...rest, databaseUrl: maskUrlPassword(rest.databaseUrl), secrets: masked };
}

/** `postgres://user:pw@host/db` → `postgres://user:***@host/db`. */
export function maskUrlPassword(url: string | null): string | null {
  if (url === null) return null;
  return url.replace(/^([a-z]+:\/\/[^:/@]+):[^@]*@/i, '$1:***@');
}

function secretKeyOf(variable: string): keyof Config['secrets'] | undefined {
  const map: Record<string, keyof Config['secrets']> = {
    CIN7_GHL_MASTER_KEY: 'masterKey',
    GHL_CLIENT_SECRET: 'ghlClientSecret',
    GHL_TOKEN: 'ghlToken',
    CIN7_APPLICATION_KEY: 'cin7ApplicationKey',
    CIN7_GHL_ADMIN_PASSWORD: 'adminPassword',
    CIN7_GHL_METRICS_TOKEN: 'metricsToken',
  };
  return map[variable];
}

function renderText(value: Record<string, unknown>, prefix = ''): string {
  const lines: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v))
      lines.push(renderText(v as Record<string, unknown>, key));
    else lines.push(`${key} = ${JSON.stringify(v)}`);
  }
  return lines.filter((l) => l.length > 0).join('\n');
}
