import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors/index.js';
import {
  AbortedError,
  ApiError,
  AuthError,
  BadResponseError,
  NetworkError,
  NotFoundError,
  RateLimitError,
  ScopeError,
  TimeoutError,
  ValidationError,
  apiErrorJson,
} from '../../src/http/errors.js';
import { registerSecret } from '../../src/log/redact.js';

const base = {
  api: 'ghl',
  operation: 'ghl.contacts.create',
  method: 'POST',
  path: '/contacts/',
  status: 422,
  messages: ['email must be an email', 'phone must be a valid phone number'],
  traceId: 'trace-123',
};

describe('ApiError family', () => {
  it('extends AppError and says what, where and the vendor messages', () => {
    const e = new ValidationError(base);
    expect(e).toBeInstanceOf(ApiError);
    expect(e).toBeInstanceOf(AppError);
    expect(e.code).toBe('api_validation');
    expect(e.message).toBe(
      'ghl.contacts.create (POST /contacts/) answered 422: email must be an email; phone must be a valid phone number',
    );
    expect(e.messages).toEqual(base.messages);
    expect(e.traceId).toBe('trace-123');
    expect(e.hint).toBeTruthy();
    expect(e.retryable).toBe(false);
  });

  it('gives each subclass its code and retryability', () => {
    const net = { ...base, status: null, messages: ['connection failed'] };
    const cases: Array<[ApiError, string, boolean]> = [
      [new AuthError({ ...base, status: 401 }), 'api_auth', false],
      [new ScopeError({ ...base, status: 401, scope: 'contacts.write' }), 'api_scope', false],
      [new RateLimitError({ ...base, status: 429 }), 'api_rate_limited', true],
      [new NotFoundError({ ...base, status: 404 }), 'api_not_found', false],
      [new NetworkError(net), 'api_network', true],
      [new TimeoutError({ ...net, timeoutMs: 100 }), 'api_timeout', true],
      [new AbortedError(net), 'api_aborted', false],
      [new BadResponseError({ ...base, status: 200 }), 'api_bad_response', false],
    ];
    for (const [e, code, retryable] of cases) {
      expect(e.code).toBe(code);
      expect(e.retryable).toBe(retryable);
    }
    expect(new TimeoutError({ ...net, timeoutMs: 100 })).toBeInstanceOf(NetworkError);
  });

  it('names the scope needed in a ScopeError hint', () => {
    const e = new ScopeError({ ...base, status: 401, scope: 'contacts.write' });
    expect(e.scope).toBe('contacts.write');
    expect(e.hint).toContain('contacts.write');
  });

  it('apiErrorJson keeps a 422 message array and joins others', () => {
    expect(apiErrorJson(new ValidationError(base))).toEqual({
      operation: 'ghl.contacts.create',
      status: 422,
      message: ['email must be an email', 'phone must be a valid phone number'],
      traceId: 'trace-123',
    });
    expect(
      apiErrorJson(
        new NotFoundError({ ...base, status: 404, messages: ['Contact not found'], traceId: undefined }),
      ),
    ).toEqual({ operation: 'ghl.contacts.create', status: 404, message: 'Contact not found', traceId: null });
  });

  it('masks registered secrets that a vendor echoes in a message', () => {
    registerSecret('sekret-token-abcdef');
    const e = new AuthError({ ...base, status: 401, messages: ['bad token sekret-token-abcdef'] });
    expect(e.message).not.toContain('sekret-token-abcdef');
    expect(e.messages[0]).toBe('bad token [redacted]');
  });
});
