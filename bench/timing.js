// Helpers shared by the benchmarks: timing loops, percentiles, child processes, peak RSS and the
// machine description.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const timeBin = '/usr/bin/time';

/** Progress goes to stderr, so stdout holds only the report. */
export const progress = (message) => process.stderr.write(`bench: ${message}\n`);

/**
 * Run each operation in turn, `warmup + iterations` times, interleaved so that all of them see the
 * same machine load; the wall times in ms after warm-up, by operation name.
 */
export async function measure({ warmup, iterations }, operations) {
  const samples = Object.fromEntries(Object.keys(operations).map((name) => [name, []]));
  for (let i = 0; i < warmup + iterations; i++) {
    for (const [name, operation] of Object.entries(operations)) {
      const start = performance.now();
      await operation();
      const elapsed = performance.now() - start;
      if (i >= warmup) samples[name].push(elapsed);
    }
  }
  return samples;
}

/**
 * Run a process to completion, with `input` on its stdin: its stdout and stderr, or an error with
 * its status and output.
 */
export function run(command, args, { cwd, env = process.env, input = '' } = {}) {
  const result = spawnSync(command, args, { cwd, env, input, encoding: 'utf8' });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    const output = `${result.stderr}${result.stdout}`.trim();
    throw new Error(
      `${command} ${args.join(' ')} exited ${result.status ?? result.signal}: ${output}`,
    );
  }
  return { stdout: result.stdout, stderr: result.stderr };
}

// Runs the node script in argv[1] in this process and reports its peak RSS (KiB) as the last line
// of stderr, the way GNU time's `-f %M` does.
const rssWrapper = `
import { pathToFileURL } from 'node:url';
process.on('exit', () => process.stderr.write('\\n' + process.resourceUsage().maxRSS + '\\n'));
await import(pathToFileURL(process.argv[1]).href);
`;

// Runs of a process whose peak resident sets give the median: one run's moves by about 0.5 MiB
// with where the kernel happens to map node's pages.
const rssRuns = 5;

/**
 * Peak resident set of a process in MiB, the median of `rssRuns` runs: from GNU time when
 * installed, else, for a node script (`command` is this node), from `process.resourceUsage()`
 * inside the process; null otherwise.
 */
export function peakRssMiB(command, args, options) {
  const once = () => {
    let stderr;
    if (existsSync(timeBin)) {
      ({ stderr } = run(timeBin, ['-f', '%M', command, ...args], options));
    } else if (command === process.execPath) {
      ({ stderr } = run(command, ['--input-type=module', '-e', rssWrapper, ...args], options));
    } else {
      return null;
    }
    return Number(stderr.trim().split('\n').pop()) / 1024;
  };
  const runs = Array.from({ length: rssRuns }, once);
  if (runs[0] === null) return null;
  return round(runs.sort((a, b) => a - b)[Math.floor(rssRuns / 2)]);
}

/** Median and p90 by nearest rank. */
export function summarize(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const percentile = (p) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
  return { median: round(percentile(50)), p90: round(percentile(90)) };
}

/**
 * Median and p90 of the per-iteration ratios `ours[i] / theirs[i]`: `measure` interleaves the
 * operations, so each pair saw the same machine load, which keeps a noisy machine's drift out.
 */
export function pairedRatio(ours, theirs) {
  return summarize(ours.map((value, i) => value / theirs[i]));
}

/** Median and p90 of the per-iteration differences `ours[i] - theirs[i]`, in ms. */
export function pairedDifference(ours, theirs) {
  return summarize(ours.map((value, i) => value - theirs[i]));
}

export function ratio(ours, theirs) {
  return { median: round(ours.median / theirs.median), p90: round(ours.p90 / theirs.p90) };
}

export function round(value) {
  return Math.round(value * 1000) / 1000;
}

/** Markdown cell formatters; null and undefined print as a dash. */
export const format = {
  ms: (value) => (value == null ? '—' : value.toFixed(2)),
  times: (value) => (value == null ? '—' : `${value.toFixed(2)}x`),
  mib: (value) => (value == null ? '—' : `${value.toFixed(1)} MiB`),
};

/** A Markdown table from a header row, an alignment row (`---` or `---:` per column) and rows. */
export function table(header, align, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(align), ...rows.map(line)].join('\n');
}

// Variables that change what a process does (an enclosing git or scopeguard run) or tax every
// start of node on build machines but not on a user's (NODE_EXTRA_CA_CERTS: about 40 ms a start).
const taxingVariables = ['NODE_EXTRA_CA_CERTS', 'NODE_OPTIONS', 'NODE_V8_COVERAGE'];
const isRemoved = (name) =>
  name.startsWith('GIT_') || name.startsWith('SCOPEGUARD_') || taxingVariables.includes(name);

/**
 * The one environment every process of every benchmark runs in, on both sides of each ratio:
 * this process's, minus git, scopeguard and start-up-taxing variables, with no user or system git
 * config. `removed` names what was dropped, for the report.
 */
export function benchEnv() {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !isRemoved(name)));
  const removed = Object.keys(process.env).filter(isRemoved).sort();
  return { env: { ...env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' }, removed };
}

export function describeMachine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model?.trim() || cpuModelFromProc() || 'unknown',
    cores: os.availableParallelism?.() ?? cpus.length,
    memoryGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    node: process.version,
    os: `${osName()} (${os.type()} ${os.release()}, ${os.arch()})`,
  };
}

function cpuModelFromProc() {
  return readOptional('/proc/cpuinfo').match(/^model name\s*:\s*(.+)$/m)?.[1];
}

function osName() {
  return (
    readOptional('/etc/os-release').match(/^PRETTY_NAME="?([^"\n]*)"?$/m)?.[1] ?? os.platform()
  );
}

export function readOptional(file) {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/**
 * Run `work(tmp, holderPid)` in a fresh temporary folder with a lock holder: a process alive for
 * the whole run and no ancestor of anything the benchmark starts. Both are gone afterwards.
 */
export async function withTempAndHolder(work) {
  const tmp = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'scopeguard-bench-')));
  const holder = spawn('sleep', ['3600'], { stdio: 'ignore' });
  try {
    return await work(tmp, holder.pid);
  } finally {
    holder.kill();
    rmSync(tmp, { recursive: true, force: true });
  }
}
