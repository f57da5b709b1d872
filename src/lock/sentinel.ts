import { builtin } from '../builtin.js';
import { closeSync, constants, openSync } from 'node:fs';
import path from 'node:path';
import { environmentErrorFrom, errnoCode } from '../errno-error.js';
import { EnvironmentError } from '../errors.js';
import { flockMechanismName, tryFlock } from './try-flock.js';

/** The file whose kernel lock serialises check-and-create, shared with the Python original. */
export const sentinelName = '.acquire.lock';

/** A held sentinel; `release` is synchronous so it can run on every exit path. */
export interface HeldSentinel {
  release(): void;
}

// Waiting polls with non-blocking attempts, so the event loop is never blocked: from 1 ms, doubling
// to at most 25 ms, which keeps the wait short next to the Python original's blocking waiters.
const firstRetryMs = 1;
const maxRetryMs = 25;

/**
 * Take the directory's sentinel: an exclusive flock(2) on `.acquire.lock`, the same kernel lock the
 * Python original takes with `fcntl.flock`. The file is opened without truncation and never
 * deleted. Fails with exit 3 when the lock is not free within `timeoutMs` (Python waits forever, so
 * a hung holder must be reported, not waited out silently).
 */
export async function holdSentinel(runningDir: string, timeoutMs: number): Promise<HeldSentinel> {
  const file = path.join(runningDir, sentinelName);
  if (process.platform === 'win32') return holdWithLockfile(file, timeoutMs);
  const fd = openSentinel(file);
  try {
    await flockDescriptor(fd, file, timeoutMs);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      closeSync(fd);
    },
  };
}

/**
 * Open the sentinel read-write without truncating it, creating it if needed, and never through a
 * symlink: a planted `.acquire.lock` link must not make us create or open its target.
 */
function openSentinel(file: string): number {
  try {
    return openSync(file, constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW, 0o666);
  } catch (error) {
    // flock works on read-only descriptors, so a sentinel we may not write is still usable.
    const code = errnoCode(error);
    if (code === 'EACCES' || code === 'EROFS') {
      try {
        return openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
      } catch {
        // Report why it could not be opened for writing: that is what stands in the way.
      }
    }
    throw environmentErrorFrom(error, "open the lock directory's sentinel", file);
  }
}

async function flockDescriptor(fd: number, file: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = firstRetryMs; ; delay = Math.min(delay * 2, maxRetryMs)) {
    if ((await tryFlock(fd, file)) === 'locked') return;
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      throw new EnvironmentError(
        `timed out after ${timeoutMs / 1000} s waiting for the lock directory's sentinel ` +
          `${file}: another process holds it and does not let go. Find it with ` +
          `\`fuser ${file}\` or \`lsof ${file}\`.`,
        'sentinel-timeout',
      );
    }
    await builtin('node:timers/promises').setTimeout(Math.min(delay, remaining));
  }
}

async function holdWithLockfile(file: string, timeoutMs: number): Promise<HeldSentinel> {
  // Windows has no flock(2); the Python original cannot run there either (it imports fcntl), so
  // only scopeguard processes share the directory and a lock directory beside the sentinel does.
  const { lock } = await import('proper-lockfile');
  closeSync(openSync(file, 'a'));
  const unlock = await lock(file, {
    realpath: false,
    lockfilePath: `${file.slice(0, -'.lock'.length)}.mutex`,
    stale: 10_000,
    retries: { retries: Math.ceil(timeoutMs / 50), minTimeout: 25, maxTimeout: 100, factor: 1.2 },
  });
  return { release: () => void unlock() };
}

/**
 * How this process takes flock(2) (the native addon or a helper program), once it has taken the
 * sentinel.
 */
export function flockHelperName(): string | undefined {
  if (process.platform === 'win32') return 'proper-lockfile (no flock(2) on Windows)';
  return flockMechanismName();
}
