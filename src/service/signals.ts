import type { Logger } from '../log/logger.js';
import type { RunningService } from './start.js';

/**
 * Stops the service gracefully on SIGTERM or SIGINT; a second signal exits at once (code 1).
 * Resolves once the service has stopped.
 *
 * @example
 * const service = await startService(config, { logger });
 * await stopOnSignals(service, logger);
 */
export function stopOnSignals(service: RunningService, logger: Logger): Promise<void> {
  return new Promise((resolve, reject) => {
    let received = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (received) {
        logger.warn({ signal }, 'second signal: exiting without waiting');
        process.exit(1);
      }
      received = true;
      logger.info({ signal }, 'signal received: stopping gracefully (send it again to exit at once)');
      service.stop().then(
        () => {
          process.off('SIGTERM', onSignal);
          process.off('SIGINT', onSignal);
          resolve();
        },
        (e: unknown) => reject(e),
      );
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}
