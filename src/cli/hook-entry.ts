import { commandOutcome } from './command-outcome.js';
import { hookCommand } from './hook-commands.js';
import { runInProcess } from './process-io.js';

/**
 * The entry of dist/hook.cjs, which bin/scopeguard.js loads for the hook commands: they run from
 * that one CommonJS file, which node reads and compiles in one synchronous step, where the ES
 * module loader's asynchronous reads and links cost every commit several milliseconds. Any other
 * command loads the whole CLI, the ES module bundle dist/cli.js next to it, and runs there with
 * its own copy of every module.
 */
export async function runCli(argv: readonly string[]): Promise<void> {
  const hook = hookCommand(argv);
  if (hook) {
    await runInProcess((io) => commandOutcome(io, async () => (await hook())(argv.slice(1), io)));
    return;
  }
  const wholeCli = new URL('cli.js', import.meta.url).href;
  const { runCli: runWholeCli } = (await import(wholeCli)) as typeof import('./cli-entry.js');
  await runWholeCli(argv);
}
