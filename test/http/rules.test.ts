import { describe, expect, it } from 'vitest';
import {
  badBody,
  feedbackFromHeaders,
  genericClassify,
  genericParseError,
  headerNumber,
  textExcerpt,
} from '../../src/http/rules.js';
import type { CallInfo, ResponseInfo } from '../../src/http/types.js';

function info(status: number, text: string, contentType = 'application/json'): ResponseInfo {
  let json: unknown;
  let notJson = false;
  if (text.trim() !== '') {
    try {
      json = JSON.parse(text);
    } catch {
      notJson = true;
    }
  }
  return { status, headers: {}, text, json, notJson, contentType };
}

const call: CallInfo = {
  api: 'test',
  operation: 'test.get',
  method: 'GET',
  path: '/x',
  scope: undefined,
  attempts: 1,
  safe: true,
};

describe('generic rules', () => {
  it('classifies statuses', () => {
    expect(
      [200, 302, 429, 408, 500, 502, 503, 504, 400, 401, 404, 422, 501].map((s) =>
        genericClassify(info(s, '')),
      ),
    ).toEqual([
      'ok',
      'ok',
      'rate_limited',
      'retryable',
      'retryable',
      'retryable',
      'retryable',
      'retryable',
      'fatal',
      'fatal',
      'fatal',
      'fatal',
      'fatal',
    ]);
  });

  it('parses the common error shapes', () => {
    expect(
      genericParseError(info(422, '{"message":["a","b"],"error":"Unprocessable Entity","traceId":"t"}')),
    ).toEqual({
      messages: ['a', 'b'],
      vendorCode: 'Unprocessable Entity',
      traceId: 't',
    });
    expect(genericParseError(info(400, '{"errors":[{"message":"x"},"y"]}')).messages).toEqual(['x', 'y']);
    expect(genericParseError(info(400, '{"error":"Bad Request"}')).messages).toEqual(['Bad Request']);
    expect(
      genericParseError(info(502, '<html><body><h1>502 Bad Gateway</h1></body></html>', 'text/html')),
    ).toEqual({
      messages: ['502 Bad Gateway'],
    });
  });

  it('tells HTML, truncated JSON and text apart in a bad body, only truncated JSON being retryable', () => {
    const html = badBody(call, info(200, '<!doctype html><p>Page not found</p>', 'text/html'));
    expect(html.message).toContain('expected JSON but got an HTML page: Page not found');
    expect(html.retryable).toBe(false);
    const cut = badBody(call, info(200, '{"a":[1,2'));
    expect(cut.message).toContain('truncated JSON');
    expect(cut.retryable).toBe(true);
    expect(badBody(call, info(200, 'OK', 'text/plain')).message).toContain('a body that is not JSON: OK');
  });

  it('reads numeric headers and limiter feedback', () => {
    const headers = {
      'x-ratelimit-remaining': '7',
      'x-ratelimit-max': '100',
      'x-ratelimit-interval-milliseconds': 'oops',
    };
    expect(headerNumber(headers, 'X-RateLimit-Remaining')).toBe(7);
    expect(headerNumber(headers, 'x-ratelimit-interval-milliseconds')).toBeUndefined();
    expect(
      feedbackFromHeaders(headers, {
        remaining: 'x-ratelimit-remaining',
        limit: 'x-ratelimit-max',
        windowMs: 'x-ratelimit-interval-milliseconds',
      }),
    ).toEqual({ remaining: 7, limit: 100 });
    expect(feedbackFromHeaders({}, { remaining: 'x-ratelimit-remaining' })).toBeUndefined();
  });

  it('keeps error excerpts short and tag-free', () => {
    expect(textExcerpt('<style>p{}</style><p>Hello   <b>there</b></p>')).toBe('Hello there');
    expect(textExcerpt('x'.repeat(500)).length).toBe(200);
  });
});
