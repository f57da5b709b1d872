import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { agents } from '../agent/agents.js';
import { inspectHookRegistration } from '../agent/hook-settings.js';

/**
 * The `doctor` line about coding agents: which agents' settings in this project run the edit
 * hook, and whether the `scopeguard` they call is on the PATH. Not failing when no agent is set
 * up: the hook is optional.
 */
export function agentHooksCheck(
  projectRoot: string,
  env: NodeJS.ProcessEnv,
): { ok: boolean; label: string; detail: string } {
  const registered: string[] = [];
  const broken: string[] = [];
  const missing: string[] = [];
  for (const agent of Object.values(agents)) {
    const status = inspectHookRegistration(projectRoot, agent);
    if (status.registeredIn.length > 0)
      registered.push(`${agent.id} (${status.registeredIn.join(', ')})`);
    else missing.push(agent.id);
    broken.push(...status.broken);
  }
  const parts: string[] = [];
  if (registered.length === 0)
    parts.push(`none registered (scopeguard init --agent ${missing.join('|')} adds one)`);
  else parts.push(`edit hook registered for ${registered.join(', ')}`);
  if (registered.length > 0 && missing.length > 0)
    parts.push(`not for ${missing.join(', ')} (scopeguard init --agent NAME adds it)`);
  const onPath = findOnPath('scopeguard', env);
  if (registered.length > 0) {
    parts.push(
      onPath
        ? `the agents run ${onPath}`
        : 'but `scopeguard` is not on PATH, so the agents cannot run it: install it globally (npm install -g scopeguard)',
    );
  }
  parts.push(...broken.map((problem) => `unreadable: ${problem}`));
  return {
    ok: broken.length === 0 && (registered.length === 0 || onPath !== undefined),
    label: 'agent hooks',
    detail: parts.join('; '),
  };
}

function findOnPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
