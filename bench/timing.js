// Helpers shared by the benchmarks: timing loops, percentiles, child processes, peak RSS and the
// machine description.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
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

/**
 * Peak resident set of one process in MiB: from GNU time when installed, else, for a node script
 * (`command` is this node), from `process.resourceUsage()` inside the process; null otherwise.
 */
export function peakRssMiB(command, args, options) {
  let stderr;
  if (existsSync(timeBin)) {
    ({ stderr } = run(timeBin, ['-f', '%M', command, ...args], options));
  } else if (command === process.execPath) {
    ({ stderr } = run(command, ['--input-type=module', '-e', rssWrapper, ...args], options));
  } else {
    return null;
  }
  return round(Number(stderr.trim().split('\n').pop()) / 1024);
}

/** Median and p90 by nearest rank. */
export function summarize(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const percentile = (p) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
  return { median: round(percentile(50)), p90: round(percentile(90)) };
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
