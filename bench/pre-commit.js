// Pre-commit latency (budget: CONTRIBUTING.md): `scopeguard pre-commit` on a small change (10 staged
// files) with 20 live locks of another process, none covering the change, so the commit is clean
// but the guard must list and match it. Side by side, interleaved: the floor (node starting and
// running one `git diff --cached`), the clean fast path (no `.loops` directory at all) and a no-op
// lint-staged run.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, measure, peakRssMiB, progress, ratio, run, summarize, table } from './timing.js';

export const title = 'pre-commit latency';

const timing = { warmup: 3, iterations: 30 };
const stagedCount = 10;
const lockCount = 20;
const budget = { ratio: 1.3, peakRssMiB: 80 };

const repoRoot = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const scopeguardBin = path.join(repoRoot, 'bin', 'scopeguard.js');
const lintStagedDir = path.join(repoRoot, 'node_modules', 'lint-staged');

const floorScript =
  "require('node:child_process').execFileSync('git', ['diff', '--cached', '--name-only', '-z'], " +
  "{ stdio: ['ignore', 'pipe', 'inherit'] });";

export async function runBench() {
  const tmp = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'scopeguard-bench-')));
  // The holder of every lock: alive for the whole run, and no ancestor of the guard.
  const holder = spawn('sleep', ['3600'], { stdio: 'ignore' });
  try {
    return await runIn(tmp, holder.pid);
  } finally {
    holder.kill();
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function runIn(tmp, holderPid) {
  const env = isolatedEnv();
  const locked = makeRepository(path.join(tmp, 'locked'), env);
  const unlocked = makeRepository(path.join(tmp, 'unlocked'), env);
  const node = (cwd, ...args) => [process.execPath, args, { cwd, env }];

  progress(`pre-commit: acquiring ${lockCount} locks`);
  for (let n = 1; n <= lockCount; n++) {
    const lock = ['--name', `l${n}`, '--scope', `src/locked${n}`, '--pid', String(holderPid)];
    run(...node(locked, scopeguardBin, 'locks', 'acquire', ...lock));
  }
  verifyGuard(locked, unlocked, env);

  const processes = {
    floor: node(locked, '-e', floorScript),
    preCommit: node(locked, scopeguardBin, 'pre-commit'),
    preCommitNoLocks: node(unlocked, scopeguardBin, 'pre-commit'),
    lintStaged: node(locked, path.join(lintStagedDir, 'bin', 'lint-staged.js')),
  };
  progress(`pre-commit: ${timing.iterations} runs of each after ${timing.warmup} warm-up runs`);
  const samples = await measure(
    timing,
    Object.fromEntries(
      Object.entries(processes).map(([name, command]) => [name, () => run(...command)]),
    ),
  );
  progress('pre-commit: peak RSS');
  const floor = summarize(samples.floor);
  const rows = Object.entries(processes).map(([name, command]) => {
    const times = summarize(samples[name]);
    return { name, ...times, toFloor: ratio(times, floor), peakRssMiB: peakRssMiB(...command) };
  });
  const preCommit = rows.find((row) => row.name === 'preCommit');
  return {
    unit: 'ms',
    n: timing.iterations,
    stagedFiles: stagedCount,
    locks: lockCount,
    lintStaged: JSON.parse(readFileSync(path.join(lintStagedDir, 'package.json'), 'utf8')).version,
    rows,
    budget: {
      ...budget,
      ratioOk: preCommit.toFloor.median <= budget.ratio,
      peakRssOk: preCommit.peakRssMiB == null ? null : preCommit.peakRssMiB <= budget.peakRssMiB,
    },
  };
}

/** The environment minus anything from an enclosing git or scopeguard, and no user git config. */
function isolatedEnv() {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !name.startsWith('GIT_') && !name.startsWith('SCOPEGUARD_'),
    ),
  );
  return { ...env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
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

/**
 * Make sure the timed runs measure a working guard: one probe file staged in each locked
 * directory conflicts with all 20 locks, and without the probes both repositories pass with the
 * 10 staged files checked (locked) or not even listed (no `.loops`).
 */
function verifyGuard(locked, unlocked, env) {
  const guardJson = (cwd) => {
    const args = [scopeguardBin, 'pre-commit', '--format', 'json'];
    const result = spawnSync(process.execPath, args, { cwd, env, encoding: 'utf8' });
    return { status: result.status, report: JSON.parse(result.stdout) };
  };
  const git = (...args) => run('git', args, { cwd: locked, env });
  const probes = Array.from({ length: lockCount }, (_, i) => `src/locked${i + 1}/probe.ts`);
  for (const probe of probes) writeFileSync(path.join(locked, probe), '');
  git('add', ...probes);
  const blocked = guardJson(locked);
  git('rm', '-qf', ...probes);
  const conflictLocks = new Set(blocked.report.conflicts.map((c) => c.lock.instance));
  const clean = guardJson(locked);
  const fastPath = guardJson(unlocked);
  const problems = [
    blocked.status === 1 && conflictLocks.size === lockCount
      ? null
      : `probe files: exit ${blocked.status}, ${conflictLocks.size} of ${lockCount} locks in conflict`,
    clean.status === 0 &&
    clean.report.filesChecked === stagedCount &&
    clean.report.ownLocks.length === 0
      ? null
      : `clean commit: exit ${clean.status}, ${JSON.stringify(clean.report)}`,
    fastPath.status === 0 ? null : `no .loops: exit ${fastPath.status}`,
  ].filter(Boolean);
  if (problems.length > 0)
    throw new Error(`pre-commit bench setup is wrong: ${problems.join('; ')}`);
}

export function toMarkdown({ n, stagedFiles, locks, lintStaged, rows, budget }) {
  const { ms, times, mib } = format;
  const labels = {
    floor: 'floor: `node -e`, one `git diff --cached --name-only -z`',
    preCommit: `\`scopeguard pre-commit\`, ${locks} foreign locks`,
    preCommitNoLocks: '`scopeguard pre-commit`, no `.loops` (clean fast path)',
    lintStaged: `lint-staged ${lintStaged}, no task matches`,
  };
  const preCommit = rows.find((row) => row.name === 'preCommit');
  const verdict = (ok) => (ok == null ? 'not measured' : ok ? 'within budget' : 'OVER BUDGET');
  return [
    table(
      ['Run', 'median ms', 'p90 ms', 'median / floor', 'p90 / floor', 'peak RSS'],
      ['---', '---:', '---:', '---:', '---:', '---:'],
      rows.map((row) => [
        labels[row.name],
        ms(row.median),
        ms(row.p90),
        times(row.toFloor.median),
        times(row.toFloor.p90),
        mib(row.peakRssMiB),
      ]),
    ),
    '',
    `Budgets: pre-commit with ${locks} locks at ${times(preCommit.toFloor.median)} the floor ` +
      `(goal <= ${budget.ratio}x): ${verdict(budget.ratioOk)}; peak RSS ${mib(preCommit.peakRssMiB)} ` +
      `(budget ${budget.peakRssMiB} MiB): ${verdict(budget.peakRssOk)}.`,
    '',
    `${stagedFiles} staged files in a fresh repository, ${locks} live locks held by another process ` +
      'on directories next to them (checked first: staging a file in each locked directory blocks ' +
      `with ${locks} conflicts). Wall time of one process per run, all four interleaved, ` +
      `${n} runs each after warm-up; every run exits 0. Percentiles are nearest-rank.`,
  ].join('\n');
}
