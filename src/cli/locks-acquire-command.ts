import { ExitCode } from '../errors.js';
import { storeJson } from '../report/json-report.js';
import { printableJson } from '../report/printable.js';
import { defineCommand } from './command-context.js';
import { yargsOptions } from './command-flags.js';
import { acquireFlags } from './lock-flags.js';
import { startLeaseKeeper } from './lease-keeper-process.js';
import { defaultHolderPid } from './default-holder.js';
import { describeConflict, reportProblems, reportReaped } from './lock-messages.js';
import { acquireFromArgs, type LockRequestArgs } from './lock-request.js';

interface AcquireArgs extends LockRequestArgs {
  pid?: number;
  format: 'text' | 'json';
}

export const locksAcquireCommand = defineCommand<AcquireArgs>({
  command: 'acquire',
  describe: 'Take a scope lock held by a long-lived process (prints the instance)',
  builder: (yargs) => yargs.options(yargsOptions(acquireFlags)),
  async run(args, { io, openLocks }) {
    const pid = args.pid ?? defaultHolderPid(io);
    const { manager, location, shared } = await openLocks(args);
    const result = await acquireFromArgs(manager, args, io, pid);
    const now = Date.now();
    reportReaped(io.stderr, result.reaped, now);
    reportProblems(io.stderr, result.problems);
    if (!result.acquired) {
      io.stderr.write(
        `scopeguard: not acquired: ${describeConflict(result.conflict, result.reason, location.projectRoot, now)}\n`,
      );
      return ExitCode.refused;
    }
    if (shared && result.lock.lease) startLeaseKeeper(io, result.lock, shared, args.loopsDir);
    if (args.format === 'json') {
      const { instance, location: file } = result.lock;
      const document = { instance, file, ...storeJson(result.lock) };
      io.stdout.write(`${printableJson(JSON.stringify(document))}\n`);
    } else io.stdout.write(`${result.lock.instance}\n`);
    return ExitCode.ok;
  },
});
