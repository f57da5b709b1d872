import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { pidExists } from '../../src/lock/process-identity.js';
import { binPath, repoRoot } from '../support/cli.js';
import { findDoubleHolds, intervalsFromLog } from '../support/hold-intervals.js';
import { pythonAvailable, seedDir } from '../support/python-peer.js';
import { eventually, killHard, track } from '../support/processes.js';
import { isolatedEnv, makeTempDir } from '../support/temp-dir.js';

const workers = path.join(repoRoot, 'test', 'interop', 'workers');
const scopes = ['area', 'area/one', 'area/two', 'area/one/deep'];

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) =>
    child.exitCode !== null ? resolve() : child.once('exit', () => resolve()),
  );
}

/** Resolve with the line starting with `held` and the monotonic time the child printed it. */
function held(child: ChildProcess): Promise<{ at: bigint; line: string }> {
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('held')) resolve({ at: process.hrtime.bigint(), line });
    });
    child.once('exit', (code) => reject(new Error(`hog exited (${code}) before holding`)));
  });
}

describe.skipIf(!pythonAvailable)('contention between scopeguard and the Python original', () => {
  it('never lets two holders of overlapping scopes hold at once, and survives SIGKILLed holders', async () => {
    const root = makeTempDir();
    const loopsDir = path.join(root, '.loops');
    const log = path.join(root, 'holds.jsonl');
    const env = { ...isolatedEnv(), PYTHONPATH: seedDir };
    const stopFile = path.join(root, 'stop');
    const pauseFile = path.join(root, 'pause');
    const start = (command: string, args: string[]) =>
      track(spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] }));

    const pool = [0, 1, 2, 3].flatMap((n) => [
      start(process.execPath, [
        path.join(workers, 'cli-worker.mjs'),
        binPath,
        loopsDir,
        `ours-${n}`,
        log,
        stopFile,
        pauseFile,
        ...scopes,
      ]),
      start('python3', [
        path.join(workers, 'python_worker.py'),
        loopsDir,
        `py-${n}`,
        log,
        stopFile,
        pauseFile,
        ...scopes,
      ]),
    ]);

    // Two hogs take the whole area mid-run and are killed with SIGKILL while holding it: the
    // workers must reap their records and carry on, and nobody may hold 'area' while they do.
    // Workers pause new acquisitions while a hog waits, or a scope over everything could starve.
    const deaths = new Map<string, bigint>();
    const hog = async (who: string, launch: () => ChildProcess) => {
      writeFileSync(pauseFile, '');
      const child = launch();
      const { at, line } = await held(child);
      rmSync(pauseFile);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await killHard(child);
      deaths.set(who, process.hrtime.bigint());
      return { interval: { who, scope: 'area', start: at, end: deaths.get(who)! }, line };
    };
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const cliHold = await hog('hog-cli', () =>
      start(process.execPath, [
        binPath,
        'run',
        '--name',
        'hog-cli',
        '--scope',
        'area',
        '--wait',
        '30',
        '--loops-dir',
        loopsDir,
        '--',
        process.execPath,
        '-e',
        'console.log("held", process.pid); setInterval(() => {}, 1000)',
      ]),
    );
    // The wrapper died, but the command it ran (which printed its pid) holds the lock as its own
    // until it ends too. Kill it; its hold lasted at least until the last moment its pid was seen,
    // and an orphan's pid lingers until init reaps it.
    const commandPid = Number(cliHold.line.split(' ')[1]);
    process.kill(commandPid, 'SIGKILL');
    let seenAlive = process.hrtime.bigint();
    await eventually(() => {
      const at = process.hrtime.bigint();
      if (!pidExists(commandPid)) return true;
      seenAlive = at;
      return undefined;
    }, 30_000);
    deaths.set('hog-cli', seenAlive);
    const hogIntervals = [{ ...cliHold.interval, end: deaths.get('hog-cli')! }];
    const pyHold = await hog('hog-py', () =>
      start('python3', [path.join(workers, 'python_hog.py'), loopsDir, 'hog-py', 'area']),
    );
    hogIntervals.push(pyHold.interval);

    // Let the workers go on for a while after the last death, then stop them.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    writeFileSync(stopFile, '');
    await Promise.all(pool.map(exited));
    expect(pool.map((child) => child.exitCode)).toEqual(pool.map(() => 0));

    const intervals = [
      ...intervalsFromLog(readFileSync(log, 'utf8').split('\n'), () => 0n),
      ...hogIntervals,
    ];
    expect(intervals.filter((i) => i.end === 0n)).toEqual([]);
    const violations = findDoubleHolds(intervals);
    expect(violations).toEqual([]);

    // Real contention happened on both sides, and the killed hogs' scope was taken again after.
    const ours = intervals.filter((i) => i.who.startsWith('ours-'));
    const theirs = intervals.filter((i) => i.who.startsWith('py-'));
    expect(ours.length).toBeGreaterThanOrEqual(3);
    expect(theirs.length).toBeGreaterThanOrEqual(3);
    for (const death of deaths.values()) {
      expect(intervals.some((i) => !i.who.startsWith('hog') && i.start > death)).toBe(true);
    }
  }, 60_000);
});
