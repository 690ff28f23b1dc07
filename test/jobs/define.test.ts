import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors/index.js';
import { defineJob } from '../../src/jobs/define.js';

const base = {
  schema: z.object({ id: z.string() }),
  retryLimit: 3,
  retryDelaySeconds: 5,
  expireInSeconds: 30,
};

describe('defineJob', () => {
  it('derives the dead-letter queue and the policy', () => {
    const plain = defineJob({ ...base, name: 'sync.customer' });
    expect(plain.deadLetterName).toBe('sync.customer.dead');
    expect(plain.policy).toBe('standard');
    const keyed = defineJob({ ...base, name: 'sync.page', singletonKey: (p) => p.id });
    expect(keyed.policy).toBe('stately');
    expect(keyed.singletonKey?.({ id: 'abc' })).toBe('abc');
    expect(Object.isFrozen(keyed)).toBe(true);
  });

  it.each([
    [{ name: 'bad name' }, 'invalid job name'],
    [{ name: 'x.dead' }, 'invalid job name'],
    [{ name: '' }, 'invalid job name'],
    [{ name: 'ok', retryLimit: -1 }, 'retryLimit is -1'],
    [{ name: 'ok', retryLimit: 1.5 }, 'retryLimit is 1.5'],
    [{ name: 'ok', expireInSeconds: 0 }, 'expireInSeconds is 0'],
    [{ name: 'ok', retryDelaySeconds: 100_000 }, 'retryDelaySeconds is 100000'],
    [{ name: 'ok', retryDelayMaxSeconds: 0 }, 'retryDelayMaxSeconds is 0'],
  ])('refuses %o with a message naming the problem', (override, message) => {
    expect(() => defineJob({ ...base, ...override })).toThrow(InputError);
    expect(() => defineJob({ ...base, ...override })).toThrow(message);
  });
});
