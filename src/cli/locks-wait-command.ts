import { ExitCode, UsageError } from '../errors.js';
import { printable, quoted } from '../report/printable.js';
import { defineCommand } from './command-context.js';
import { secondsOption } from './seconds-option.js';
import { waitProgress } from './wait-progress.js';

interface WaitArgs {
  scope: string[];
  timeout: number;
  name?: string;
  singleton: boolean;
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
      .option('timeout', { type: 'number', default: 300, describe: 'Seconds to wait at most' })
      .option('name', { type: 'string', describe: 'The loop that waits (with --singleton)' })
      .option('singleton', {
        type: 'boolean',
        default: false,
        describe:
          'Wait also for every other live lock of the singleton loop --name, as acquire does',
      }),
  async run(args, { io, openLocks }) {
    // Waiting on nothing would wait on the whole project, silently, for minutes.
    if (args.scope.length === 0 || args.scope.some((entry) => entry === '')) {
      throw new UsageError(
        'locks wait needs --scope PATH...: the paths to wait for (an empty path names nothing)',
        'missing-scope',
      );
    }
    const timeoutMs = secondsOption('--timeout', args.timeout);
    if (args.singleton && args.name === undefined)
      throw new UsageError('--singleton needs --name NAME, the singleton loop that waits');
    const { manager } = await openLocks(args);
    const progress = waitProgress(io.stderr, timeoutMs);
    let blocker: string | undefined;
    try {
      const free = await manager.waitForScope(args.scope, {
        timeoutMs,
        loopName: args.name,
        singleton: args.singleton,
        onWaiting: (lock, waited, reason) => {
          blocker =
            reason === 'singleton'
              ? `singleton loop ${quoted(lock.record.loop_name)} (instance ${printable(lock.instance)})`
              : printable(lock.instance);
          progress.onWaiting(lock, waited);
        },
      });
      progress.done();
      if (free) return ExitCode.ok;
      // A wait that timed out before its first poll never heard of the blocker: ask once more.
      if (blocker === undefined) {
        const query = { loopName: args.name, singleton: args.singleton };
        const last = await manager.findConflict(args.scope, query);
        if (last) blocker = printable(last.instance);
      }
      io.stderr.write(
        `scopeguard: timed out after ${args.timeout} s; still held by ${blocker ?? 'another loop'}\n`,
      );
      return ExitCode.refused;
    } finally {
      progress.done();
    }
  },
});
