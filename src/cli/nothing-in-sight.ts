import { locateGuard } from '../guard/guard-location.js';
import { nothingToEnforce } from '../guard/nothing-to-enforce.js';
import { silentStream } from './silent-stream.js';

/**
 * Whether the guard, located from `cwd` as a hook without flags locates it, is sure to read no
 * lock and to have nothing to say: what both first stages (src/cli/commit-first-stage.ts,
 * src/cli/agent-hook-first-stage.ts) ask before they end a hook. An error is no answer: false.
 */
export async function nothingInSight(cwd: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  const stderr = silentStream();
  try {
    const located = await locateGuard({}, { cwd, env, stderr });
    return nothingToEnforce(located, {}, env) && !stderr.spoke;
  } catch {
    return false;
  }
}
