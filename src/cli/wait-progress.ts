import type { LiveLock } from '../lock/lock-store.js';
import { formatDuration } from '../report/duration.js';
import { describeHolder } from '../report/lock-summary.js';
import type { OutputStream } from './io.js';

/**
 * Tell a person at a terminal what a wait is blocked on and for how long, on one rewritten stderr
 * line. Off a terminal it says nothing (logs stay clean); `done` clears the line.
 */
export function waitProgress(stderr: OutputStream, timeoutMs: number) {
  let shown = false;
  return {
    onWaiting: (blocker: LiveLock, waitedMs: number) => {
      if (!stderr.isTTY) return;
      shown = true;
      const line = `waiting for ${describeHolder(blocker, Date.now())}: ${formatDuration(waitedMs)} of ${formatDuration(timeoutMs)}`;
      stderr.write(`\r\x1b[2K${line}`);
    },
    /** Clear the line; safe to call more than once. */
    done: () => {
      if (shown) stderr.write('\r\x1b[2K');
      shown = false;
    },
  };
}
