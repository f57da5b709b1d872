import { ExitCode, UsageError } from '../errors.js';
import { lockEnv } from '../lock/lock-env.js';
import { loopsDirEnv } from '../lock/loops-dir.js';
import { printable } from '../report/printable.js';
import { keepLeaseAlive } from '../store/lease-keeper.js';
import { defineCommand } from './command-context.js';
import { startGatedCommand } from './gated-command.js';
import { describeConflict, reportProblems, reportReaped } from './lock-messages.js';
import { acquireFromArgs, lockRequestOptions, type LockRequestArgs } from './lock-request.js';

export const runCommand = defineCommand<LockRequestArgs>({
  command: 'run',
  describe: 'Hold a scope lock while a command runs: scopeguard run --name N --scope P -- cmd args',
  builder: (yargs) => lockRequestOptions(yargs),
  takesCommandLine: true,
  async run(args, { io, openLocks, commandLine }) {
    const command = [...(commandLine ?? [])];
    if (command.length === 0)
      throw new UsageError(
        'no command to run: put it after --, as in `scopeguard run --name N --scope P -- make test`',
      );
    const { manager, location, leaseTtlMs } = await openLocks(args);
    const gated = startGatedCommand(command, io);
    try {
      const result = await acquireFromArgs(manager, args, io, gated.pid);
      const now = Date.now();
      reportReaped(io.stderr, result.reaped, now);
      reportProblems(io.stderr, result.problems);
      if (!result.acquired) {
        io.stderr.write(
          `scopeguard: not running ${command[0]}: ${describeConflict(result.conflict, result.reason, location.projectRoot, now)}` +
            `${args.wait > 0 ? ` (waited ${args.wait} s)` : '; pass --wait SECONDS to wait for it'}\n`,
        );
        return ExitCode.tempFail;
      }
      const { lock } = result;
      let lost = false;
      const keeper = keepLeaseAlive(manager.store, lock, {
        ttlMs: leaseTtlMs,
        onLost: (reason) => {
          lost = true;
          io.stderr.write(
            `scopeguard: lost the lock ${printable(lock.instance)} in the shared store ` +
              `(${printable(reason)}): stopping ${printable(command[0]!)} with SIGTERM\n`,
          );
          gated.kill('SIGTERM');
        },
      });
      try {
        const code = await gated.run({
          [lockEnv.instance]: lock.instance,
          [lockEnv.name]: lock.record.loop_name,
          [lockEnv.file]: lock.location,
          [loopsDirEnv]: location.loopsDir,
          ...(lock.lease && { [lockEnv.fencingToken]: lock.lease.token }),
        });
        return lost ? ExitCode.leaseLost : code;
      } finally {
        await keeper.stop();
        await manager.release(lock.instance);
      }
    } finally {
      gated.cancel();
    }
  },
});
