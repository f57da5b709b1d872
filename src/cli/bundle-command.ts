import { commandOutcome } from './command-outcome.js';
import type { Command } from './hook-commands.js';
import { runInProcess } from './process-io.js';

/**
 * Run a command that one of the small bundles (dist/hook.cjs, dist/lock.cjs) found for `argv`
 * against the real process and set the exit code; errors are rendered as the whole CLI renders
 * them. The command is given the words after the command name.
 */
export function runBundleCommand(
  load: () => Promise<Command>,
  argv: readonly string[],
): Promise<void> {
  return runInProcess((io) => commandOutcome(io, async () => (await load())(argv.slice(1), io)));
}
