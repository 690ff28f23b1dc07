/**
 * `npm run bench -- cin7-rate [--calls 600] [--time-scale 10] [--faults 0.2]`
 *
 * Cin7's 60 calls per 60 s, proven against the sandbox's sliding window scaled 10× (6 s): N GETs
 * sent at once through the Cin7 client. The first 60 go at once and each further 60 wait one
 * window, so the wall time cannot be under ⌈(N − 60) / 60⌉ windows (600 calls: 54 s) without a
 * refusal; the target is no 429/503 from the window and a wall time within 1.25 × that bound.
 * `--faults 0.2` also runs the same load with 20% injected 503s (every call must still succeed).
 * A benchmark prints figures; it asserts nothing.
 */
import { runCin7Rate } from '../test/cin7/rate.js';

const argv = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const calls = Number(flag('--calls') ?? 600);
const timeScale = Number(flag('--time-scale') ?? 10);
const faultRate = flag('--faults') === undefined ? null : Number(flag('--faults'));

const run = await runCin7Rate({ calls, timeScale });
const ratio = run.ms / run.boundMs;
console.log(
  JSON.stringify(
    {
      scenario: `${calls} GETs, window 60 per ${60_000 / timeScale} ms`,
      wallMs: run.ms,
      boundMs: run.boundMs,
      maxMs: run.boundMs * 1.25,
      ratioToBound: Number(ratio.toFixed(3)),
      withinBounds: run.ms >= run.boundMs && run.ms <= run.boundMs * 1.25,
      windowRefusals: run.windowRefusals,
      rateLimitedSeen: run.rateLimitedSeen,
      attempts: run.attempts,
      failures: run.failures.length,
    },
    null,
    2,
  ),
);

if (faultRate !== null) {
  const faulty = await runCin7Rate({ calls, timeScale, faults: { statusRates: { '503': faultRate } } });
  console.log(
    JSON.stringify(
      {
        scenario: `${calls} GETs with ${Math.round(faultRate * 100)}% injected 503s`,
        wallMs: faulty.ms,
        attempts: faulty.attempts,
        injected503Seen: faulty.rateLimitedSeen,
        windowRefusals: faulty.windowRefusals,
        failures: faulty.failures.length,
        allSucceeded: faulty.failures.length === 0,
      },
      null,
      2,
    ),
  );
}
