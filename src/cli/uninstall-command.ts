import { agents } from '../agent/agents.js';
import { planHookRemoval } from '../agent/hook-settings.js';
import { hookContext } from '../git/hook-managers/hook-manager.js';
import { uninstallEverywhere } from '../git/hook-managers/select-manager.js';
import { openRepository } from '../git/repository.js';
import { ExitCode } from '../errors.js';
import { defineCommand } from './command-context.js';

export const uninstallCommand = defineCommand<Record<string, never>>({
  command: 'uninstall',
  describe:
    "Undo init: take scopeguard out of the pre-commit and commit-msg hooks (restoring chained hooks), out of every hook manager's configuration and out of every coding agent's settings",
  builder: (yargs) => yargs,
  async run(_args, { io }) {
    const repository = await openRepository(io.cwd, io.env);
    // Read every agent's settings before changing anything, so a broken file stops uninstall untouched.
    const agentPlans = Object.values(agents).flatMap((agent) =>
      planHookRemoval(repository.topLevel, agent),
    );
    const actions = await uninstallEverywhere(await hookContext(repository, io.execPath, io.env));
    for (const plan of agentPlans) {
      plan.write?.();
      actions.push(plan.message);
    }
    if (actions.length === 0)
      actions.push('nothing to remove: no hook in this worktree runs scopeguard');
    for (const action of actions) io.stdout.write(`scopeguard: ${action}\n`);
    return ExitCode.ok;
  },
});
