import { envSwitch } from '../config/env-switch.js';
import { guardEnv } from '../guard/guard-env.js';
import { debugEnv } from './command-outcome.js';
import { nothingInSight } from './nothing-in-sight.js';

/**
 * The entry of dist/commit-first-stage.cjs, which bin/scopeguard.js runs for the commit hooks
 * before it loads the hook bundle: most commits are made where no loop holds a lock, and there
 * loading the whole hook command cost about as much again as the guard's own work. True only
 * when the hook, run in full, would be sure to exit 0 and print nothing: the words the installed
 * hook passes and nothing more, no switch that makes the hook speak (`SCOPEGUARD_SKIP`,
 * `SCOPEGUARD_DEBUG`), and the guard, located by the same code as in full (configuration, loops
 * directory, worktrees, settings), finds no lock to read. Anything else, an error included, is
 * false: the full hook runs and says what is wrong. It never writes and never sets the exit code.
 * The agent hook's first stage is a bundle of its own (src/cli/agent-hook-first-stage.ts): a
 * commit would otherwise load every agent's payload reader too.
 */
export async function nothingToRun(
  argv: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<boolean> {
  if (!isInstalledHookCall(argv, env) || envSwitch(env[debugEnv])) return false;
  return nothingInSight(cwd, env);
}

/**
 * `pre-commit` alone, as the installed hook runs it where no lock directory is in sight, with
 * `SCOPEGUARD_SKIP` off (set, the hook says it skipped); `commit-msg FILE`, as git's hook passes
 * it (the file is written only under an own lock).
 */
function isInstalledHookCall(argv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  const [command, ...rest] = argv;
  if (command === 'pre-commit') return rest.length === 0 && envSwitch(env[guardEnv.skip]) === false;
  if (command === 'commit-msg') return rest.length === 1 && !rest[0]!.startsWith('-');
  return false;
}
