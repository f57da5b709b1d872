import { builtin } from '../builtin.js';
import { createRequire } from 'node:module';
import { errnoCode } from '../errno-error.js';
import { EnvironmentError } from '../errors.js';

/** What one non-blocking attempt at an exclusive flock(2) found. */
export type FlockAttempt = 'locked' | 'busy';

/** Why a way of taking flock(2) does not work here. */
interface Unusable {
  unusable: string;
}

/** A way of taking flock(2) on one of our descriptors, one LOCK_EX|LOCK_NB attempt at a time. */
interface FlockMechanism {
  name: string;
  attempt(fd: number): Promise<FlockAttempt | Unusable>;
}

/** The part of fs-ext-extra-prebuilt we use; it is optional, so its types are not imported. */
interface FsExt {
  flockSync(fd: number, flags: 'exnb'): unknown;
}

let fsExt: FsExt | Unusable | undefined;

/** The native addon, loaded on first use: most commands never need the sentinel. */
function loadFsExt(): FsExt | Unusable {
  try {
    fsExt ??= createRequire(import.meta.url)('fs-ext-extra-prebuilt') as FsExt;
  } catch (error) {
    fsExt = { unusable: `cannot be loaded (${String(error)})` };
  }
  return fsExt;
}

const nativeFlock: FlockMechanism = {
  name: 'fs-ext-extra-prebuilt (native)',
  async attempt(fd) {
    const addon = loadFsExt();
    if ('unusable' in addon) return addon;
    try {
      addon.flockSync(fd, 'exnb');
      return 'locked';
    } catch (error) {
      const code = errnoCode(error);
      if (code === 'EAGAIN' || code === 'EWOULDBLOCK') return 'busy';
      return { unusable: String(error) };
    }
  },
};

/**
 * A small program that makes one LOCK_EX|LOCK_NB attempt on its fd 3 and exits: 0 when locked,
 * 1 with nothing on stderr when the lock is busy. flock locks belong to the open file description,
 * which the child shares with us, so the lock outlives the child and stays ours until we close our
 * descriptor (or the kernel does, if we die): the `exec 9>f; flock 9` idiom. util-linux's and
 * BusyBox's `flock` both take `-x -n FD`; a usage error prints to stderr, so it is never "busy".
 */
function helperProgram(command: string, args: string[]): FlockMechanism {
  return {
    name: command,
    attempt: (fd) =>
      new Promise((resolve) => {
        const child = builtin('node:child_process').spawn(command, args, {
          stdio: ['ignore', 'ignore', 'pipe', fd],
        });
        let stderr = '';
        child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
        child.on('error', (error) =>
          resolve({ unusable: errnoCode(error) === 'ENOENT' ? 'not installed' : String(error) }),
        );
        child.on('close', (code, signal) => {
          if (code === 0) resolve('locked');
          else if (code === 1 && stderr === '') resolve('busy');
          else resolve({ unusable: stderr.trim() || `exit ${code ?? signal}` });
        });
      }),
  };
}

const mechanisms = [
  nativeFlock,
  helperProgram('flock', ['-x', '-n', '3']),
  helperProgram('perl', [
    '-MFcntl=:flock',
    '-e',
    '(open(my $fh,"+<&=3")||open($fh,"<&=3"))||die "$!\\n";' +
      'flock($fh,LOCK_EX|LOCK_NB)&&exit 0;$!{EWOULDBLOCK}&&exit 1;die "$!\\n"',
  ]),
  helperProgram('python3', [
    '-c',
    'import fcntl,sys\n' +
      'try:\n    fcntl.flock(3,fcntl.LOCK_EX|fcntl.LOCK_NB)\n' +
      'except BlockingIOError:\n    sys.exit(1)',
  ]),
];

let chosen: FlockMechanism | undefined;

/**
 * One non-blocking attempt at an exclusive flock(2) on `fd`, the lock the Python original takes
 * with `fcntl.flock`. The first call picks the way: the native addon when it loads, else the first
 * helper program that works here.
 */
export async function tryFlock(fd: number, file: string): Promise<FlockAttempt> {
  if (chosen) {
    const outcome = await chosen.attempt(fd);
    if (typeof outcome === 'string') return outcome;
    throw new EnvironmentError(
      `could not take flock(2) on ${file} with ${chosen.name}: ${outcome.unusable}`,
      'sentinel-failed',
    );
  }
  const reasons: string[] = [];
  for (const mechanism of mechanisms) {
    const outcome = await mechanism.attempt(fd);
    if (typeof outcome === 'string') {
      chosen = mechanism;
      return outcome;
    }
    reasons.push(`${mechanism.name}: ${outcome.unusable}`);
  }
  throw new EnvironmentError(
    'no way to take flock(2) on this system, which sharing the lock directory with the Python ' +
      'original needs. Reinstall scopeguard with its optional dependency fs-ext-extra-prebuilt, ' +
      `or install \`flock\` (util-linux), \`perl\` or \`python3\`. Tried: ${reasons.join('; ')}.`,
    'no-flock',
  );
}

/** Which way of taking flock(2) this process uses, once it has taken one. */
export function flockMechanismName(): string | undefined {
  return chosen?.name;
}
