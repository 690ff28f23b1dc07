import type { Command } from 'commander';
import { type Config, loadConfig } from '../config/load.js';
import { type Logger, createLogger } from '../log/logger.js';
import { registerSecret } from '../log/redact.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { type Output, createOutput } from './output.js';

/** Options every command accepts (declared on the root program). */
export interface GlobalOptions {
  env?: string;
  config?: string;
  logLevel?: string;
  json?: boolean;
}

/** What a command's action receives: the validated config, a logger on stderr, and the output. */
export interface CommandContext {
  config: Config;
  logger: Logger;
  out: Output;
}

/** Loads config and logger for a command, registering every configured secret for redaction. */
export function createContext(cmd: Command): CommandContext {
  const opts = cmd.optsWithGlobals<GlobalOptions>();
  const config = loadConfig({
    ...(opts.env ? { env: opts.env } : {}),
    ...(opts.config ? { configPath: opts.config } : {}),
    overrides: opts.logLevel ? { 'log.level': opts.logLevel } : {},
  });
  for (const value of Object.values(config.secrets)) registerSecret(value);
  const logger = createLogger({
    level: config.log.level,
    pretty: config.log.pretty,
    base: { env: config.env },
  });
  return { config, logger, out: createOutput(opts.json === true) };
}

/**
 * Wraps a command action: builds the context, runs it, prints errors, sets the exit code.
 *
 * @example
 * program.command('status').action(runCommand(async (ctx) => { ctx.out.result({ ok: true }); }));
 */
export function runCommand<A extends unknown[]>(
  fn: (ctx: CommandContext, ...args: A) => Promise<ExitCode | undefined> | ExitCode | undefined,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    const cmd = args[args.length - 1] as Command;
    const json = cmd.optsWithGlobals<GlobalOptions>().json === true;
    let ctx: CommandContext;
    try {
      ctx = createContext(cmd);
    } catch (e) {
      createOutput(json).error(e);
      process.exitCode = EXIT.failed;
      return;
    }
    try {
      const code = await fn(ctx, ...args);
      process.exitCode = code ?? EXIT.ok;
    } catch (e) {
      ctx.logger.debug({ err: e }, 'command failed');
      ctx.out.error(e);
      process.exitCode = EXIT.failed;
    }
  };
}
