import type { Argv } from 'yargs';
import type { LockManager } from '../lock/lock-manager.js';
import type { AcquireResult } from '../lock/lock-store.js';
import { yargsOptions } from './command-flags.js';
import type { Io } from './io.js';
import { lockRequestFlags } from './lock-flags.js';
import { secondsOption } from './seconds-option.js';
import { waitProgress } from './wait-progress.js';

/** Arguments shared by `locks acquire` and `run`. */
export interface LockRequestArgs {
  name: string;
  scope: string[];
  instance?: string;
  singleton: boolean;
  wait: number;
  loopsDir?: string;
}

/** The options that describe a lock request. */
export function lockRequestOptions(yargs: Argv): Argv {
  return yargs.options(yargsOptions(lockRequestFlags));
}

/** Acquire as the arguments say, waiting with a progress line on a terminal. */
export async function acquireFromArgs(
  manager: LockManager,
  args: LockRequestArgs,
  io: Io,
  pid: number | undefined,
): Promise<AcquireResult> {
  const waitMs = secondsOption('--wait', args.wait);
  const options = { instanceId: args.instance, singleton: args.singleton, pid };
  if (waitMs === 0) return manager.acquire(args.name, args.scope, options);
  const progress = waitProgress(io.stderr, waitMs);
  try {
    return await manager.acquireWaiting(args.name, args.scope, {
      ...options,
      timeoutMs: waitMs,
      onWaiting: progress.onWaiting,
    });
  } finally {
    progress.done();
  }
}
