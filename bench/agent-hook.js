// Agent hook latency (budget: CONTRIBUTING.md): `scopeguard agent-hook` answering one Claude Code
// `PreToolUse` payload for an `Edit`, against the floor of `node -e` reading the same payload
// from stdin. Side by side, interleaved: no `.loops` directory at all, and 20 live locks of another
// process with the edit outside them (allowed) and inside one (blocked). Ratios are medians of the
// per-round ratios.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { acquireLocks } from './lock-copies.js';
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

export const title = 'agent-hook latency';

const timing = { warmup: 3, iterations: 30 };
const lockCount = 20;
// Peak memory as for the pre-commit hook: node alone takes about 40 MiB here.
const budget = { noLocks: 1.15, locks: 1.3, peakRssMiB: 80 };

const repoRoot = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const scopeguardBin = path.join(repoRoot, 'bin', 'scopeguard.js');

const floorScript =
  "let t = ''; process.stdin.on('data', (c) => (t += c)).on('end', () => JSON.parse(t));";

export function runBench() {
  return withTempAndHolder(runIn);
}

async function runIn(tmp, holderPid) {
  const { env } = benchEnv();
  const locked = makeRepository(path.join(tmp, 'locked'), env);
  const unlocked = makeRepository(path.join(tmp, 'unlocked'), env);
  progress(`agent-hook: acquiring ${lockCount} locks`);
  acquireLocks(locked, env, holderPid, lockCount);
  const hook = (cwd, file) => [
    process.execPath,
    [scopeguardBin, 'agent-hook', '--agent', 'claude'],
    { cwd, env, input: editPayload(cwd, file) },
  ];
  const processes = {
    floor: [process.execPath, ['-e', floorScript], hook(locked, 'src/app/a.ts')[2]],
    noLocks: hook(unlocked, 'src/app/a.ts'),
    allowed: hook(locked, 'src/app/a.ts'),
    blocked: hook(locked, 'src/locked7/index.ts'),
  };
  verifyHook(processes);

  progress(`agent-hook: ${timing.iterations} runs of each after ${timing.warmup} warm-up runs`);
  const samples = await measure(
    timing,
    Object.fromEntries(
      Object.entries(processes).map(([name, command]) => [name, () => run(...command)]),
    ),
  );
  progress('agent-hook: peak RSS');
  const rows = Object.entries(processes).map(([name, command]) => ({
    name,
    ...summarize(samples[name]),
    toFloor: pairedRatio(samples[name], samples.floor),
    peakRssMiB: peakRssMiB(...command),
  }));
  const row = (name) => rows.find((r) => r.name === name);
  const peak = Math.max(...['noLocks', 'allowed', 'blocked'].map((name) => row(name).peakRssMiB));
  return {
    unit: 'ms',
    n: timing.iterations,
    locks: lockCount,
    rows,
    budget: {
      ...budget,
      noLocksOk: row('noLocks').toFloor.median <= budget.noLocks,
      locksOk:
        Math.max(row('allowed').toFloor.median, row('blocked').toFloor.median) <= budget.locks,
      peakRssOk: Number.isNaN(peak) ? null : peak <= budget.peakRssMiB,
    },
  };
}

/** A Claude Code `PreToolUse` payload with every field it sends, for an `Edit` of `file`. */
function editPayload(cwd, file) {
  return JSON.stringify({
    session_id: 'bench',
    transcript_path: path.join(os.tmpdir(), 'bench.jsonl'),
    cwd,
    permission_mode: 'default',
    hook_event_name: 'PreToolUse',
    tool_name: 'Edit',
    tool_input: { file_path: path.join(cwd, file), old_string: 'a', new_string: 'b' },
    tool_use_id: 'toolu_bench',
  });
}

/** A repository with one commit holding the locked directories and an unlocked src/app. */
function makeRepository(dir, env) {
  const write = (file, text) => {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  };
  const git = (...args) => run('git', args, { cwd: dir, env });
  mkdirSync(dir);
  git('init', '-q', '-b', 'main');
  write('.gitignore', '.loops/\n');
  write('src/app/a.ts', 'export const a = 1;\n');
  for (let n = 1; n <= lockCount; n++) write(`src/locked${n}/index.ts`, `export const n = ${n};\n`);
  git('add', '.');
  git('-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', 'commit', '-qm', 'init');
  return dir;
}

/** Make sure the timed runs measure what they claim: one refusal, three silent allows. */
function verifyHook(processes) {
  const outputs = Object.fromEntries(
    Object.entries(processes).map(([name, command]) => [name, run(...command)]),
  );
  const denied = (output) => output.stdout.includes('"permissionDecision":"deny"');
  const problems = [
    denied(outputs.blocked) && outputs.blocked.stdout.includes('src/locked7')
      ? null
      : `blocked edit: ${outputs.blocked.stdout}`,
    ...['noLocks', 'allowed'].map((name) =>
      outputs[name].stdout === '' && outputs[name].stderr === ''
        ? null
        : `${name}: ${outputs[name].stdout}${outputs[name].stderr}`,
    ),
  ].filter(Boolean);
  if (problems.length > 0)
    throw new Error(`agent-hook bench setup is wrong: ${problems.join('; ')}`);
}

export function toMarkdown({ n, locks, rows, budget }) {
  const { ms, times, mib } = format;
  const labels = {
    floor: 'floor: `node -e` reading the payload from stdin',
    noLocks: '`scopeguard agent-hook`, allowed edit, no `.loops`',
    allowed: `\`scopeguard agent-hook\`, allowed edit, ${locks} foreign locks`,
    blocked: `\`scopeguard agent-hook\`, blocked edit, ${locks} foreign locks`,
  };
  const row = (name) => rows.find((r) => r.name === name);
  const verdict = (ok) => (ok == null ? 'not measured' : ok ? 'within budget' : 'OVER BUDGET');
  return [
    table(
      ['Run', 'median ms', 'p90 ms', 'median / floor', 'p90 / floor', 'peak RSS'],
      ['---', '---:', '---:', '---:', '---:', '---:'],
      rows.map((r) => [
        labels[r.name],
        ms(r.median),
        ms(r.p90),
        times(r.toFloor.median),
        times(r.toFloor.p90),
        mib(r.peakRssMiB),
      ]),
    ),
    '',
    `Budgets: no lock directory at ${times(row('noLocks').toFloor.median)} the floor ` +
      `(goal <= ${budget.noLocks}x): ${verdict(budget.noLocksOk)}; ${locks} locks at ` +
      `${times(row('allowed').toFloor.median)} allowed and ${times(row('blocked').toFloor.median)} ` +
      `blocked (goal <= ${budget.locks}x): ${verdict(budget.locksOk)}; peak RSS budget ` +
      `${budget.peakRssMiB} MiB: ${verdict(budget.peakRssOk)}.`,
    '',
    `One Claude Code \`PreToolUse\` payload for an \`Edit\` per run, ${locks} live locks held by another ` +
      'process on directories next to the allowed file (checked first: the blocked run is refused ' +
      'naming its lock, the allowed ones print nothing). Wall time of one process per run, all four ' +
      `interleaved, ${n} runs each after warm-up; every run exits 0. A ratio is the median (p90) of ` +
      'the per-round ratios to the floor, which ran in the same round. Percentiles are nearest-rank.',
  ].join('\n');
}
