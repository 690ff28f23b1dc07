/**
 * A wrong password is refused and slowed: each refusal from the same client takes at least the
 * growing delay (base 300 ms here: 300, 600, 1200 ms). Lower bounds only: load can only add time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestService, login, startTestService } from '../../service/helpers.js';

const PASSWORD = 'correct horse battery staple';

describe('login: wrong passwords are refused and slowed', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({
      env: { CIN7_GHL_ADMIN_PASSWORD: PASSWORD },
      loginThrottle: { baseDelayMs: 300, maxDelayMs: 10_000 },
    });
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('each wrong password takes longer than the one before (300, 600, 1200 ms at least)', async () => {
    const took: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      const r = await login(t.url, `wrong ${i}`);
      took.push(performance.now() - started);
      expect(r.res.status).toBe(401);
      expect(r.cookie).toBe('');
    }
    console.log(`wrong-password answers took ${took.map((ms) => Math.round(ms)).join(', ')} ms`);
    expect(took[0]).toBeGreaterThanOrEqual(300);
    expect(took[1]).toBeGreaterThanOrEqual(600);
    expect(took[2]).toBeGreaterThanOrEqual(1200);
    // The right password still works afterwards (and clears the client's delay).
    const ok = await login(t.url, PASSWORD);
    expect(ok.res.status).toBe(303);
    expect(ok.cookie).not.toBe('');
    const started = performance.now();
    await login(t.url, 'wrong again');
    expect(performance.now() - started).toBeGreaterThanOrEqual(300);
  });
});
