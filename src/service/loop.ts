import { errorMessage } from '../errors/index.js';
import type { Logger } from '../log/logger.js';

export interface Loop {
  /** Runs the next pass now instead of at the next tick. */
  wake(): void;
  /** Stops after the pass in progress (if any). */
  stop(): Promise<void>;
}

/**
 * Runs `pass` every `intervalMs` (and when woken) until stopped; a failing pass is logged and the
 * next one waits up to ten intervals (doubling), so a broken database is not hammered.
 *
 * @example
 * const loop = startLoop('events dispatch', 1000, () => dispatch(), logger);
 * ctx.onShutdown(() => loop.stop());
 */
export function startLoop(
  name: string,
  intervalMs: number,
  pass: () => Promise<unknown>,
  logger: Logger,
): Loop {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let wakeUp: (() => void) | null = null;
  let failures = 0;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      wakeUp = resolve;
      timer = setTimeout(resolve, ms);
    });
  const running = (async () => {
    while (!stopped) {
      try {
        await pass();
        failures = 0;
      } catch (e) {
        failures += 1;
        logger.warn({ err: e, loop: name, failures }, `${name} failed: ${errorMessage(e)}`);
      }
      if (stopped) break;
      await sleep(failures === 0 ? intervalMs : Math.min(intervalMs * 10, intervalMs * 2 ** failures));
      if (timer) clearTimeout(timer);
      timer = null;
      wakeUp = null;
    }
  })();
  return {
    wake: () => {
      const w = wakeUp;
      if (w) w();
    },
    stop: async () => {
      stopped = true;
      const w = wakeUp;
      if (w) w();
      await running;
    },
  };
}
