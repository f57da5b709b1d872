import { UsageError } from '../errors.js';

/** A `--wait` or `--timeout` value in milliseconds; anything but a number >= 0 is a usage error. */
export function secondsOption(flag: '--wait' | '--timeout', seconds: number): number {
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new UsageError(
      Number.isNaN(seconds)
        ? `${flag} takes a number of seconds >= 0 (for example ${flag} 30); what was given is not a number`
        : `${flag} takes a number of seconds >= 0, not ${String(seconds)}`,
      `bad-${flag.slice(2)}`,
    );
  }
  return seconds * 1000;
}
