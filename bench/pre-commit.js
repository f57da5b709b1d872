// Pre-commit latency (budget: CONTRIBUTING.md): `scopeguard pre-commit` on a small change (10 staged
// files), side by side and interleaved with its floors: with no `.loops` directory at all against
// `node -e 0`, and with 20 and 1,000 live locks of another process, none covering the change,
// against node running one `git diff --cached` (the guard must list and match the change); a
// no-op lint-staged run for scale. Ratios are medians of the per-run ratios.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { acquireLocks, writeLockCopies } from './lock-copies.js';
import {
  benchEnv,
  withTempAndHolder,
  format,
  measure,
  pairedRatio,
  peakRssMiB,
  progress,
  run,
  summarize,
  table,
} from './timing.js';

export const title = 'pre-commit latency';

const timing = { warmup: 3, iterations: 30 };
const stagedCount = 10;
const lockCount = 20;
const manyLockCount = 1000;
// The targets of each ratio against its floor, and of the peak resident set.
const budget = { noLocks: 1.1, locks: 1.15, manyLocks: 1.6, peakRssMiB: 40 };

const repoRoot = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const scopeguardBin = path.join(repoRoot, 'bin', 'scopeguard.js');
const lintStagedDir = path.join(repoRoot, 'node_modules', 'lint-staged');

const floorScript =
  "require('node:child_process').execFileSync('git', ['diff', '--cached', '--name-only', '-z'], " +
  "{ stdio: ['ignore', 'pipe', 'inherit'] });";

export function runBench() {
  return withTempAndHolder(runIn);
}

async function runIn(tmp, holderPid) {
  const { env } = benchEnv();
  const locked = makeRepository(path.join(tmp, 'locked'), env);
  const many = makeRepository(path.join(tmp, 'many'), env);
  const unlocked = makeRepository(path.join(tmp, 'unlocked'), env);
  const node = (cwd, ...args) => [process.execPath, args, { cwd, env }];

  progress(`pre-commit: acquiring ${lockCount} + ${manyLockCount} locks`);
  acquireLocks(locked, env, holderPid, lockCount);
  const manyLocks = Array.from({ length: manyLockCount }, (_, i) => ({
    name: `m${i + 1}`,
    scope: [path.join(many, `src/locked${i + 1}`)],
  }));
  writeLockCopies(many, env, holderPid, manyLocks);
  verifyGuard(locked, unlocked, env);
  verifyClean(many, env, manyLockCount);
  for (const dir of [locked, many, unlocked]) run(...node(dir, scopeguardBin, 'init'));
  // What git runs on commit: the installed hook script, which pipes the staged list into node.
  const hook = (cwd) => ['/bin/sh', [path.join(cwd, '.git', 'hooks', 'pre-commit')], { cwd, env }];

  const processes = {
    nodeBare: node(unlocked, '-e', '0'),
    // What any hook script pays before its own work: the shell git starts it with.
    shellNode: ['/bin/sh', ['-c', `exec "${process.execPath}" -e 0`], { cwd: unlocked, env }],
    floor: node(locked, '-e', floorScript),
    preCommitNoLocks: hook(unlocked),
    preCommit: hook(locked),
    preCommitMany: hook(many),
    lintStaged: node(locked, path.join(lintStagedDir, 'bin', 'lint-staged.js')),
  };
  // The floor of each run: what it cannot be cheaper than.
  const floors = {
    nodeBare: 'nodeBare',
    shellNode: 'nodeBare',
    floor: 'floor',
    preCommitNoLocks: 'nodeBare',
    preCommit: 'floor',
    preCommitMany: 'floor',
    lintStaged: 'floor',
  };
  progress(`pre-commit: ${timing.iterations} runs of each after ${timing.warmup} warm-up runs`);
  const samples = await measure(
    timing,
    Object.fromEntries(
      Object.entries(processes).map(([name, command]) => [name, () => run(...command)]),
    ),
  );
  progress('pre-commit: peak RSS');
  const rows = Object.entries(processes).map(([name, command]) => ({
    name,
    floor: floors[name],
    ...summarize(samples[name]),
    toFloor: pairedRatio(samples[name], samples[floors[name]]),
    peakRssMiB: peakRssMiB(...command),
  }));
  const row = (name) => rows.find((r) => r.name === name);
  const peak = Math.max(
    ...['preCommitNoLocks', 'preCommit', 'preCommitMany'].map((name) => row(name).peakRssMiB),
  );
  return {
    unit: 'ms',
    n: timing.iterations,
    stagedFiles: stagedCount,
    locks: lockCount,
    manyLocks: manyLockCount,
    lintStaged: JSON.parse(readFileSync(path.join(lintStagedDir, 'package.json'), 'utf8')).version,
    rows,
    budget: {
      ...budget,
      noLocksOk: row('preCommitNoLocks').toFloor.median <= budget.noLocks,
      locksOk: row('preCommit').toFloor.median <= budget.locks,
      manyLocksOk: row('preCommitMany').toFloor.median <= budget.manyLocks,
      peakRssMiB: budget.peakRssMiB,
      peak: Number.isNaN(peak) ? null : peak,
      peakRssOk: Number.isNaN(peak) ? null : peak <= budget.peakRssMiB,
    },
  };
}

/**
 * A repository with one commit (the locked directories, a lint-staged config that matches
 * nothing) and `stagedCount` new files staged under src/app, outside every locked directory.
 */
function makeRepository(dir, env) {
  const write = (file, text) => {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  };
  const git = (...args) => run('git', args, { cwd: dir, env });
  mkdirSync(dir);
  git('init', '-q', '-b', 'main');
  write('.gitignore', '.loops/\n');
  write('.lintstagedrc.json', '{ "*.nomatch": "true" }\n');
  for (let n = 1; n <= lockCount; n++) write(`src/locked${n}/index.ts`, `export const n = ${n};\n`);
  git('add', '.');
  git('-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', 'commit', '-qm', 'init');
  for (let n = 1; n <= stagedCount; n++) write(`src/app/module${n}.ts`, `export const m = ${n};\n`);
  git('add', 'src/app');
  return dir;
}

/** The guard's JSON report on the staged change in `cwd`, and its exit status. */
function guardJson(cwd, env) {
  const args = [scopeguardBin, 'pre-commit', '--format', 'json'];
  const result = spawnSync(process.execPath, args, { cwd, env, encoding: 'utf8' });
  return { status: result.status, report: JSON.parse(result.stdout) };
}

/** A clean verdict: exit 0, every staged file checked against `count` foreign locks. */
function cleanProblem(name, { status, report }) {
  return status === 0 && report.filesChecked === stagedCount && report.ownLocks.length === 0
    ? null
    : `${name}: exit ${status}, ${JSON.stringify(report).slice(0, 500)}`;
}

/**
 * Make sure the timed runs measure a working guard: one probe file staged in each locked
 * directory conflicts with all 20 locks, and without the probes both repositories pass with the
 * 10 staged files checked (locked) or not even listed (no `.loops`).
 */
function verifyGuard(locked, unlocked, env) {
  const git = (...args) => run('git', args, { cwd: locked, env });
  const probes = Array.from({ length: lockCount }, (_, i) => `src/locked${i + 1}/probe.ts`);
  for (const probe of probes) writeFileSync(path.join(locked, probe), '');
  git('add', ...probes);
  const blocked = guardJson(locked, env);
  git('rm', '-qf', ...probes);
  const conflictLocks = new Set(blocked.report.conflicts.map((c) => c.lock.instance));
  const fastPath = guardJson(unlocked, env);
  failOn([
    blocked.status === 1 && conflictLocks.size === lockCount
      ? null
      : `probe files: exit ${blocked.status}, ${conflictLocks.size} of ${lockCount} locks in conflict`,
    cleanProblem('clean commit', guardJson(locked, env)),
    fastPath.status === 0 ? null : `no .loops: exit ${fastPath.status}`,
  ]);
}

/** Make sure the guard passes the change in `dir` and sees all `count` locks as live. */
function verifyClean(dir, env, count) {
  const { locks, problems } = JSON.parse(
    run(process.execPath, [scopeguardBin, 'locks', 'list', '--json'], { cwd: dir, env }).stdout,
  );
  failOn([
    cleanProblem(`${count} locks`, guardJson(dir, env)),
    locks.length === count && problems.length === 0
      ? null
      : `${count} locks: ${locks.length} listed, problems ${JSON.stringify(problems)}`,
  ]);
}

function failOn(problems) {
  const found = problems.filter(Boolean);
  if (found.length > 0) throw new Error(`pre-commit bench setup is wrong: ${found.join('; ')}`);
}

export function toMarkdown({ n, stagedFiles, locks, manyLocks, lintStaged, rows, budget }) {
  const { ms, times, mib } = format;
  const labels = {
    nodeBare: 'floor: `node -e 0`',
    shellNode: "for scale: `sh -c 'exec node -e 0'`, the shell a hook script starts in",
    floor: 'floor: `node -e`, one `git diff --cached --name-only -z`',
    preCommitNoLocks: 'installed hook, no `.loops` (clean fast path)',
    preCommit: `installed hook, ${locks} foreign locks`,
    preCommitMany: `installed hook, ${manyLocks.toLocaleString('en')} foreign locks`,
    lintStaged: `lint-staged ${lintStaged}, no task matches`,
  };
  const floorLabels = { nodeBare: '`node -e 0`', floor: 'node + git diff' };
  const row = (name) => rows.find((r) => r.name === name);
  const verdict = (ok) => (ok == null ? 'not measured' : ok ? 'met' : 'NOT MET');
  const target = (name, goal, ok) =>
    `${times(row(name).toFloor.median)} (target <= ${goal}x): ${verdict(ok)}`;
  return [
    table(
      ['Run', 'median ms', 'p90 ms', 'against', 'median ratio', 'p90 ratio', 'peak RSS'],
      ['---', '---:', '---:', '---', '---:', '---:', '---:'],
      rows.map((r) => [
        labels[r.name],
        ms(r.median),
        ms(r.p90),
        floorLabels[r.floor],
        times(r.toFloor.median),
        times(r.toFloor.p90),
        mib(r.peakRssMiB),
      ]),
    ),
    '',
    `Targets: no lock directory ${target('preCommitNoLocks', budget.noLocks, budget.noLocksOk)}; ` +
      `${locks} locks ${target('preCommit', budget.locks, budget.locksOk)}; ` +
      `${manyLocks.toLocaleString('en')} locks ` +
      `${target('preCommitMany', budget.manyLocks, budget.manyLocksOk)}; peak RSS ` +
      `${mib(budget.peak)} (target <= ${budget.peakRssMiB} MiB): ${verdict(budget.peakRssOk)}.`,
    '',
    `${stagedFiles} staged files in a fresh repository, ${locks} or ${manyLocks.toLocaleString('en')} ` +
      'live locks held by another process on directories next to them (checked first: staging a ' +
      `file in each of ${locks} locked directories blocks with ${locks} conflicts, and every run ` +
      'passes with all locks live). The hook runs as git runs it: the script `scopeguard init` ' +
      'installs, which pipes `git diff --cached` into `scopeguard pre-commit` where ' +
      '`.loops/.running/` exists. Wall time of one ' +
      'process per run, all runs interleaved, ' +
      `${n} runs each after warm-up; a ratio is the median (p90) of the per-round ratios to its ` +
      'floor, which ran in the same round. Percentiles are nearest-rank.',
  ].join('\n');
}
