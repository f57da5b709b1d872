import { hasFindings } from '../guard/guard-report.js';
import { UsageError } from '../errors.js';
import type { ChangeSource } from '../git/change-set.js';
import { defineCommand } from './command-context.js';
import { guardFlagsFrom, type GuardFlagValues } from './guard-flags.js';
import { guardPolicyOptions } from './guard-options.js';
import { emitReport, guardFormats, type GuardFormat } from './report-formats.js';
import { runGuard } from '../guard/guard-session.js';
import type { Io } from './io.js';

interface CheckArgs extends GuardFlagValues {
  paths: string[];
  staged: boolean;
  base?: string;
  head?: string;
  stdin: boolean;
  format: GuardFormat;
}

export const checkCommand = defineCommand<CheckArgs>({
  command: 'check [paths..]',
  describe: 'Check changes against scopes held by other live loops (default: the working tree)',
  builder: (yargs) =>
    guardPolicyOptions(yargs)
      .positional('paths', {
        type: 'string',
        array: true,
        default: [],
        describe: 'Paths to check instead of the working tree',
      })
      .option('staged', {
        type: 'boolean',
        default: false,
        describe: 'Check what the next commit records (the index)',
      })
      .option('base', {
        type: 'string',
        describe: 'Check the changes from the merge base of REF to --head',
      })
      .option('head', {
        type: 'string',
        describe: 'The end of the range (default HEAD); needs --base',
      })
      .option('stdin', {
        type: 'boolean',
        default: false,
        describe: 'Read paths from stdin, NUL- or newline-separated',
      })
      .option('format', {
        type: 'string',
        choices: guardFormats,
        default: 'text',
        describe: 'Report format',
      }),
  async run(args, { io }) {
    const source = await changeSource(args, io);
    const report = await runGuard(
      {
        source,
        flags: guardFlagsFrom(args),
      },
      io,
    );
    const exitCode = await emitReport(args.format, report, { io });
    if (args.format === 'text' && io.stdout.isTTY && !hasFindings(report)) {
      const { formatPassLine } = await import('../report/text-report.js');
      io.stdout.write(formatPassLine(report));
    }
    return exitCode;
  },
});

async function changeSource(args: CheckArgs, io: Io): Promise<ChangeSource> {
  const chosen = [
    args.staged && '--staged',
    args.base !== undefined && '--base',
    args.stdin && '--stdin',
    args.paths.length > 0 && 'PATHS',
  ].filter(Boolean);
  if (chosen.length > 1)
    throw new UsageError(
      `choose one source of changes, not ${chosen.join(' and ')}`,
      'conflicting-sources',
    );
  if (args.head !== undefined && args.base === undefined)
    throw new UsageError('--head needs --base', 'head-without-base');
  if (args.staged) return { kind: 'staged' };
  if (args.base !== undefined) return { kind: 'range', base: args.base, head: args.head ?? 'HEAD' };
  if (args.stdin)
    return { kind: 'paths', paths: splitPathList(await io.readStdin()), origin: 'stdin' };
  if (args.paths.length > 0)
    return { kind: 'paths', paths: args.paths.map(String), origin: 'arguments' };
  return { kind: 'worktree' };
}

/**
 * NUL-separated when the input holds a NUL (as `git diff -z` prints), else one path per line, a
 * line ending in CRLF or LF. Split at one character: a pattern costs twice as much per path. The
 * pieces are kept in place, in the array the split made: there can be a hundred thousand of them.
 */
export function splitPathList(input: string): string[] {
  const separator = input.includes('\0') ? '\0' : '\n';
  const crlf = separator === '\n' && input.includes('\r');
  const paths = input.split(separator);
  let kept = 0;
  for (let index = 0; index < paths.length; index++) {
    let path = paths[index]!;
    // Only a CR before an LF ends a line: the last line has none after it.
    if (crlf && index < paths.length - 1 && path.endsWith('\r')) path = path.slice(0, -1);
    if (path !== '') paths[kept++] = path;
  }
  paths.length = kept;
  return paths;
}
