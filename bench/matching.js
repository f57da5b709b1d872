// Matching scale (budget: CONTRIBUTING.md): `findConflicts` for 10,000 and 100,000 changed paths
// against 1,000 live locks of 5 scope entries each, which should grow linearly and stay under 1 s.
// The 10,000-path result is checked against a naive paths x entries loop, so a fast but broken
// matcher cannot pass.
import { performance } from 'node:perf_hooks';
import picomatch from 'picomatch';
import { findConflicts } from '../dist/guard/find-conflicts.js';
import { format, measure, progress, round, table } from './timing.js';

export const title = 'Matching scale';

const defaultRoot = '/repo';
const lockCount = 1000;
const entriesPerLock = 5;
const globShare = 0.05; // of scope entries: `<root>/pkgN/**/*.gen.ts`
const insideShare = 0.1; // of changed paths: below a prefix scope entry
const generatedShare = 0.03; // of changed paths: named *.gen.ts
const sizes = [0, 10_000, 100_000]; // 0: the fixed cost of indexing the 5,000 entries
const crossCheckSize = 10_000;
const timing = { warmup: 0, iterations: 3 }; // after one warm-up run on every input
const budgetMs = 1000;

const packages = 50;
const directoryNames = ['src', 'lib', 'test', 'api', 'core', 'utils', 'components', 'internal'];
const extensions = ['.ts', '.js', '.json', '.md'];

export async function runBench() {
  const random = seededRandom(42);
  const locks = makeLocks(random);
  const options = { worktreeRoots: [defaultRoot], ignoreCase: false };
  const inputs = sizes.map((size) => makePaths(size, locks, random));
  // One warm-up on every input before any timing, so the JIT has seen the large case too.
  progress('matching: warm-up');
  for (const paths of inputs) findConflicts(paths, locks, options);
  const rows = [];
  let crossCheck;
  for (const paths of inputs) {
    progress(`matching: ${paths.length} paths, best of ${timing.iterations}`);
    let conflicts;
    const samples = await measure(timing, {
      match: () => (conflicts = findConflicts(paths, locks, options)),
    });
    rows.push({
      paths: paths.length,
      bestMs: round(Math.min(...samples.match)),
      conflicts: conflicts.length,
      pathsInConflict: new Set(conflicts.map((conflict) => conflict.file)).size,
    });
    if (paths.length === crossCheckSize) {
      progress(`matching: naive cross-check on ${paths.length} paths`);
      crossCheck = compareWithNaive(paths, locks, conflicts);
    }
  }
  const [empty, small, large] = rows;
  return {
    unit: 'ms',
    locks: lockCount,
    entriesPerLock,
    rows,
    growth: round(large.bestMs / small.bestMs),
    growthNetOfIndexing: round((large.bestMs - empty.bestMs) / (small.bestMs - empty.bestMs)),
    inputGrowth: large.paths / small.paths,
    budgetMs,
    withinBudget: large.bestMs < budgetMs,
    crossCheck,
  };
}

/** Deterministic inputs: mulberry32. */
export function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function pick(random, items) {
  return items[Math.floor(random() * items.length)];
}

/** `count` directory names below a package: `pkgN/src/core/...`. */
function directories(random, count) {
  const names = [];
  for (let i = 0; i < count; i++) {
    names.push(i === 0 ? `pkg${Math.floor(random() * packages)}` : pick(random, directoryNames));
  }
  return names;
}

/**
 * Locks with absolute scope entries: mostly directories at depths 1-4 whose last segment is unique
 * (`.../scopeN`), so no two entries overlap, and a few globs under a package directory.
 */
export function makeLocks(random, root = defaultRoot) {
  const locks = [];
  for (let l = 0; l < lockCount; l++) {
    const scope = [];
    for (let e = 0; e < entriesPerLock; e++) {
      if (random() < globShare) {
        scope.push(`${root}/pkg${Math.floor(random() * packages)}/**/*.gen.ts`);
      } else {
        const depth = 1 + Math.floor(random() * 4);
        scope.push([root, ...directories(random, depth - 1), `scope${l}-${e}`].join('/'));
      }
    }
    const loop_name = `loop${l}`;
    locks.push({
      instance: loop_name,
      location: `${root}/.loops/.running/${loop_name}.json`,
      record: { loop_name, scope, pid: 100_000 + l, started_at: '2025-01-01T00:00:00+00:00' },
    });
  }
  return locks;
}

/**
 * `count` distinct repo-relative file paths of depth 2-6: `insideShare` of them below a directory
 * entry, the rest in the package tree, where only the globs can match them.
 */
export function makePaths(count, locks, random, root = defaultRoot) {
  const prefixes = locks
    .flatMap((lock) => lock.record.scope)
    .filter((entry) => !entry.includes('*'))
    .map((entry) => entry.slice(root.length + 1).split('/'));
  const paths = new Set();
  while (paths.size < count) {
    const extension = random() < generatedShare ? '.gen.ts' : pick(random, extensions);
    const file = `file${Math.floor(random() * 1000)}${extension}`;
    let dirs;
    if (random() < insideShare) {
      const prefix = pick(random, prefixes);
      const below = Math.floor(random() * (6 - prefix.length)); // directories below the entry
      dirs = [...prefix, ...directories(random, below + 1).slice(1)];
    } else {
      dirs = directories(random, 1 + Math.floor(random() * 5));
    }
    paths.add([...dirs, file].join('/'));
  }
  return [...paths];
}

/**
 * The same rules, the slow way: every path against every entry. A directory entry matches paths
 * equal to it or below it by whole segments (or a path that contains it); a glob matches paths
 * below its base, relative to the base, with picomatch and `dot: true`. Returns how many
 * (path, lock) pairs the two disagree on, plus any pair findConflicts reported twice.
 */
function compareWithNaive(paths, locks, conflicts) {
  const entries = locks.flatMap((lock) =>
    lock.record.scope.map((entry) => {
      const segments = entry.slice(defaultRoot.length + 1).split('/');
      const firstGlob = segments.findIndex((segment) => /[*?[\]{}]/.test(segment));
      if (firstGlob === -1) {
        const prefix = segments.join('/');
        return { lock, prefix, below: `${prefix}/` };
      }
      const base = segments.slice(0, firstGlob).join('/');
      const pattern = segments.slice(firstGlob).join('/');
      return { lock, base: base && `${base}/`, matches: picomatch(pattern, { dot: true }) };
    }),
  );
  const start = performance.now();
  const expected = new Set();
  for (const file of paths) {
    const fileBelow = `${file}/`;
    for (const entry of entries) {
      const hit =
        entry.prefix !== undefined
          ? file === entry.prefix ||
            file.startsWith(entry.below) ||
            entry.prefix.startsWith(fileBelow)
          : file.startsWith(entry.base) && entry.matches(file.slice(entry.base.length));
      if (hit) expected.add(`${file}\0${entry.lock.instance}`);
    }
  }
  const naiveMs = round(performance.now() - start);
  const found = new Set(conflicts.map((conflict) => `${conflict.file}\0${conflict.lock.instance}`));
  const missing = [...expected].filter((pair) => !found.has(pair)).length;
  const extra = [...found].filter((pair) => !expected.has(pair)).length;
  const duplicates = conflicts.length - found.size;
  return {
    paths: paths.length,
    expected: expected.size,
    mismatches: missing + extra + duplicates,
    missing,
    extra,
    duplicates,
    naiveMs,
  };
}

export function toMarkdown({
  locks,
  entriesPerLock,
  rows,
  growth,
  growthNetOfIndexing,
  inputGrowth,
  budgetMs,
  withinBudget,
  crossCheck,
}) {
  const { ms, times } = format;
  const [, small, large] = rows;
  return [
    table(
      [
        'Changed paths',
        'Locks x entries',
        'findConflicts best ms',
        'conflicts',
        'paths in conflict',
      ],
      ['---:', '---:', '---:', '---:', '---:'],
      rows.map((row) => [
        row.paths.toLocaleString('en'),
        `${locks} x ${entriesPerLock}`,
        ms(row.bestMs),
        row.conflicts,
        row.pathsInConflict,
      ]),
    ),
    '',
    `Growth from ${small.paths.toLocaleString('en')} to ${large.paths.toLocaleString('en')} paths ` +
      `(${times(inputGrowth)} the input): ${times(growth)} the time, ${times(growthNetOfIndexing)} ` +
      'net of the 0-path (indexing only) time; ' +
      `${large.paths.toLocaleString('en')} paths in ${ms(large.bestMs)} ms ` +
      `(budget < ${budgetMs} ms): ${withinBudget ? 'within budget' : 'OVER BUDGET'}.`,
    '',
    `Cross-check on ${crossCheck.paths.toLocaleString('en')} paths against a naive paths x entries ` +
      `loop (${ms(crossCheck.naiveMs)} ms, ${crossCheck.expected} expected path/lock pairs): ` +
      `**${crossCheck.mismatches} mismatches** (${crossCheck.missing} missing, ${crossCheck.extra} ` +
      `extra, ${crossCheck.duplicates} duplicates).`,
    '',
    `In-process: one warm-up run on every input, then best of ${timing.iterations} each. Seeded random inputs under ${defaultRoot}: ` +
      'directory entries at depths 1-4 that never overlap, ' +
      `${globShare * 100}% glob entries (\`pkgN/**/*.gen.ts\`, several locks per package, so a ` +
      'generated file can conflict with more than one lock); ' +
      `changed paths of depth 2-6, ${insideShare * 100}% below a directory entry, ` +
      `${generatedShare * 100}% named *.gen.ts.`,
  ].join('\n');
}
