import { Command } from 'commander';
import { registerCommands } from './commands/index.js';

/**
 * The `cin7-ghl` command line. Results go to stdout, logs and progress to stderr.
 * Exit codes: 0 done, 2 done but some records failed or work was deferred, 1 failed.
 */
export function buildProgram(): Command {
  const program = new Command('cin7-ghl')
    .description('Two-way sync between Cin7 Core customers and HighLevel contacts')
    .option('--env <env>', 'environment: sandbox, staging or production (default: CIN7_GHL_ENV or sandbox)')
    .option('--config <path>', 'config file (default: ./cin7-ghl.<env>.yaml)')
    .option('--log-level <level>', 'fatal, error, warn, info, debug or trace')
    .showHelpAfterError('(run with --help for usage)');
  registerCommands(program);
  return program;
}

await buildProgram().parseAsync(process.argv);
