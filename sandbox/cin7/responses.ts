import type { SandboxResponse } from '../shared/server.js';
import type { Cin7Error } from './types.js';

/**
 * Cin7 documents one error model, `{ "ErrorCode": n, "Exception": "…" }`, but third-party notes
 * describe an array of them; which one the live API sends is unconfirmed. `object` (the default, the
 * shape the nnhansg subset and a quoted live 400 show) or `array` lets a client be tested on both.
 */
export type ErrorShape = 'object' | 'array';

/** Thrown inside handlers to answer with a Cin7 error; the router turns it into a response. */
export class Cin7HttpError extends Error {
  constructor(
    readonly status: number,
    readonly exceptions: string[],
  ) {
    super(exceptions.join('; '));
    this.name = 'Cin7HttpError';
  }
}

/** A 400 with one or more validation messages. */
export function badRequest(...messages: string[]): Cin7HttpError {
  return new Cin7HttpError(400, messages);
}

/**
 * Builds the error answer in the configured shape. With `object`, only the first message is sent,
 * as a server that stops at the first failed check would.
 *
 * @example
 * errorResponse(400, ['Required attribute Name is not provided.'], 'object');
 */
export function errorResponse(status: number, messages: string[], shape: ErrorShape): SandboxResponse {
  const list: Cin7Error[] = messages.map((m) => ({ ErrorCode: status, Exception: m }));
  const body = shape === 'array' ? list : list[0];
  return { status, body };
}

export function ok(body: unknown): SandboxResponse {
  return { status: 200, body };
}

/** The page [3P] saw live for a wrong path (served with 404, or with 200 behind the `html200` knob). */
export function notFoundPage(status: number): SandboxResponse {
  return {
    status,
    contentType: 'text/html; charset=utf-8',
    raw:
      '<!DOCTYPE html>\n<html><head><title>Page not found</title></head>' +
      '<body><h1>Page not found</h1><p>The page you are looking for does not exist.</p></body></html>\n',
  };
}
