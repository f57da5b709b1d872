import { runBundleCommand } from './bundle-command.js';
import { plainLockCommand } from './plain-lock-commands.js';

/**
 * The entry of dist/lock.cjs, which bin/scopeguard.js loads for `locks acquire` and
 * `locks release`: scripts run them around every piece of work, and the hook bundle made each call
 * read and deserialise the hooks' code too. Like the hook bundle (src/cli/hook-entry.ts), it is
 * one CommonJS file compiled from its own code cache and never imports at run time. Runs the
 * command and sets the exit code when it is written the plain way (see plainLockCommand); returns
 * undefined, having run nothing, for any other spelling, which the bin hands to the whole CLI.
 */
export function runLockCommand(argv: readonly string[]): Promise<void> | undefined {
  const command = plainLockCommand(argv);
  return command && runBundleCommand(command, argv);
}
