import { ExitCode, UsageError } from '../errors.js';
import { lockEnv } from '../lock/lock-env.js';
import { loopsDirEnv } from '../lock/loops-dir.js';
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
    const { manager, location } = await openLocks(args);
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
      try {
        return await gated.run({
          [lockEnv.instance]: result.lock.instance,
          [lockEnv.name]: result.lock.record.loop_name,
          [lockEnv.file]: result.lock.location,
          [loopsDirEnv]: location.loopsDir,
        });
      } finally {
        await manager.release(result.lock.instance);
      }
    } finally {
      gated.cancel();
    }
  },
});
