import { spawn } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import path from 'node:path';
import { environmentErrorFrom, errnoCode } from '../errno-error.js';
import { EnvironmentError } from '../errors.js';

/** The file whose kernel lock serialises check-and-create, shared with the Python original. */
export const sentinelName = '.acquire.lock';

/** A held sentinel; `release` is synchronous so it can run on every exit path. */
export interface HeldSentinel {
  release(): void;
}

/**
 * A small program that takes an exclusive flock(2) on its fd 3 and exits. flock locks belong to the
 * open file description, which the child shares with us, so the lock outlives the child and stays
 * ours until we close our descriptor (or the kernel does, if we die). This is the `exec 9>f;
 * flock 9` idiom, and it needs no native addon. Each helper exits 0 once locked and 1 on timeout.
 */
interface FlockHelper {
  command: string;
  args(timeoutSeconds: number): string[];
}

const helpers: FlockHelper[] = [
  { command: 'flock', args: (seconds) => ['-x', '-w', String(seconds), '3'] },
  {
    command: 'perl',
    args: (seconds) => [
      '-MFcntl=:flock',
      '-e',
      '$SIG{ALRM}=sub{exit 1};alarm($ARGV[0]);' +
        '(open(my $fh,"+<&=3")||open($fh,"<&=3"))||exit 2;flock($fh,LOCK_EX)||exit 2;exit 0',
      String(Math.max(1, Math.ceil(seconds))),
    ],
  },
  {
    command: 'python3',
    args: (seconds) => [
      '-c',
      'import fcntl,signal,sys\n' +
        'signal.signal(signal.SIGALRM,lambda *a:sys.exit(1))\n' +
        'signal.setitimer(signal.ITIMER_REAL,float(sys.argv[1]))\n' +
        'fcntl.flock(3,fcntl.LOCK_EX)\n' +
        'signal.setitimer(signal.ITIMER_REAL,0)',
      String(seconds),
    ],
  },
];

let workingHelper: FlockHelper | undefined;

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
  const candidates = workingHelper ? [workingHelper] : helpers;
  for (const helper of candidates) {
    const outcome = await runHelper(helper, fd, timeoutMs / 1000);
    if (outcome === 'missing') continue;
    workingHelper = helper;
    if (outcome === 'locked') return;
    if (outcome === 'timeout') {
      throw new EnvironmentError(
        `timed out after ${Math.round(timeoutMs / 1000)} s waiting for the lock directory's sentinel ` +
          `${file}: another process holds it and does not let go. Find it with ` +
          `\`fuser ${file}\` or \`lsof ${file}\`.`,
        'sentinel-timeout',
      );
    }
    throw new EnvironmentError(
      `could not take flock(2) on ${file} with ${helper.command}: ${outcome.failure}`,
      'sentinel-failed',
    );
  }
  throw new EnvironmentError(
    'no way to take flock(2) on this system: scopeguard needs one of `flock` (util-linux), `perl` ' +
      'or `python3` on PATH to share the lock directory with the Python original. Install one.',
    'no-flock',
  );
}

type HelperOutcome = 'locked' | 'timeout' | 'missing' | { failure: string };

function runHelper(
  helper: FlockHelper,
  fd: number,
  timeoutSeconds: number,
): Promise<HelperOutcome> {
  return new Promise((resolve) => {
    const child = spawn(helper.command, helper.args(timeoutSeconds), {
      stdio: ['ignore', 'ignore', 'pipe', fd],
    });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error: NodeJS.ErrnoException) =>
      resolve(error.code === 'ENOENT' ? 'missing' : { failure: error.message }),
    );
    child.on('close', (code, signal) => {
      if (code === 0) resolve('locked');
      else if (code === 1) resolve('timeout');
      else resolve({ failure: stderr.trim() || `exit ${code ?? signal}` });
    });
  });
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

/** Which program takes flock(2) for us, once one has been used in this process. */
export function flockHelperName(): string | undefined {
  if (process.platform === 'win32') return 'proper-lockfile (no flock(2) on Windows)';
  return workingHelper?.command;
}
