import { builtin } from '../builtin.js';
import path from 'node:path';
import { EnvironmentError, ExitCode } from '../errors.js';
import { verifyCommit } from '../git/change-set.js';
import { detectCiPlatform, resolveCiRange, type CiPlatform } from '../git/ci-range.js';
import { hasReportText, type GuardReport } from '../guard/guard-report.js';
import { formatGitHubReport, nothingToEnforceSummary } from '../report/github-report.js';
import { formatGitLabReport } from '../report/gitlab-report.js';
import { printable } from '../report/printable.js';
import { defineCommand } from './command-context.js';
import { guardPolicyOptions } from './guard-options.js';
import { emitGuardReport } from './guard-output.js';
import { openGuardSetup, runGuard, type GuardRequest, type GuardSetup } from './guard-session.js';
import type { Io } from './io.js';
import { appendToRunnerFile, writeReportFile } from './report-file.js';

const ciFormats = ['text', 'json', 'github', 'gitlab'] as const;
type CiFormat = (typeof ciFormats)[number];

interface CiArgs {
  base?: string;
  head?: string;
  format?: CiFormat;
  mode?: string;
  as?: string[];
  strict?: boolean;
  requireStore: boolean;
  gitlabReport: string;
  loopsDir?: string;
  store?: string;
  namespace?: string;
}

export const ciCommand = defineCommand<CiArgs>({
  command: 'ci',
  describe: 'Check the changes of a push or pull request (range found from the CI environment)',
  builder: (yargs) =>
    guardPolicyOptions(yargs)
      .option('base', {
        type: 'string',
        describe: 'Base of the range (default: from the CI event)',
      })
      .option('head', {
        type: 'string',
        describe: 'Head of the range (default: from the CI event, else HEAD)',
      })
      .option('format', {
        type: 'string',
        choices: ciFormats,
        describe:
          'Report format (default: github in GitHub Actions, gitlab in GitLab CI, else text)',
      })
      .option('require-store', {
        type: 'boolean',
        default: false,
        describe: 'Fail (exit 3) when there is no lock directory to read, instead of passing',
      })
      .option('gitlab-report', {
        type: 'string',
        default: 'gl-code-quality-report.json',
        describe: 'Where --format gitlab writes its Code Quality report',
      }),
  async run(args, { io }) {
    const platform = detectCiPlatform(io.env);
    const format: CiFormat = args.format ?? (platform === 'other' ? 'text' : platform);
    const flags = {
      mode: args.mode,
      strict: args.strict,
      as: args.as,
      loopsDir: args.loopsDir,
      store: args.store,
      namespace: args.namespace,
    };
    // CI is where enforcement must not lapse silently: an unreachable shared store fails the job.
    const setup = await openGuardSetup(flags, io, undefined, 'block');
    try {
      return await checkCi(args, { flags, setup, platform, format }, io);
    } finally {
      await setup.store.close();
    }
  },
});

async function checkCi(
  args: CiArgs,
  {
    flags,
    setup,
    platform,
    format,
  }: { flags: GuardRequest['flags']; setup: GuardSetup; platform: CiPlatform; format: CiFormat },
  io: Io,
): Promise<number> {
  // Refs typed on the command line are checked even when there is nothing to enforce, so a typo
  // in a CI step fails the day it is written, not the first day a loop holds a lock.
  for (const ref of [args.base, args.head])
    if (ref !== undefined) await verifyCommit(ref, io.cwd, io.env);
  const output: CiOutput = {
    format,
    gitlabFile: path.resolve(io.cwd, args.gitlabReport),
    checkout: setup.repository.topLevel,
  };
  // With a shared store, locks taken on every machine count: the range is always checked, so a
  // shallow clone fails with its fix on the first day.
  if (!setup.shared && !(await setup.store.probe()).exists) {
    return noStore(setup.store.description, args.requireStore, output, io);
  }

  const range = await resolveCiRange({ base: args.base, head: args.head }, io.env, io.cwd);
  let report: GuardReport;
  try {
    // The range may come from the CI event: both ends must name commits before they are shown.
    for (const ref of [range.base, range.head]) await verifyCommit(ref, io.cwd, io.env);
    io.stderr.write(
      `scopeguard: checking ${printable(range.base)}...${printable(range.head)} (${printable(range.reason)})\n`,
    );
    report = await runGuard(
      { source: { kind: 'range', base: range.base, head: range.head }, flags },
      io,
      setup,
    );
  } catch (error) {
    throw withShallowFix(error, setup.repository.shallow, platform);
  }
  if (report.range) {
    io.stderr.write(
      `scopeguard: compared merge base ${report.range.mergeBase.slice(0, 12)} with ${report.range.head.slice(0, 12)}: ${report.filesChecked ?? 0} changed files\n`,
    );
  }
  return emitCiReport(report, output, io);
}

/** Where the report goes: the format, and for GitLab the report file inside which checkout. */
interface CiOutput {
  format: CiFormat;
  gitlabFile: string;
  checkout: string;
}

function noStore(runningDir: string, required: boolean, output: CiOutput, io: Io): number {
  io.stderr.write(
    `scopeguard: no lock directory at ${printable(runningDir)}, so there is nothing to enforce ` +
      'here. Locks live where the loops run; point CI at a directory they share with ' +
      '--loops-dir or SCOPEGUARD_LOOPS_DIR.\n',
  );
  // Later steps and GitLab's artifact upload still find what they expect.
  if (output.format === 'github') {
    writeGitHubFiles(io, nothingToEnforceSummary(runningDir), { conflicts: '0' });
  }
  if (output.format === 'gitlab') writeGitLabFile(io, output, '[]\n');
  if (!required) return ExitCode.ok;
  io.stderr.write('scopeguard: failing because of --require-store\n');
  return ExitCode.environment;
}

const fixes: Record<CiPlatform, string> = {
  github:
    'the checkout is shallow: give actions/checkout the whole history with\n      - uses: actions/checkout@v4\n        with:\n          fetch-depth: 0',
  gitlab:
    'the clone is shallow: set `GIT_DEPTH: 0` in the job\'s variables (or "Git shallow clone" to 0 in Settings > CI/CD > General pipelines)',
  other: 'the clone is shallow: fetch the full history first (`git fetch --unshallow`)',
};

/** A missing ref or merge base in a shallow clone: say exactly how to fix it for this platform. */
function withShallowFix(error: unknown, shallow: boolean, platform: CiPlatform): unknown {
  if (!shallow || !(error instanceof EnvironmentError)) return error;
  if (error.code !== 'bad-ref' && error.code !== 'no-merge-base') return error;
  return new EnvironmentError(`${error.message}\nFix: ${fixes[platform]}`, 'shallow-clone');
}

/** The report on stdout first, so that the log shows it even if a report file cannot be written. */
async function emitCiReport(report: GuardReport, output: CiOutput, io: Io): Promise<number> {
  if (output.format === 'github') {
    const github = formatGitHubReport(report, Date.now());
    io.stdout.write(github.commands);
    const code = await emitPausingCommands(report, io);
    writeGitHubFiles(io, github.summary, github.outputs);
    return code;
  }
  const code = await emitGuardReport(report, output.format === 'json' ? 'json' : 'text', io);
  if (output.format === 'gitlab') writeGitLabFile(io, output, formatGitLabReport(report));
  return code;
}

/**
 * The human report inside a GitHub step. It repeats file names, which a pull request controls,
 * and the runner acts on any line that starts with `::` (after blanks) or holds `##[`: the names
 * are printable, and workflow commands are paused around the report as well, as GitHub advises
 * for echoing untrusted text.
 */
async function emitPausingCommands(report: GuardReport, io: Io): Promise<number> {
  // Without a report nothing goes to stdout, and diagnostics on stderr are printable.
  if (!hasReportText(report)) return emitGuardReport(report, 'text', io);
  const token = builtin('node:crypto').randomUUID();
  io.stdout.write(`::stop-commands::${token}\n`);
  try {
    return await emitGuardReport(report, 'text', io);
  } finally {
    io.stdout.write(`::${token}::\n`);
  }
}

/**
 * Append to the step summary and the step outputs, when the runner provides them. These are the
 * runner's own files outside the checkout, shared with other steps: appended to, never replaced.
 */
function writeGitHubFiles(io: Io, summary: string, outputs: Record<string, string>): void {
  if (io.env.GITHUB_STEP_SUMMARY)
    appendToRunnerFile(io.env.GITHUB_STEP_SUMMARY, summary, 'the step summary');
  if (io.env.GITHUB_OUTPUT) {
    const lines = Object.entries(outputs).map(([key, value]) => `${key}=${value}\n`);
    appendToRunnerFile(io.env.GITHUB_OUTPUT, lines.join(''), 'the step outputs');
  }
}

function writeGitLabFile(io: Io, output: CiOutput, content: string): void {
  writeReportFile(output.gitlabFile, content, output.checkout);
  io.stderr.write(`scopeguard: wrote the Code Quality report ${printable(output.gitlabFile)}\n`);
}
