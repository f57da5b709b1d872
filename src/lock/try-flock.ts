import { builtin } from '../builtin.js';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { errnoCode } from '../errno-error.js';
import { EnvironmentError } from '../errors.js';
import { packageRequire } from '../package-require.js';

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

/**
 * One LOCK_EX|LOCK_NB flock(2) on a descriptor through fs-ext-extra-prebuilt; throws its errno
 * error (EWOULDBLOCK when another holder has the lock).
 */
type NativeFlock = (fd: number) => void;

/** The package's API we use; it is optional, so its types are not imported. */
interface FsExt {
  flockSync(fd: number, flags: 'exnb'): unknown;
}

/** What the package's native binary exports, which its `flockSync` wraps. */
interface FsExtBinding {
  flock(fd: number, operation: number): unknown;
  constants: { LOCK_EX: number; LOCK_NB: number };
}

const packageName = 'fs-ext-extra-prebuilt';

let nativeLoaded: NativeFlock | Unusable | undefined;

/** The native addon, loaded on first use: most commands never need the sentinel. */
function loadNativeFlock(): NativeFlock | Unusable {
  if (nativeLoaded) return nativeLoaded;
  const require = packageRequire();
  try {
    const binding = prebuiltBinding(require);
    if (binding) {
      const exclusiveNonBlocking = binding.constants.LOCK_EX | binding.constants.LOCK_NB;
      nativeLoaded = (fd) => binding.flock(fd, exclusiveNonBlocking);
    } else {
      const fsExt = require(packageName) as FsExt;
      nativeLoaded = (fd) => fsExt.flockSync(fd, 'exnb');
    }
  } catch (error) {
    nativeLoaded = { unusable: `cannot be loaded (${String(error)})` };
  }
  return nativeLoaded;
}

/**
 * The package's prebuilt binary for this platform and Node major version, loaded by the name the
 * package gives it (`binaries/fs-ext-<platform>-<arch>-node-<major>.0.0.node`), or undefined
 * when there is none or it does not load. The package's own loader lists that folder and compiles
 * two modules first, about 10 M instructions, a sixth of a `locks release`; it still decides every
 * other case (Electron, an older binary, a local build).
 */
function prebuiltBinding(require: NodeJS.Require): FsExtBinding | undefined {
  if (process.versions.electron !== undefined) return undefined;
  const major = process.versions.node.split('.')[0];
  const name = `fs-ext-${process.platform}-${process.arch}-node-${major}.0.0.node`;
  // The folder node would resolve the package to, found as node finds it (the first of the
  // folders it looks in that holds it), without asking node to resolve a file in it: that reads
  // package scopes and resolves real paths, and cost a lock command about 1 M instructions.
  const packageDir = (require.resolve.paths(packageName) ?? [])
    .map((dir) => path.join(dir, packageName))
    .find((dir) => existsSync(path.join(dir, 'package.json')));
  if (packageDir === undefined) return undefined;
  try {
    return require(path.join(packageDir, 'binaries', name)) as FsExtBinding;
  } catch {
    return undefined;
  }
}

const nativeFlock: FlockMechanism = {
  name: 'fs-ext-extra-prebuilt (native)',
  async attempt(fd) {
    const flock = loadNativeFlock();
    if (typeof flock !== 'function') return flock;
    try {
      flock(fd);
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
