import { parsePlainArgs, type CommandFlags } from './command-flags.js';
import type { CommandSpec } from './command-context.js';
import { storeFlags } from './guard-flags.js';
import type { Command } from './hook-commands.js';
import { acquireFlags, namesOneTarget, releaseFlags } from './lock-flags.js';

interface PlainLockCommand {
  flags: CommandFlags;
  /** The checks yargs makes beyond the flags' own (none for acquire). */
  accepts?: (args: Record<string, unknown>) => boolean;
  load: () => Promise<CommandSpec>;
}

/**
 * `locks acquire` and `locks release`, which scripts run around every piece of work, in their
 * plain spelling run without yargs: building its parser costs each call more than the lock work.
 * The same handler runs either way; only the parsing differs.
 */
const plainLockCommands: Readonly<Record<string, PlainLockCommand>> = {
  acquire: {
    flags: acquireFlags,
    load: async () => (await import('./locks-acquire-command.js')).locksAcquireCommand,
  },
  release: {
    flags: releaseFlags,
    accepts: namesOneTarget,
    load: async () => (await import('./locks-release-command.js')).locksReleaseCommand,
  },
};

/**
 * The command for `argv` (without the node and script names) when it is `locks acquire` or
 * `locks release` written the plain way (see parsePlainArgs), or undefined: every other spelling,
 * help included, goes through yargs.
 */
export function plainLockCommand(argv: readonly string[]): (() => Promise<Command>) | undefined {
  if (argv[0] !== 'locks' || argv[1] === undefined) return undefined;
  const plain = Object.hasOwn(plainLockCommands, argv[1]) ? plainLockCommands[argv[1]] : undefined;
  if (plain === undefined) return undefined;
  const args = parsePlainArgs({ ...storeFlags, ...plain.flags }, argv.slice(2));
  if (args === undefined || (plain.accepts && !plain.accepts(args))) return undefined;
  return async () => {
    const [spec, { createContext }] = await Promise.all([
      plain.load(),
      import('./command-context.js'),
    ]);
    return async (_argv, io) => {
      const context = createContext(io, undefined);
      try {
        return await spec.run(args, context);
      } finally {
        // An open connection pool would keep the process alive.
        await context.close();
      }
    };
  };
}
