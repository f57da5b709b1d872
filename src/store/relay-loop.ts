import { watch, type FSWatcher } from 'node:fs';
import type { LeaseRelay } from './lease-relay.js';

export interface RelayLoopOptions {
  /** The directory whose changes start a pass: the lock directory's `.running/`. */
  runningDir: string;
  /** How often to pass anyway, for the changes the file-system events miss. */
  rescanMs: number;
  /** A pass failed (the server unreachable, say); the loop goes on and the next pass retries. */
  onError: (error: unknown) => void;
}

/** A relay running until stopped. */
export interface RelayLoop {
  /** Ask for a pass soon (several requests while one runs make one more pass). */
  request(): void;
  /** Stop watching and renewing; resolves once the pass under way has ended. */
  stop(): Promise<void>;
}

/**
 * Run the relay in the foreground: a pass at once, another whenever the lock directory changes
 * (file-system events, so a new record is published within moments), and one every `rescanMs`,
 * because events can be missed (a directory created after the start, an overflowing queue, file
 * systems that send none). Passes never overlap.
 */
export function startRelayLoop(relay: LeaseRelay, options: RelayLoopOptions): RelayLoop {
  let stopped = false;
  let running: Promise<void> | undefined;
  let again = false;
  let watcher: FSWatcher | undefined;

  const passUntilQuiet = async () => {
    do {
      again = false;
      try {
        await relay.pass();
      } catch (error) {
        options.onError(error);
      }
    } while (again && !stopped);
    running = undefined;
  };
  const request = () => {
    if (stopped) return;
    if (running) again = true;
    else running = passUntilQuiet();
  };
  const startWatching = () => {
    if (watcher || stopped) return;
    try {
      watcher = watch(options.runningDir, { persistent: false }, request);
      watcher.on('error', () => {
        watcher?.close();
        watcher = undefined;
      });
    } catch {
      // Not there yet (no loop has run here): the rescan looks again.
    }
  };
  const rescan = setInterval(() => {
    startWatching();
    request();
  }, options.rescanMs);

  startWatching();
  request();
  return {
    request,
    async stop() {
      stopped = true;
      clearInterval(rescan);
      watcher?.close();
      await running;
      await relay.stop();
    },
  };
}
