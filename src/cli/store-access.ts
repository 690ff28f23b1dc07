import type { Store } from '../store/open.js';
import { openStore } from '../store/open.js';
import type { CommandContext } from './context.js';

/**
 * Opens the store for one command and closes it afterwards. On the embedded store, a process
 * already holding it makes this fail with `StoreLockedError`, which names that process.
 *
 * @example
 * await withStore(ctx, (store) => store.vault.rotateKey());
 */
export async function withStore<T>(ctx: CommandContext, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(ctx.config, { logger: ctx.logger });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
