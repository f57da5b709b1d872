import type { PayloadRead } from '../agent/read-hook-payload.js';
import { commandOutcome } from './command-outcome.js';
import type { Command } from './hook-commands.js';
import { runInProcess } from './process-io.js';

/**
 * Run a command that one of the small bundles (dist/hook.cjs, dist/lock.cjs) found for `argv`
 * against the real process and set the exit code; errors are rendered as the whole CLI renders
 * them. The command is given the words after the command name, and `payload`, the agent hook's
 * payload when the hooks' first stage has read standard input already.
 */
export function runBundleCommand(
  load: () => Promise<Command>,
  argv: readonly string[],
  payload?: PayloadRead,
): Promise<void> {
  return runInProcess(
    (io) => commandOutcome(io, async () => (await load())(argv.slice(1), io)),
    payload,
  );
}
