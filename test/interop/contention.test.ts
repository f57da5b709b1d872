import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { pidExists } from '../../src/lock/process-identity.js';
import { binPath, repoRoot } from '../support/cli.js';
import { findDoubleHolds, readHoldLog, type HoldInterval } from '../support/hold-intervals.js';
import { pythonAvailable, seedDir } from '../support/python-peer.js';
import { eventually, killHard, track } from '../support/processes.js';
import { isolatedEnv, makeTempDir } from '../support/temp-dir.js';

const workers = path.join(repoRoot, 'test', 'interop', 'workers');
const library = path.join(repoRoot, 'dist', 'index.js');
// 'area/one' and 'area/two' may be held together; every other pair overlaps.
const scopes = ['area', 'area/one', 'area/two', 'area/one/deep'];
// Every worker tries once per round, all at the same tick, so that check-and-create runs in
// several processes at the same moment in every round: without the sentinel's flock(2), two of
// them see the scope free and both take it within the first few rounds. The test stops the
// workers once every phase has been seen in their log, which takes longer on a loaded machine;
// that many rounds only bound the run.
const maxRounds = 600;
const periodMs = 60;
const holdMs = 20;
const workersPerSide = 3;

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

const show = ([a, b]: [HoldInterval, HoldInterval]) =>
  `${a.who} held ${a.scope} during ${a.start}..${a.end}, ${b.who} held ${b.scope} during ${b.start}..${b.end}`;

describe.skipIf(!pythonAvailable)('contention between scopeguard and the Python original', () => {
  it('never lets two holders of overlapping scopes hold at once, and survives SIGKILLed holders', async () => {
    const root = makeTempDir();
    const loopsDir = path.join(root, '.loops');
    const logFile = path.join(root, 'holds.jsonl');
    const control = makeTempDir('scopeguard-control-');
    const env = { ...isolatedEnv(), PYTHONPATH: seedDir };
    const start = (command: string, args: string[]) =>
      track(spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] }));

    // Far enough ahead for every worker to start before the first round.
    const epoch = Date.now() + 2000;
    const schedule = [control, String(epoch), String(periodMs), String(maxRounds), String(holdMs)];
    const pool = Array.from({ length: workersPerSide }, (_, n) => [
      start(process.execPath, [
        path.join(workers, 'library-worker.mjs'),
        library,
        loopsDir,
        `ours-${n}`,
        logFile,
        ...schedule,
        ...scopes,
      ]),
      start('python3', [
        path.join(workers, 'python_worker.py'),
        loopsDir,
        `py-${n}`,
        logFile,
        ...schedule,
        ...scopes,
      ]),
    ]).flat();

    // Two hogs take the whole area during the rounds and are killed with SIGKILL while holding
    // it: the workers must reap their records and carry on, and nobody may hold 'area' meanwhile.
    // Workers sit out while a hog waits for the lock, or a scope over everything could starve.
    const deaths: bigint[] = [];
    const hog = async (who: string, launch: () => ChildProcess) => {
      writeFileSync(path.join(control, 'pause'), '');
      const child = launch();
      const { at, line } = await held(child);
      rmSync(path.join(control, 'pause'));
      await sleep(300);
      await killHard(child);
      deaths.push(process.hrtime.bigint());
      return { interval: { who, scope: 'area', start: at, end: deaths.at(-1)! }, line };
    };
    // Each phase lasts until the log shows what it is for, however slow the machine: a fixed
    // number of rounds let a loaded machine end the run before anyone took the scope again.
    const logSoFar = () => {
      const text = readFileSync(logFile, { encoding: 'utf8', flag: 'a+' });
      return readHoldLog(text.slice(0, text.lastIndexOf('\n') + 1).split('\n'));
    };
    const bothSidesContended = () => {
      const log = logSoFar();
      const contended = ['ours-', 'py-'].every(
        (side) =>
          log.holds.some((hold) => hold.who.startsWith(side)) &&
          log.refused.some((refusal) => refusal.who.startsWith(side)),
      );
      return contended || undefined;
    };
    const takenAgainSince = (death: bigint) => () =>
      logSoFar().holds.some((hold) => hold.start > death) || undefined;
    const phaseMs = 20_000;
    await sleep(epoch - Date.now());
    await eventually(bothSidesContended, phaseMs);
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
    cliHold.interval.end = seenAlive;
    deaths[deaths.length - 1] = seenAlive;
    await eventually(takenAgainSince(seenAlive), phaseMs);
    const pyHold = await hog('hog-py', () =>
      start('python3', [path.join(workers, 'python_hog.py'), loopsDir, 'hog-py', 'area']),
    );
    await eventually(takenAgainSince(deaths.at(-1)!), phaseMs);
    writeFileSync(path.join(control, 'stop'), '');

    await Promise.all(pool.map(exited));
    const log = readHoldLog(readFileSync(logFile, 'utf8').split('\n'));
    expect(pool.map((child) => child.exitCode)).toEqual(pool.map(() => 0));
    expect(log.open).toEqual([]);

    // The one verdict that matters.
    const doubleHolds = findDoubleHolds([...log.holds, cliHold.interval, pyHold.interval]);
    expect(doubleHolds.map(show)).toEqual([]);

    // And the run tested something: both implementations held scopes and were turned away, and
    // the killed hogs' scope was taken again after each death.
    for (const side of ['ours-', 'py-']) {
      expect(log.holds.filter((hold) => hold.who.startsWith(side)).length).toBeGreaterThan(0);
      expect(log.refused.filter((refusal) => refusal.who.startsWith(side)).length).toBeGreaterThan(
        0,
      );
    }
    for (const death of deaths) expect(log.holds.some((hold) => hold.start > death)).toBe(true);
  }, 120_000);
});
