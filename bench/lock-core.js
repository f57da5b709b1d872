// Acquire + release, side by side: scopeguard against the Python original it ports.
//
// Everything runs in a fresh temporary project; the Python side imports `concurrency` from
// ../shared/seed (relative to the repo root) or from $SCOPEGUARD_PYTHON_SEED, and is skipped with a
// note when that or python3 is missing.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LockManager } from '../dist/lock/lock-manager.js';
import { findPython, pythonAvailability, pythonSeed } from './python-peer.js';
import {
  benchEnv,
  format,
  measure,
  peakRssMiB,
  progress,
  pairedRatio,
  ratio,
  round,
  run,
  summarize,
  table,
} from './timing.js';

export const title = 'Lock core: acquire and release';

const library = { warmup: 20, iterations: 200 };
const cli = { warmup: 2, iterations: 20 };
const loopName = 'bench';
const scope = 'src';

const repoRoot = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const scopeguardBin = path.join(repoRoot, 'bin', 'scopeguard.js');

// One acquire + release cycle of the Python original, run once per process (`python3 -c`).
const pythonCycle = `
import sys
from pathlib import Path
from concurrency import LockManager
m = LockManager(Path(sys.argv[1]))
if not m.acquire(sys.argv[2], [sys.argv[3]]):
    sys.exit("not acquired")
m.release(sys.argv[2])
`;

// The in-process loop of the Python original: prints the per-operation times in ms as JSON.
const pythonLoop = `
import json, sys, time
from pathlib import Path
from concurrency import LockManager
loops_dir, name, scope, warmup, iterations = sys.argv[1:4] + [int(a) for a in sys.argv[4:6]]
m = LockManager(Path(loops_dir))
samples = {"acquire": [], "release": []}
for i in range(warmup + iterations):
    t0 = time.perf_counter()
    if not m.acquire(name, [scope]):
        sys.exit("not acquired")
    t1 = time.perf_counter()
    m.release(name)
    t2 = time.perf_counter()
    if i >= warmup:
        samples["acquire"].append((t1 - t0) * 1000)
        samples["release"].append((t2 - t1) * 1000)
print(json.dumps(samples))
`;

/** Run the benchmark in a temporary project; the numbers, for `toMarkdown` or JSON. */
export async function runBench() {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'scopeguard-bench-'));
  try {
    return await runIn(tmp);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function runIn(tmp) {
  const project = path.join(tmp, 'project');
  const loopsDir = path.join(project, '.loops');
  mkdirSync(path.join(project, scope), { recursive: true });
  // A git repository, like a real project: the CLI asks git for the project root.
  const { env } = benchEnv();
  run('git', ['init', '-q', project], { env });

  const interpreter = findPython();
  const python = pythonAvailability(interpreter);
  const notes = [];
  if (!python.ok) notes.push(`Python side skipped: ${python.reason}`);
  // Bytecode is cached in the temp dir, not beside the seed, so Python starts warm after warm-up.
  const pythonEnv = {
    ...env,
    PYTHONPATH: pythonSeed,
    PYTHONPYCACHEPREFIX: path.join(tmp, 'pycache'),
  };
  delete pythonEnv.PYTHONDONTWRITEBYTECODE;
  const lockArgs = [loopsDir, loopName, scope];
  const scopeguard = (...args) => [
    process.execPath,
    [scopeguardBin, ...args, '--loops-dir', loopsDir],
    { cwd: project, env },
  ];
  // Each process as [command, args, options], shared by the timings and the peak RSS measurement.
  const processes = {
    ourAcquire: scopeguard(
      'locks',
      'acquire',
      '--name',
      loopName,
      '--scope',
      scope,
      '--pid',
      String(process.pid),
    ),
    ourRelease: scopeguard('locks', 'release', '--name', loopName, '--force'),
    pythonCycle: [
      interpreter?.executable,
      ['-c', pythonCycle, ...lockArgs],
      { cwd: project, env: pythonEnv },
    ],
  };

  progress(`lock core: library, ${library.iterations} iterations`);
  const manager = new LockManager({ loopsDir, projectRoot: project, cwd: project });
  const ourLibrary = await measure(library, {
    async acquire() {
      const result = await manager.acquire(loopName, [scope], { instanceId: loopName });
      if (!result.acquired) throw new Error(`not acquired: ${JSON.stringify(result.conflict)}`);
    },
    async release() {
      const outcome = await manager.release(loopName);
      if (outcome.status !== 'released') throw new Error(`not released: ${outcome.status}`);
    },
  });
  const pythonLibrary = python.ok
    ? JSON.parse(
        run(
          interpreter.executable,
          ['-c', pythonLoop, ...lockArgs, library.warmup, library.iterations].map(String),
          { cwd: project, env: pythonEnv },
        ).stdout,
      )
    : undefined;

  progress(`lock core: CLI, ${cli.iterations} iterations`);
  // Interleaved, so each Python cycle is paired with the two processes of the same round.
  const processSamples = await measure(cli, {
    acquire: () => run(...processes.ourAcquire),
    release: () => run(...processes.ourRelease),
    ...(python.ok && { python: () => run(...processes.pythonCycle) }),
  });
  const cycle = processSamples.acquire.map((ms, i) => ms + processSamples.release[i]);

  progress('lock core: peak RSS');
  const ours = peakRssMiB(...processes.ourAcquire);
  run(...processes.ourRelease);
  const theirs = python.ok ? peakRssMiB(...processes.pythonCycle) : null;
  if (python.ok && theirs == null) notes.push('Python peak RSS skipped: no /usr/bin/time');
  const peakRss = { ours, python: theirs, ratio: theirs && round(ours / theirs) };

  const row = (path, operation, n, ours, theirs, paired) => ({
    path,
    operation,
    n,
    ours: summarize(ours),
    python: theirs ? summarize(theirs) : null,
    ratio: theirs
      ? paired
        ? pairedRatio(ours, theirs)
        : ratio(summarize(ours), summarize(theirs))
      : null,
  });
  const rows = [
    row('library', 'acquire', library.iterations, ourLibrary.acquire, pythonLibrary?.acquire),
    row('library', 'release', library.iterations, ourLibrary.release, pythonLibrary?.release),
    row('CLI', 'acquire process', cli.iterations, processSamples.acquire),
    row('CLI', 'release process', cli.iterations, processSamples.release),
    row('CLI', 'acquire + release', cli.iterations, cycle, processSamples.python, true),
  ];
  return {
    unit: 'ms',
    python: interpreter?.version ?? null,
    pythonSeed: python.ok ? pythonSeed : null,
    rows,
    peakRss,
    notes,
  };
}

export function toMarkdown({ python, rows, peakRss, notes }) {
  const { ms, times, mib } = format;
  return [
    `Python ${python ?? 'not found'}.`,
    '',
    table(
      [
        'Path',
        'Operation',
        'n',
        'scopeguard median ms',
        'scopeguard p90 ms',
        'Python median ms',
        'Python p90 ms',
        'ratio median',
        'ratio p90',
      ],
      ['---', '---', '---:', '---:', '---:', '---:', '---:', '---:', '---:'],
      rows.map((r) => [
        r.path,
        r.operation,
        r.n,
        ms(r.ours.median),
        ms(r.ours.p90),
        ms(r.python?.median),
        ms(r.python?.p90),
        times(r.ratio?.median),
        times(r.ratio?.p90),
      ]),
    ),
    '',
    table(
      [
        'Peak RSS',
        'scopeguard (`locks acquire` process)',
        'Python (acquire + release process)',
        'ratio',
      ],
      ['---', '---:', '---:', '---:'],
      [['one CLI process', mib(peakRss.ours), mib(peakRss.python), times(peakRss.ratio)]],
    ),
    '',
    'Library: one process, in-process loop after warm-up; ratio of the medians. CLI: one ' +
      '`scopeguard locks acquire` and one `scopeguard locks release` process per round against one ' +
      '`python3 -c` process doing acquire + release in the same round, so start-up is included on ' +
      'both sides; the ratio is the median (p90) of the per-round ratios. Percentiles are ' +
      'nearest-rank.',
    ...notes.map((note) => `\n${note}`),
  ].join('\n');
}
