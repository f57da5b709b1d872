import { ExitCode } from '../errors.js';
import { describeHolder } from '../report/lock-summary.js';
import { defineCommand } from './command-context.js';
import { printable } from '../report/printable.js';

interface ReapArgs {
  dryRun: boolean;
  loopsDir?: string;
}

export const locksReapCommand = defineCommand<ReapArgs>({
  command: 'reap',
  describe: 'Remove the records of holders proven dead',
  builder: (yargs) =>
    yargs.option('dry-run', {
      type: 'boolean',
      default: false,
      describe: 'Only say what would be removed',
    }),
  async run(args, { io, openLocks }) {
    const { manager } = await openLocks(args);
    const reaped = await manager.reap({ dryRun: args.dryRun });
    const now = Date.now();
    const verb = args.dryRun ? 'would reap' : 'reaped';
    for (const lock of reaped)
      io.stdout.write(
        `${verb} ${printable(lock.instance)}: ${describeHolder(lock, now)}; ${printable(lock.reason)}\n`,
      );
    if (reaped.length === 0) io.stderr.write('scopeguard: no stale locks\n');
    return ExitCode.ok;
  },
});
