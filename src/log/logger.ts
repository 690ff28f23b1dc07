import { pino, type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import { isAppError } from '../errors/index.js';
import { redactText, redactValue } from './redact.js';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level?: string;
  /** `auto` pretty-prints when stderr is a terminal. */
  pretty?: 'auto' | 'always' | 'never';
  /** Where lines go; default stderr (stdout is for command results). */
  destination?: DestinationStream;
  /** Fields on every line, e.g. `{ role: 'worker' }`. */
  base?: Record<string, unknown>;
}

/**
 * The product's logger: JSON lines on stderr, secret fields and secret values redacted.
 *
 * @example
 * const log = createLogger({ level: 'debug' });
 * log.info({ runId }, 'sync run started');
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const usePretty =
    options.destination === undefined &&
    (options.pretty === 'always' || (options.pretty !== 'never' && process.stderr.isTTY === true));
  const destination: DestinationStream =
    options.destination ??
    (usePretty
      ? pretty({ destination: 2, sync: true, colorize: true, translateTime: 'SYS:HH:MM:ss.l' })
      : pino.destination({ dest: 2, sync: true }));
  return pino(
    {
      level: options.level ?? 'info',
      base: { pid: process.pid, ...options.base },
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: { err: serializeError, error: serializeError },
      formatters: { log: (obj) => redactValue(obj) },
      hooks: { streamWrite: (line) => redactText(line) },
    },
    destination,
  );
}

/** Errors as JSON: our family keeps code, hint, details; vendor errors keep status and trace id. */
export function serializeError(e: unknown): Record<string, unknown> {
  if (isAppError(e)) {
    return {
      type: e.name,
      ...e.toJSON(),
      stack: e.stack,
      ...(e.cause ? { cause: serializeError(e.cause) } : {}),
    };
  }
  if (e instanceof Error) {
    return {
      type: e.name,
      message: e.message,
      stack: e.stack,
      ...(e.cause ? { cause: serializeError(e.cause) } : {}),
    };
  }
  return { message: String(e) };
}

/** A logger that drops everything (tests, quiet commands). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
