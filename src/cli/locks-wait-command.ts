import { ExitCode, UsageError } from '../errors.js';
import { defineCommand } from './command-context.js';
import { secondsOption } from './seconds-option.js';
import { waitProgress } from './wait-progress.js';
import { printable } from '../report/printable.js';

interface WaitArgs {
  scope: string[];
  timeout: number;
  loopsDir?: string;
}

export const locksWaitCommand = defineCommand<WaitArgs>({
  command: 'wait',
  describe: 'Wait until no live lock overlaps the scope (exit 1 on timeout)',
  builder: (yargs) =>
    yargs
      .option('scope', {
        type: 'string',
        array: true,
        default: [],
        describe: 'Paths to wait for (required)',
      })
      .option('timeout', { type: 'number', default: 300, describe: 'Seconds to wait at most' }),
  async run(args, { io, openLocks }) {
    // Waiting on nothing would wait on the whole project, silently, for minutes.
    if (args.scope.length === 0 || args.scope.some((entry) => entry === '')) {
      throw new UsageError(
        'locks wait needs --scope PATH...: the paths to wait for (an empty path names nothing)',
        'missing-scope',
      );
    }
    const timeoutMs = secondsOption('--timeout', args.timeout);
    const { manager } = await openLocks(args);
    const progress = waitProgress(io.stderr, timeoutMs);
    let blocker: string | undefined;
    try {
      const free = await manager.waitForScope(args.scope, {
        timeoutMs,
        onWaiting: (lock, waited) => {
          blocker = lock.instance;
          progress.onWaiting(lock, waited);
        },
      });
      progress.done();
      if (free) return ExitCode.ok;
      // A wait that timed out before its first poll never heard of the blocker: ask once more.
      blocker ??= (await manager.findConflict(args.scope))?.instance;
      io.stderr.write(
        `scopeguard: timed out after ${args.timeout} s; still held by ${blocker === undefined ? 'another loop' : printable(blocker)}\n`,
      );
      return ExitCode.refused;
    } finally {
      progress.done();
    }
  },
});
