import { commandOutcome } from './command-outcome.js';
import { hookCommand } from './hook-commands.js';
import type { Io } from './io.js';
import { plainLockCommand } from './plain-lock-commands.js';

/**
 * The whole CLI: run one command for `argv` (without the node and script names) and return the
 * exit code. The hook commands, and `locks acquire` / `locks release` written plainly, load only
 * their own modules; the rest go through the argument parser.
 */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  return commandOutcome(io, async () => {
    const direct = hookCommand(argv) ?? plainLockCommand(argv);
    if (direct) return (await direct())(argv.slice(1), io);
    const { runParsedCommand } = await import('./cli-parser.js');
    return runParsedCommand(argv, io);
  });
}
