import { statSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { activeTracer } from '../trace.js';
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
 * (file-system events on `.running/`, or on the loops directory until `.running/` exists, so a new
 * record is published within moments), and one every `rescanMs`, because events can be missed (an
 * overflowing queue, a directory replaced, file systems that send none). Passes never overlap.
 */
export function startRelayLoop(relay: LeaseRelay, options: RelayLoopOptions): RelayLoop {
  let stopped = false;
  let running: Promise<void> | undefined;
  let again = false;
  let watcher: FSWatcher | undefined;
  let watched: string | undefined;

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
  // Until a loop has made `.running/` (and maybe `.loops/`), watch the nearest folder it will
  // appear in, and move on to it then. A watch follows the folder it was set on, so one whose
  // path now names another folder (`.running/` removed and made again) is set anew.
  const loopsDir = path.dirname(options.runningDir);
  const watchable = [options.runningDir, loopsDir, path.dirname(loopsDir)];
  let watchedFolder: string | undefined;
  const onChange = () => {
    startWatching();
    request();
  };
  const startWatching = () => {
    if (stopped) return;
    for (const dir of watchable) {
      const folder = folderIdentity(dir);
      if (folder === undefined) continue;
      if (dir === watched && folder === watchedFolder) return;
      try {
        const next = watch(dir, { persistent: false }, () => {
          activeTracer()?.note(`relay: change in ${dir} (folder ${folder})`);
          onChange();
        });
        next.on('error', () => {
          next.close();
          if (watcher === next) watcher = watched = undefined;
        });
        watcher?.close();
        watcher = next;
        watched = dir;
        watchedFolder = folder;
        return;
      } catch {
        // Gone again: try the folder above, and the rescan tries again.
      }
    }
  };
  const rescan = setInterval(() => {
    activeTracer()?.note('relay: rescan');
    onChange();
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

/** Which folder a path names now (device and inode), or undefined when there is none. */
function folderIdentity(dir: string): string | undefined {
  try {
    const stats = statSync(dir);
    return stats.isDirectory() ? `${stats.dev}:${stats.ino}` : undefined;
  } catch {
    return undefined;
  }
}
