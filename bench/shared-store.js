// The shared store on PostgreSQL: library acquire + release latency and throughput with 1 and 8
// concurrent clients on loopback; the pre-commit hook with the shared store configured against
// the directory-store hook (ratio, interleaved); `check --stdin` of 10,000 paths against 1,000
// shared leases. The server is SCOPEGUARD_BENCH_PG_URL (default: the test server); every run
// uses a namespace of its own and removes it afterwards.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  benchEnv,
  format,
  measure,
  pairedRatio,
  progress,
  round,
  run,
  summarize,
  table,
} from './timing.js';

export const title = 'shared store (PostgreSQL)';

const repoRoot = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const scopeguardBin = path.join(repoRoot, 'bin', 'scopeguard.js');
const pgUrl = process.env.SCOPEGUARD_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const pairs = 200;
const clientCounts = [1, 8];
const hookTiming = { warmup: 3, iterations: 20 };
const leaseCount = 1000;
const checkedPaths = 10_000;

export async function runBench() {
  const { openStore } = await import(pathToFileURL(path.join(repoRoot, 'dist', 'index.js')).href);
  const tmp = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'scopeguard-bench-pg-')));
  const namespace = `bench-${randomBytes(4).toString('hex')}`;
  const { env } = benchEnv();
  const repo = makeRepository(path.join(tmp, 'repo'), env);
  const open = (loopsDir) =>
    openStore({
      loopsDir,
      projectRoot: repo,
      shared: { url: pgUrl, urlSource: 'SCOPEGUARD_BENCH_PG_URL', namespace, cwd: repo, env },
    });
  try {
    const latency = {};
    for (const clients of clientCounts) {
      progress(`shared store: ${pairs} acquire + release pairs with ${clients} client(s)`);
      latency[clients] = await acquireRelease(open, tmp, clients);
    }

    progress('shared store: pre-commit with and without the shared store');
    writeFileSync(path.join(repo, 'staged.txt'), 'x\n');
    run('git', ['add', 'staged.txt'], { cwd: repo, env });
    const withStore = { ...env, SCOPEGUARD_STORE: pgUrl, SCOPEGUARD_NAMESPACE: namespace };
    const hook = (hookEnv) => () =>
      run(process.execPath, [scopeguardBin, 'pre-commit'], { cwd: repo, env: hookEnv });
    const hookSamples = await measure(hookTiming, {
      directory: hook(env),
      shared: hook(withStore),
    });

    progress(`shared store: check --stdin of ${checkedPaths} paths against ${leaseCount} leases`);
    const store = await open(path.join(tmp, 'leases-loops'));
    for (let n = 0; n < leaseCount; n++) {
      await store.acquire({
        loopName: `lease-${n}`,
        scope: [path.join(repo, 'held', String(n))],
        pid: process.pid,
      });
    }
    const paths = Array.from({ length: checkedPaths }, (_, n) => `free/${n % 100}/file-${n}.ts`);
    const check = (checkEnv) => () =>
      run(process.execPath, [scopeguardBin, 'check', '--stdin'], {
        cwd: repo,
        env: checkEnv,
        input: paths.join('\n'),
      });
    const checkSamples = await measure(hookTiming, {
      directory: check(env),
      shared: check(withStore),
    });
    await store.close();

    return {
      pairs,
      latency,
      hook: {
        directory: summarize(hookSamples.directory),
        shared: summarize(hookSamples.shared),
        ratio: pairedRatio(hookSamples.shared, hookSamples.directory),
      },
      check: {
        leases: leaseCount,
        paths: checkedPaths,
        directory: summarize(checkSamples.directory),
        shared: summarize(checkSamples.shared),
      },
    };
  } finally {
    await dropNamespace(namespace);
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * `clients` stores, each with its own connection, acquire and release disjoint scopes in a loop
 * at the same time: per-pair latency (median, p90) and pairs per second overall.
 */
async function acquireRelease(open, tmp, clients) {
  const stores = await Promise.all(
    Array.from({ length: clients }, (_, n) => open(path.join(tmp, `loops-${clients}-${n}`))),
  );
  try {
    const samples = [];
    const perClient = Math.ceil(pairs / clients);
    const started = performance.now();
    await Promise.all(
      stores.map(async (store, n) => {
        for (let i = 0; i < perClient; i++) {
          const start = performance.now();
          const result = await store.acquire({
            loopName: `bench-${clients}-${n}`,
            scope: [path.join(tmp, 'repo', `client-${n}`)],
            pid: process.pid,
          });
          if (!result.acquired) throw new Error(`bench acquire refused: ${result.reason}`);
          await store.release(result.lock.instance, { force: true, caller: () => [] });
          samples.push(performance.now() - start);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    return { ...summarize(samples), perSecond: round(samples.length / seconds) };
  } finally {
    await Promise.all(stores.map((store) => store.close()));
  }
}

function makeRepository(dir, env) {
  mkdirSync(dir, { recursive: true });
  run('git', ['init', '-q', '-b', 'main'], { cwd: dir, env });
  run(
    'git',
    ['-c', 'user.name=b', '-c', 'user.email=b@b', 'commit', '-q', '--allow-empty', '-m', 'i'],
    {
      cwd: dir,
      env,
    },
  );
  return dir;
}

async function dropNamespace(namespace) {
  const pg = createRequire(import.meta.url)('pg');
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    await client.query('DELETE FROM scopeguard.namespaces WHERE name = $1', [namespace]);
  } finally {
    await client.end();
  }
}

export function toMarkdown(result) {
  const latencyRows = Object.entries(result.latency).map(([clients, figure]) => [
    clients,
    format.ms(figure.median),
    format.ms(figure.p90),
    figure.perSecond.toFixed(0),
  ]);
  return [
    `Library \`acquire\` + \`release\` through the layered store (lock directory and shared lease), ` +
      `${result.pairs} pairs, disjoint scopes, loopback:`,
    '',
    table(
      ['clients', 'median ms', 'p90 ms', 'pairs/s'],
      ['---:', '---:', '---:', '---:'],
      latencyRows,
    ),
    '',
    table(
      ['figure', 'directory store', 'with the shared store', 'ratio (median, p90)'],
      ['---', '---:', '---:', '---:'],
      [
        [
          '`pre-commit`, one staged file, no locks (ms)',
          format.ms(result.hook.directory.median),
          format.ms(result.hook.shared.median),
          `${format.times(result.hook.ratio.median)}, ${format.times(result.hook.ratio.p90)}`,
        ],
        [
          `\`check --stdin\`, ${result.check.paths} paths, ${result.check.leases} shared leases (ms)`,
          format.ms(result.check.directory.median),
          format.ms(result.check.shared.median),
          '—',
        ],
      ],
    ),
  ].join('\n');
}
