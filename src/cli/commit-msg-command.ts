import { ExitCode, UsageError } from '../errors.js';
import { addCommitTrailers } from '../git/commit-message-trailers.js';
import { ownLockTest, partitionLocks } from '../guard/own-lock-policy.js';
import { scopeLockTrailerKey, scopeLockTrailerValue } from '../guard/scope-lock-trailer.js';
import { processAncestry } from '../lock/own-locks.js';
import { printable } from '../report/printable.js';
import { openGuardSetup, readLocks } from '../guard/guard-session.js';
import { guardFlagsFrom, parseHookArgs } from './guard-flags.js';
import type { Io } from './io.js';
import { reportProblems, reportReaped } from './lock-messages.js';

const usage = `Usage: scopeguard commit-msg FILE [--as NAME]... [--loops-dir DIR]
       [--store postgres://USER@HOST:PORT/DB] [--namespace NAME]

The git commit-msg hook entry: when the commit is made under locks of its own (the committing
process descends from the holder, or --as, SCOPEGUARD_AS or SCOPEGUARD_LOCK_INSTANCE names the
lock), adds one "${scopeLockTrailerKey}:" trailer per lock to the message in FILE, unless the message
already has it. \`ci\` excuses the holder's own commits by these trailers.
`;

/**
 * The commit-msg hook entry, parsed with node's own parseArgs like pre-commit: it runs on every
 * commit. The message file is the only thing it writes, and only when an own lock exists.
 */
export async function commitMsg(argv: readonly string[], io: Io): Promise<number> {
  // git passes the message file first; the guard's flags may follow.
  const [file, ...rest] = argv;
  const values = parseHookArgs('commit-msg', file?.startsWith('-') ? argv : rest, {});
  if (values.help) {
    io.stdout.write(usage);
    return ExitCode.ok;
  }
  if (file === undefined || file.startsWith('-')) {
    throw new UsageError(
      'commit-msg: give the commit message file first, as git passes it to the hook: scopeguard commit-msg "$1"',
      'usage',
    );
  }
  const flags = guardFlagsFrom(values);
  const setup = await openGuardSetup(flags, io, undefined, 'warn');
  try {
    const isOwn = ownLockTest(processAncestry, setup.settings.identity);
    // Only our own locks are named in the message: the others are left out as they are read.
    const snapshot = await readLocks(setup, io, { keep: isOwn });
    reportReaped(io.stderr, snapshot.reaped, Date.now());
    reportProblems(io.stderr, snapshot.problems);
    const { own } = partitionLocks(snapshot.locks, isOwn);
    if (own.length === 0) return ExitCode.ok;
    const trailers = [];
    for (const lock of own) {
      const value = scopeLockTrailerValue(lock, setup.shared?.namespace);
      if (value === undefined) {
        io.stderr.write(
          `scopeguard: warning: lock ${printable(lock.instance)} is not named in the commit message: its name, host or start time holds a control character\n`,
        );
      } else trailers.push({ key: scopeLockTrailerKey, value });
    }
    if (trailers.length > 0) await addCommitTrailers(file, trailers, io.cwd, io.env);
    return ExitCode.ok;
  } finally {
    await setup.store.close();
  }
}
