import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { ExitCode, UsageError } from '../errors.js';
import type { LiveLock } from '../lock/lock-store.js';
import { lockEnv } from '../lock/lock-env.js';
import { loopsDirEnv } from '../lock/loops-dir.js';
import { defineCommand } from './command-context.js';
import type { Io } from './io.js';
import { describeConflict, reportReaped } from './lock-messages.js';
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
    const { manager, location } = await openLocks(args.loopsDir);
    const result = await acquireFromArgs(manager, args, io, undefined);
    const now = Date.now();
    reportReaped(io.stderr, result.reaped, now);
    if (!result.acquired) {
      io.stderr.write(
        `scopeguard: not running ${command[0]}: ${describeConflict(result.conflict, result.reason, location.projectRoot, now)}` +
          `${args.wait > 0 ? ` (waited ${args.wait} s)` : '; pass --wait SECONDS to wait for it'}\n`,
      );
      return ExitCode.tempFail;
    }
    try {
      return await runHolding(command, result.lock, location.loopsDir, io);
    } finally {
      await manager.release(result.lock.instance);
    }
  },
});

const forwardedSignals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Run the command with inherited stdio while we hold the lock; resolve with its exit code
 * (128 + signal number when a signal ended it, 127 when it could not be started).
 */
function runHolding(command: string[], lock: LiveLock, loopsDir: string, io: Io): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command[0]!, command.slice(1), {
      cwd: io.cwd,
      stdio: 'inherit',
      env: {
        ...io.env,
        [lockEnv.instance]: lock.instance,
        [lockEnv.name]: lock.record.loop_name,
        [lockEnv.file]: lock.location,
        [loopsDirEnv]: loopsDir,
      },
    });
    // A terminal's Ctrl-C already reaches the whole foreground process group, child included;
    // forwarding it again would interrupt the child's own clean-up. Off a terminal, forward it.
    const unsubscribe = forwardedSignals
      .filter((signal) => signal !== 'SIGINT' || !io.stdinIsTTY)
      .map((signal) => io.onSignal(signal, () => child.kill(signal)));
    const ignoreTerminalInterrupt = io.stdinIsTTY
      ? io.onSignal('SIGINT', () => undefined)
      : () => undefined;
    let finished = false;
    const finish = (code: number) => {
      if (finished) return;
      finished = true;
      unsubscribe.forEach((off) => off());
      ignoreTerminalInterrupt();
      resolve(code);
    };
    child.on('error', (error: NodeJS.ErrnoException) => {
      io.stderr.write(
        `scopeguard: cannot run ${command[0]}: ${error.code === 'ENOENT' ? 'command not found' : error.message}\n`,
      );
      finish(error.code === 'ENOENT' ? 127 : 126);
    });
    child.on('exit', (code, signal) => {
      finish(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0));
    });
  });
}
