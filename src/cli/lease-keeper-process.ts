import { builtin } from '../builtin.js';
import { judgeHolder } from '../lock/holder-liveness.js';
import type { LockManager } from '../lock/lock-manager.js';
import type { LiveLock } from '../lock/lock-store.js';
import { keepLeaseAlive } from '../store/lease-keeper.js';
import { namespaceEnv, storeEnv, type SharedStoreChoice } from '../store/shared-store-choice.js';
import type { Io } from './io.js';

// How often the keeper looks whether the holder still lives.
const holderPollMs = 1000;

/**
 * Start a detached keeper for a lease taken for another process (`locks acquire --pid P`): it
 * renews the lease while P lives and releases it when P exits. The store URL travels in the
 * environment, not the command line, where any user could read its password.
 */
export function startLeaseKeeper(
  io: Io,
  lock: LiveLock,
  shared: SharedStoreChoice,
  loopsDir: string | undefined,
): void {
  const script = process.argv[1]!;
  const args = [script, 'store', 'keep', '--instance', lock.instance, '--token', lock.lease!.token];
  if (loopsDir !== undefined) args.push('--loops-dir', loopsDir);
  const child = builtin('node:child_process').spawn(io.execPath, args, {
    cwd: io.cwd,
    env: {
      ...io.env,
      [storeEnv]: shared.url,
      ...(shared.namespace !== undefined && { [namespaceEnv]: shared.namespace }),
    },
    detached: true,
    stdio: 'ignore',
  });
  child.on('error', () => undefined);
  child.unref();
}

/**
 * The keeper's work: renew `lock`'s lease every third of its time to live while its holder
 * lives (looked at about once a second, pid and start time); release it when the holder is
 * gone; stop when the lease is lost or released elsewhere (`locks release`).
 */
export async function keepWhileHolderLives(
  manager: LockManager,
  lock: LiveLock,
  ttlMs: number,
): Promise<void> {
  let lost = false;
  const keeper = keepLeaseAlive(manager.store, lock, {
    ttlMs,
    onLost: () => {
      lost = true;
    },
  });
  try {
    while (!lost && judgeHolder(lock.record).alive)
      await builtin('node:timers/promises').setTimeout(holderPollMs);
  } finally {
    await keeper.stop();
  }
  if (!lost) await manager.release(lock.instance);
}
