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
        describe: 'Paths to wait for; none means the whole project',
      })
      .option('timeout', { type: 'number', default: 300, describe: 'Seconds to wait at most' }),
  async run(args, { io, openLocks }) {
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
      if (free) return 0;
      io.stderr.write(
        `scopeguard: timed out after ${args.timeout} s; still held by ${blocker === undefined ? 'another loop' : printable(blocker)}\n`,
      );
      return 1;
    } finally {
      progress.done();
    }
  },
});
