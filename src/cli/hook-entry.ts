import type { PayloadRead } from '../agent/read-hook-payload.js';
import { runBundleCommand } from './bundle-command.js';
import { hookCommand } from './hook-commands.js';

/**
 * The entry of dist/hook.cjs, which bin/scopeguard.js loads for the hook commands: they run from
 * that one CommonJS file, which node reads and compiles in one synchronous step (from a code
 * cache the build writes), where the ES module loader's asynchronous reads and links cost every
 * commit several milliseconds. Runs `argv`'s command and sets the exit code if it is a hook
 * command; returns undefined, having run nothing, for any other, which the bin then loads the
 * whole CLI (dist/cli.js) for. The bundle itself never imports a module at run time: V8 loses the
 * dynamic import support of a script compiled from a code cache. `payload` is the agent hook's
 * payload, when the agent hook's first stage read standard input and handed the command over
 * (src/cli/agent-hook-first-stage.ts).
 */
export function runHookCommand(
  argv: readonly string[],
  payload?: PayloadRead,
): Promise<void> | undefined {
  const hook = hookCommand(argv);
  return hook && runBundleCommand(hook, argv, payload);
}
