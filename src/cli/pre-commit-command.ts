import { envSwitch } from '../config/env-switch.js';
import { guardEnv } from '../guard/guard-env.js';
import { printable } from '../report/printable.js';
import { ExitCode, UsageError } from '../errors.js';
import { guardFlagsFrom, parseHookArgs } from './guard-flags.js';
import { emitReport, guardFormats, type GuardFormat } from './report-formats.js';
import { runGuard } from '../guard/guard-session.js';
import type { Io } from './io.js';

const usage = `Usage: scopeguard pre-commit [--mode block|warn|off] [--format text|json] [--as NAME]... [--strict] [--loops-dir DIR] [--staged-from-stdin]
       [--store postgres://USER@HOST:PORT/DB] [--namespace NAME]

The git pre-commit hook entry: checks the staged changes (honouring GIT_INDEX_FILE, so
\`git commit -a\` and \`git commit <path>\` are seen as committed) against scopes held by
other live loops. ${guardEnv.skip}=1 (or true, yes, on) skips it for one commit; so does \`git commit --no-verify\`.
With a shared store (--store, SCOPEGUARD_STORE or "store" in the config) that cannot be reached,
the commit proceeds with a warning after checking the lock directory, unless "onStoreError" is
"block".
With --staged-from-stdin it reads the staged list from the installed hook instead of running git.
`;

/** The hook entry; it runs on every commit, so its flags are parsed without yargs. */
export async function preCommit(argv: readonly string[], io: Io): Promise<number> {
  const values = parseHookArgs('pre-commit', argv, {
    format: { type: 'string', default: 'text' },
    'staged-from-stdin': { type: 'boolean' },
  });
  if (values.help) {
    io.stdout.write(usage);
    return ExitCode.ok;
  }
  if (!guardFormats.includes(values.format as GuardFormat)) {
    throw new UsageError(
      `pre-commit: --format should be one of ${guardFormats.join(', ')}`,
      'usage',
    );
  }
  // Read even when skipping, so the hook's git never writes into a closed pipe.
  const piped = values['staged-from-stdin'] ? await io.readStdin() : undefined;
  const skip = io.env[guardEnv.skip];
  const skipping = envSwitch(skip);
  if (skipping) {
    io.stderr.write(
      `scopeguard: pre-commit check skipped (${guardEnv.skip}=${printable(skip!)})\n`,
    );
    return ExitCode.ok;
  }
  if (skipping === undefined) {
    io.stderr.write(
      `scopeguard: ignoring ${guardEnv.skip}=${printable(skip!)}: set it to 1 (or true, yes, on) to skip the check, or unset it\n`,
    );
  }
  const report = await runGuard(
    {
      source: {
        kind: 'staged',
        piped,
      },
      flags: guardFlagsFrom(values),
      asHook: true,
      defaultOnStoreError: 'warn',
    },
    io,
  );
  return await emitReport(values.format as GuardFormat, report, { io });
}
