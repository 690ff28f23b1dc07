import { isAppError } from '../errors/index.js';
import { redactText, redactValue } from '../log/redact.js';

/**
 * Where command output goes: results on stdout, everything else (logs, progress, errors) on stderr.
 * Kept in one place so a command cannot mix them up. Secrets are masked on the way out.
 */
export interface Output {
  /** A command's result: JSON when `--json`, otherwise text. */
  result(value: unknown, text?: string): void;
  /** A line for a person (stderr). */
  info(line: string): void;
  /** An error: message and hint on stderr; JSON on stderr with `--json`. */
  error(e: unknown): void;
  readonly json: boolean;
}

export function createOutput(json: boolean, streams = { out: process.stdout, err: process.stderr }): Output {
  return {
    json,
    result(value, text) {
      // Results are built on purpose, so only known secret values are masked here (field names such
      // as "secrets" or "token" may legitimately appear in a result, e.g. `config check`).
      if (json || text === undefined)
        streams.out.write(`${redactText(JSON.stringify(value, null, json ? 2 : 0))}\n`);
      else streams.out.write(`${redactText(text)}${text.endsWith('\n') ? '' : '\n'}`);
    },
    info(line) {
      streams.err.write(`${redactText(line)}\n`);
    },
    error(e) {
      if (json) {
        const body = isAppError(e)
          ? e.toJSON()
          : { error: 'Error', message: e instanceof Error ? e.message : String(e) };
        streams.err.write(`${JSON.stringify(redactValue(body))}\n`);
        return;
      }
      const message = e instanceof Error ? e.message : String(e);
      streams.err.write(`${redactText(`Error: ${message}`)}\n`);
      if (isAppError(e) && e.hint) streams.err.write(`${redactText(`Fix: ${e.hint}`)}\n`);
    },
  };
}
