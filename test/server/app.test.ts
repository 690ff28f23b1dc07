import { describe, expect, it } from 'vitest';
import { ConfigError, InputError } from '../../src/errors/index.js';
import { ValidationError } from '../../src/http/errors.js';
import { silentLogger } from '../../src/log/logger.js';
import { registerSecret } from '../../src/log/redact.js';
import { createApp } from '../../src/server/app.js';
import { listen } from '../../src/server/listen.js';
import { RecordError, SyncBusyError } from '../../src/sync/engine/errors.js';

describe('server skeleton', () => {
  it('answers /healthz, and /readyz with each check', async () => {
    let storeOk = true;
    const app = createApp({
      logger: silentLogger(),
      readinessChecks: [
        async () => ({ name: 'store', ok: storeOk }),
        async () => ({ name: 'queue', ok: true }),
      ],
    });
    expect(await (await app.request('/healthz')).json()).toEqual({ ok: true });
    const ready = await app.request('/readyz');
    expect(ready.status).toBe(200);
    storeOk = false;
    const notReady = await app.request('/readyz');
    expect(notReady.status).toBe(503);
    expect(((await notReady.json()) as { checks: Array<{ name: string; ok: boolean }> }).checks).toEqual([
      { name: 'store', ok: false },
      { name: 'queue', ok: true },
    ]);
  });

  it('turns errors of the family into JSON with status, message and hint, never secrets', async () => {
    registerSecret('very-secret-value-1');
    const app = createApp({ logger: silentLogger(), readinessChecks: [] });
    app.get('/input', () => {
      throw new InputError('query.limit', 'must be a number', 'use e.g. ?limit=20');
    });
    app.get('/config', () => {
      throw new ConfigError('ghl.token', 'value very-secret-value-1 rejected', 'set GHL_TOKEN');
    });
    app.get('/vendor', () => {
      throw new ValidationError({
        api: 'ghl',
        operation: 'ghl.contacts.create',
        status: 422,
        messages: ['email must be an email'],
        traceId: 't-1',
        method: 'POST',
        path: '/contacts/',
      });
    });
    app.get('/busy', () => {
      throw new SyncBusyError('run_busy', 'A sync run is going on');
    });
    app.get('/refused', () => {
      throw new RecordError({
        cin7CustomerId: 'c1',
        cin7ContactId: 'k1',
        stage: 'update',
        code: 'ghl_rejected',
        error: 'GHL refused the email "x@"',
      });
    });
    app.get('/bug', () => {
      throw new TypeError('undefined is not a function');
    });
    const input = await app.request('/input');
    expect(input.status).toBe(400);
    expect(await input.json()).toMatchObject({
      code: 'input_invalid',
      message: 'query.limit: must be a number',
      hint: 'use e.g. ?limit=20',
    });
    const config = await app.request('/config');
    expect(config.status).toBe(500);
    expect(await config.text()).not.toContain('very-secret-value-1');
    const vendor = await app.request('/vendor');
    expect(vendor.status).toBe(502);
    expect((await app.request('/busy')).status).toBe(409);
    const refused = await app.request('/refused');
    expect(refused.status).toBe(422);
    expect(await refused.json()).toMatchObject({ message: 'GHL refused the email "x@"' });
    const bug = await app.request('/bug');
    expect(bug.status).toBe(500);
    expect(await bug.json()).toMatchObject({ error: 'InternalError' });
    expect((await app.request('/nowhere')).status).toBe(404);
  });

  it('binds to 127.0.0.1 by default and closes', async () => {
    const app = createApp({ logger: silentLogger(), readinessChecks: [] });
    const server = await listen(app, { port: 0 });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBeTruthy();
    await server.close();
  });
});
