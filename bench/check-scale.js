// `check --stdin` at scale: 100,000 changed paths against 1,000 live locks of 5 scope entries each
// (the matching benchmark's inputs, written as lock records of a live holder), as a process, side
// by side and interleaved with the same process given one path; the difference is the cost beyond
// start-up, which itself includes reading and judging the 1,000 records.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeLockCopies } from './lock-copies.js';
import { makeLocks, makePaths, seededRandom } from './matching.js';
import {
  benchEnv,
  withTempAndHolder,
  format,
  measure,
  pairedDifference,
  progress,
  run,
  summarize,
  table,
} from './timing.js';

export const title = '`check --stdin` at scale';

const timing = { warmup: 2, iterations: 15 };
const pathCount = 100_000;
const budgetMs = 300;

const repoRoot = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const scopeguardBin = path.join(repoRoot, 'bin', 'scopeguard.js');

export function runBench() {
  return withTempAndHolder((tmp, holderPid) => runIn(path.join(tmp, 'project'), holderPid));
}

async function runIn(project, holderPid) {
  const { env } = benchEnv();
  run('git', ['init', '-q', project], { env });
  const random = seededRandom(42);
  const locks = makeLocks(random, project);
  const paths = makePaths(pathCount, locks, random, project);
  progress(`check-scale: writing ${locks.length} lock records`);
  writeLockCopies(
    project,
    env,
    holderPid,
    locks.map((lock) => ({ name: lock.instance, scope: lock.record.scope })),
  );
  const check = (input) => () => checkStdin(project, env, input);
  const verdicts = { one: check(`${paths[0]}\n`)(), many: check(paths.join('\n'))() };
  progress(`check-scale: ${timing.iterations} runs of each after ${timing.warmup} warm-up runs`);
  const samples = await measure(timing, {
    one: check(`${paths[0]}\n`),
    many: check(paths.join('\n')),
  });
  const beyond = pairedDifference(samples.many, samples.one);
  return {
    unit: 'ms',
    n: timing.iterations,
    locks: locks.length,
    entriesPerLock: locks[0].record.scope.length,
    paths: pathCount,
    exitCodes: verdicts,
    one: summarize(samples.one),
    many: summarize(samples.many),
    beyond,
    budgetMs,
    withinBudget: beyond.median <= budgetMs,
  };
}

/** Run `check --stdin` on `input`; its exit status (1: conflicts found). */
function checkStdin(cwd, env, input) {
  const args = [scopeguardBin, 'check', '--stdin'];
  const result = spawnSync(process.execPath, args, {
    cwd,
    env,
    input,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  if (result.error) throw result.error;
  if (result.status !== 0 && result.status !== 1)
    throw new Error(`check --stdin exited ${result.status}: ${result.stderr}`);
  return result.status;
}

export function toMarkdown({
  n,
  locks,
  entriesPerLock,
  paths,
  one,
  many,
  beyond,
  budgetMs,
  withinBudget,
}) {
  const { ms } = format;
  return [
    table(
      ['Run', 'median ms', 'p90 ms'],
      ['---', '---:', '---:'],
      [
        [
          `\`check --stdin\`, 1 path, ${locks} locks x ${entriesPerLock} entries`,
          ms(one.median),
          ms(one.p90),
        ],
        [
          `\`check --stdin\`, ${paths.toLocaleString('en')} paths, same locks`,
          ms(many.median),
          ms(many.p90),
        ],
        ['difference (beyond start-up)', ms(beyond.median), ms(beyond.p90)],
      ],
    ),
    '',
    `Beyond start-up: ${ms(beyond.median)} ms (target <= ${budgetMs} ms): ` +
      `${withinBudget ? 'met' : 'NOT MET'}. The matching benchmark's seeded inputs as lock records ` +
      `of a live holder; both runs interleaved, ${n} each after warm-up; the difference is the ` +
      'median (p90) of the per-round differences.',
  ].join('\n');
}
