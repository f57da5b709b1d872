// commit-msg hook cost: the hook `scopeguard init` installs, run as git runs it on a message file,
// side by side and interleaved with `node -e 0`: in a repository with no lock directory (every
// commit made outside a loop), with 20 locks of another process (no own lock: nothing to add),
// and under an own lock named by SCOPEGUARD_AS (the trailer added). For scale, the pre-commit hook
// on the same commit, and the one `git interpret-trailers` process the own-lock case runs. Ratios are medians of per-round ratios.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { acquireLocks } from './lock-copies.js';
import {
  benchEnv,
  format,
  measure,
  pairedRatio,
  progress,
  run,
  summarize,
  table,
  withTempAndHolder,
} from './timing.js';

export const title = 'commit-msg hook cost';

const timing = { warmup: 3, iterations: 30 };
const lockCount = 20;

const repoRoot = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const scopeguardBin = path.join(repoRoot, 'bin', 'scopeguard.js');

export function runBench() {
  return withTempAndHolder(runIn);
}

async function runIn(tmp, holderPid) {
  const { env } = benchEnv();
  const unlocked = makeRepository(path.join(tmp, 'unlocked'), env);
  const locked = makeRepository(path.join(tmp, 'locked'), env);
  progress(`commit-msg: acquiring ${lockCount} locks`);
  acquireLocks(locked, env, holderPid, lockCount);
  const ownEnv = { ...env, SCOPEGUARD_AS: 'l7' };
  // What git runs: the installed script, with the message file as its one argument.
  const hook = (cwd, hookEnv, message) => [
    '/bin/sh',
    [path.join(cwd, '.git', 'hooks', 'commit-msg'), message],
    { cwd, env: hookEnv },
  ];
  const messages = {
    unlocked: writeMessage(unlocked, 'unlocked'),
    foreign: writeMessage(locked, 'foreign'),
    own: writeMessage(locked, 'own'),
    trailers: writeMessage(locked, 'trailers'),
  };
  const processes = {
    nodeBare: [process.execPath, ['-e', '0'], { cwd: unlocked, env }],
    noLocks: hook(unlocked, env, messages.unlocked),
    preCommitNoLocks: [
      '/bin/sh',
      [path.join(unlocked, '.git', 'hooks', 'pre-commit')],
      { cwd: unlocked, env },
    ],
    foreign: hook(locked, env, messages.foreign),
    own: hook(locked, ownEnv, messages.own),
    interpretTrailers: [
      'git',
      ['interpret-trailers', '--in-place', '--if-exists', 'addIfDifferent', '--trailer'].concat([
        'Scope-Lock: l7@host#2026-01-01T00:00:00',
        messages.trailers,
      ]),
      { cwd: locked, env },
    ],
  };
  for (const command of Object.values(processes)) run(...command);
  verify(messages);
  progress(`commit-msg: ${timing.iterations} runs of each after ${timing.warmup} warm-up runs`);
  const samples = await measure(
    timing,
    Object.fromEntries(
      Object.entries(processes).map(([name, command]) => [name, () => run(...command)]),
    ),
  );
  return {
    unit: 'ms',
    n: timing.iterations,
    locks: lockCount,
    rows: Object.keys(processes).map((name) => ({
      name,
      ...summarize(samples[name]),
      toFloor: pairedRatio(samples[name], samples.nodeBare),
    })),
  };
}

function makeRepository(dir, env) {
  mkdirSync(dir);
  const git = (...args) => run('git', args, { cwd: dir, env });
  git('init', '-q', '-b', 'main');
  writeFileSync(path.join(dir, '.gitignore'), '.loops/\n');
  run(process.execPath, [scopeguardBin, 'init'], { cwd: dir, env });
  return dir;
}

function writeMessage(dir, name) {
  const file = path.join(dir, '.git', `MSG_${name}`);
  writeFileSync(file, 'A change\n\nWhy it was made.\n');
  return file;
}

/** The timed runs measure a working hook: a trailer under the own lock only, and only once. */
function verify(messages) {
  const trailers = (name) => readFileSync(messages[name], 'utf8').match(/^Scope-Lock: /gm) ?? [];
  const problems = [
    trailers('unlocked').length === 0 ? null : 'a trailer without any lock',
    trailers('foreign').length === 0 ? null : 'a trailer for a foreign lock',
    trailers('own').length === 1 ? null : `${trailers('own').length} trailers under the own lock`,
  ].filter(Boolean);
  if (problems.length > 0)
    throw new Error(`commit-msg bench setup is wrong: ${problems.join('; ')}`);
}

export function toMarkdown({ n, locks, rows }) {
  const { ms, times } = format;
  const labels = {
    nodeBare: 'floor: `node -e 0`',
    noLocks: 'installed hook, no `.loops` (a commit outside any loop)',
    preCommitNoLocks: 'for comparison: the installed pre-commit hook, no `.loops`',
    foreign: `installed hook, ${locks} foreign locks, no own lock (nothing added)`,
    own: 'installed hook, own lock (SCOPEGUARD_AS): trailer added',
    interpretTrailers: 'of which: one `git interpret-trailers --in-place`',
  };
  return [
    table(
      ['Run', 'median ms', 'p90 ms', 'median ratio to `node -e 0`', 'p90 ratio'],
      ['---', '---:', '---:', '---:', '---:'],
      rows.map((r) => [
        labels[r.name],
        ms(r.median),
        ms(r.p90),
        times(r.toFloor.median),
        times(r.toFloor.p90),
      ]),
    ),
    '',
    'The hook runs as git runs it: the script `scopeguard init` installs, given the message file. ' +
      'The message keeps its one trailer from run to run (the hook never adds a second). ' +
      `Wall time of one process per run, all runs interleaved, ${n} runs each after warm-up; a ` +
      'ratio is the median (p90) of the per-round ratios. Percentiles are nearest-rank.',
  ].join('\n');
}
