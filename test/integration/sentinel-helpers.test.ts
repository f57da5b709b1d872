import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/cli.js';
import { track } from '../support/processes.js';
import { makeTempDir } from '../support/temp-dir.js';

/** The real program behind a command (not a shell shim), or undefined when it is not installed. */
function realProgram(command: string): string | undefined {
  try {
    if (command === 'python3') {
      return execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], {
        encoding: 'utf8',
      }).trim();
    }
    return execFileSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

const python = realProgram('python3');

function lines(child: ChildProcess): () => Promise<string> {
  const iterator = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  return async () => (await iterator.next()).value as string;
}

/** Whether a Python process can take the sentinel right now (LOCK_NB). */
function pythonSeesSentinel(file: string): 'held' | 'free' {
  const probe =
    'import fcntl, sys\nf = open(sys.argv[1], "a")\n' +
    'try:\n    fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)\n    print("free")\nexcept BlockingIOError:\n    print("held")';
  return execFileSync(python!, ['-c', probe, file], { encoding: 'utf8' }).trim() as 'held' | 'free';
}

/** The Python original's own way to hold the sentinel, until its stdin ends. */
function pythonHolding(file: string): ChildProcess {
  const code =
    'import fcntl, sys\nf = open(sys.argv[1], "w")\nfcntl.flock(f, fcntl.LOCK_EX)\n' +
    'print("held", flush=True)\nsys.stdin.read()';
  return track(spawn(python!, ['-c', code, file], { stdio: ['pipe', 'pipe', 'inherit'] }));
}

/** The built code as a package without its optional native addon (it failed to install). */
function packageWithoutAddon(): string {
  const dir = makeTempDir();
  cpSync(path.join(repoRoot, 'dist'), path.join(dir, 'dist'), { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), '{"type": "module"}\n');
  return dir;
}

/** A folder holding only the given programs, to serve as the whole PATH. */
function pathOf(programs: Record<string, string>): string {
  const dir = makeTempDir();
  for (const [name, target] of Object.entries(programs)) {
    if (target.startsWith('#!')) {
      writeFileSync(path.join(dir, name), target);
      chmodSync(path.join(dir, name), 0o755);
    } else symlinkSync(target, path.join(dir, name));
  }
  return dir;
}

const flock = realProgram('flock');
// BusyBox's flock applet (Alpine) takes only -s -x -u -n: any other option, such as -w, prints its
// usage and exits 1, exactly like a lock that is busy. This one behaves so, around the real flock.
const busyboxFlock = `#!/bin/sh
for arg do
  case $arg in
    -[sxun]|-[sxun][sxun]) ;;
    -*) printf 'BusyBox v1.36.1 multi-call binary.\\n\\nUsage: flock [-sxun] FD | { FILE [-c] PROG ARGS }\\n' >&2; exit 1 ;;
    *) break ;;
  esac
done
exec ${flock} "$@"
`;
// A flock that can do nothing scopeguard needs: scopeguard must move on to the next helper.
const uselessFlock = `#!/bin/sh
echo 'flock: unknown option' >&2
exit 1
`;

interface Case {
  way: string;
  expected: string;
  programs: () => Record<string, string> | undefined;
  withAddon: boolean;
}

const cases: Case[] = [
  {
    way: 'native addon',
    expected: 'fs-ext-extra-prebuilt (native)',
    programs: () => ({}),
    withAddon: true,
  },
  ...['flock', 'perl', 'python3'].map((helper) => ({
    way: helper,
    expected: helper,
    programs: () => {
      const program = realProgram(helper);
      return program ? { [helper]: program } : undefined;
    },
    withAddon: false,
  })),
  {
    way: 'a BusyBox flock without -w',
    expected: 'flock',
    programs: () => (flock ? { flock: busyboxFlock } : undefined),
    withAddon: false,
  },
  {
    way: 'perl after a flock that cannot do it',
    expected: 'perl',
    programs: () => {
      const perl = realProgram('perl');
      return perl ? { flock: uselessFlock, perl } : undefined;
    },
    withAddon: false,
  },
];

// The native addon is the first choice. Without it (it is an optional dependency), Linux has
// util-linux `flock`, Alpine BusyBox's, and macOS and the BSDs none, so scopeguard falls back to
// perl, then python3. Each way is run here for real, against the Python original's flock(2).
describe.skipIf(!python)('flock(2) through the native addon and each helper program', () => {
  it.for(cases)(
    '$way waits while the Python original holds the sentinel, then takes it and gives it back',
    async ({ expected, programs, withAddon }, { skip }) => {
      const available = programs();
      if (!available) return skip('the program is not installed here');
      const base = withAddon ? repoRoot : packageWithoutAddon();
      const runningDir = path.join(makeTempDir(), '.running');
      mkdirSync(runningDir);
      const sentinel = path.join(runningDir, '.acquire.lock');
      const python = pythonHolding(sentinel);
      const fromPython = lines(python);
      expect(await fromPython()).toBe('held');

      const script = [
        `const { holdSentinel, flockHelperName } = await import(${JSON.stringify(path.join(base, 'dist', 'lock', 'sentinel.js'))});`,
        'const dir = process.argv[1];',
        // Waiting never blocks the event loop: a timer set now fires while the wait goes on.
        'setTimeout(() => console.log("tick"), 20);',
        'const started = Date.now();',
        'const timedOut = await holdSentinel(dir, 300).then(() => "held", (error) => error.code);',
        'console.log(`probe ${timedOut} after ${Date.now() - started >= 300 ? "the full wait" : "less"}`);',
        'const held = await holdSentinel(dir, 20000);',
        'console.log("held by " + flockHelperName());',
        'process.stdin.resume();',
        'process.stdin.on("end", () => { held.release(); console.log("released"); });',
      ].join('\n');
      const child = track(
        spawn(process.execPath, ['--input-type=module', '-e', script, runningDir], {
          env: { PATH: pathOf(available) },
          stdio: ['pipe', 'pipe', 'inherit'],
        }),
      );
      const fromChild = lines(child);
      expect(await fromChild()).toBe('tick');
      // While Python holds the sentinel, a wait runs its full time and ends in a timeout.
      expect(await fromChild()).toBe('probe sentinel-timeout after the full wait');
      python.stdin!.end();
      expect(await fromChild()).toBe(`held by ${expected}`);
      expect(pythonSeesSentinel(sentinel)).toBe('held');
      child.stdin.end();
      expect(await fromChild()).toBe('released');
      expect(pythonSeesSentinel(sentinel)).toBe('free');
    },
  );
});
