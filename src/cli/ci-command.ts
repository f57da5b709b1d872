import path from 'node:path';
import { EnvironmentError, ExitCode } from '../errors.js';
import { verifyCommit } from '../git/change-set.js';
import { detectCiPlatform, resolveCiRange, type CiPlatform } from '../git/ci-range.js';
import type { GuardReport } from '../guard/guard-report.js';
import { printable } from '../report/printable.js';
import { defineCommand } from './command-context.js';
import { guardFlagsFrom, type GuardFlagValues } from './guard-flags.js';
import { guardPolicyOptions } from './guard-options.js';
import {
  openGuardSetup,
  runGuard,
  type GuardRequest,
  type GuardSetup,
} from '../guard/guard-session.js';
import type { Io } from './io.js';
import {
  ciFormats,
  emitNothingToEnforce,
  emitReport,
  type CiFormat,
  type ReportTarget,
} from './report-formats.js';

interface CiArgs extends GuardFlagValues {
  base?: string;
  head?: string;
  format?: CiFormat;
  requireStore: boolean;
  gitlabReport: string;
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
    const flags = guardFlagsFrom(args);
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
    target: {
      io,
      gitlab: {
        file: path.resolve(io.cwd, args.gitlabReport),
        checkout: setup.repository.topLevel,
      },
    },
  };
  // With a shared store, locks taken on every machine count: the range is always checked, so a
  // shallow clone fails with its fix on the first day.
  if (!setup.shared && !(await setup.store.probe()).exists) {
    return await noStore(setup.store.description, args.requireStore, output, io);
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
  return emitReport(output.format, report, output.target);
}

/** The report's format, and where it goes. */
interface CiOutput {
  format: CiFormat;
  target: ReportTarget;
}

async function noStore(
  runningDir: string,
  required: boolean,
  output: CiOutput,
  io: Io,
): Promise<number> {
  io.stderr.write(
    `scopeguard: no lock directory at ${printable(runningDir)}, so there is nothing to enforce ` +
      'here. Locks live where the loops run; point CI at a directory they share with ' +
      '--loops-dir or SCOPEGUARD_LOOPS_DIR.\n',
  );
  // Later steps and GitLab's artifact upload still find what they expect.
  await emitNothingToEnforce(output.format, runningDir, output.target);
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
