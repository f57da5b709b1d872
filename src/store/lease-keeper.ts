import { ScopeguardError } from '../errors.js';
import type { LiveLock, LockStore } from '../lock/lock-store.js';

/** A shared lease's time to live unless configured (`leaseTtl`). */
export const defaultLeaseTtlMs = 60_000;

export interface LeaseKeeperOptions {
  /** The lease's time to live, as the store grants it. */
  ttlMs: number;
  /** Called once when the lease is lost; renewing stops then. */
  onLost: (reason: string) => void;
  /** How often to renew (default: a third of the time to live). */
  intervalMs?: number;
}

/** A running renewal of one lock's lease. */
export interface LeaseKeeper {
  /** The lock as last renewed. */
  readonly lock: LiveLock;
  /** Stop renewing (waiting for a renewal under way); the lease then runs out unless released. */
  stop(): Promise<void>;
}

/**
 * Keep a held lock's lease alive by renewing it every third of its time to live, until stopped or
 * until the lease is lost: the store says it expired or is gone, or the store could not be
 * reached before the lease would have run out (counted by this machine's clock from when the last
 * successful renewal was sent, so never later than the server's expiry). A lock without a lease
 * needs nothing.
 */
export function keepLeaseAlive(
  store: LockStore,
  lock: LiveLock,
  options: LeaseKeeperOptions,
): LeaseKeeper {
  const intervalMs = options.intervalMs ?? options.ttlMs / 3;
  let current = lock;
  let stopped = lock.lease === undefined;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;
  let renewedAt = performance.now();

  const lose = (reason: string) => {
    stopped = true;
    options.onLost(reason);
  };
  const schedule = (delayMs: number) => {
    timer = setTimeout(() => {
      inFlight = renew();
    }, delayMs);
  };
  const renew = async () => {
    const sentAt = performance.now();
    try {
      const outcome = await store.renew(current);
      if (stopped) return;
      if (!outcome.renewed) return lose(outcome.reason);
      current = outcome.lock;
      renewedAt = sentAt;
      schedule(intervalMs);
    } catch (error) {
      if (stopped) return;
      const message = error instanceof Error ? error.message : String(error);
      const leftMs = options.ttlMs - (performance.now() - renewedAt);
      // Only the store's own faults are worth retrying; anything else is a bug, reported as loss.
      if (!(error instanceof ScopeguardError) || leftMs <= 0) {
        return lose(`could not renew the lease before it ran out: ${message}`);
      }
      schedule(Math.min(intervalMs, leftMs / 2));
    }
  };

  if (!stopped) schedule(intervalMs);
  return {
    get lock() {
      return current;
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await inFlight;
    },
  };
}
