import { agentIds, type AgentId } from '../agent/agent-hook.js';
import { agents } from '../agent/agents.js';
import { planHookRegistration } from '../agent/hook-settings.js';
import { ExitCode, UsageError } from '../errors.js';
import { ignoreLockRecords } from '../git/hook-install.js';
import { chooseHookManager } from '../git/hook-managers/select-manager.js';
import { openRepository, recordMainWorktree } from '../git/repository.js';
import { runningDirOf } from '../lock/loops-dir.js';
import { defineCommand } from './command-context.js';
import { loadProjectSettings } from '../config/project-settings.js';

interface InitArgs {
  loopsDir?: string;
  agent: AgentId[];
  local: boolean;
}

export const initCommand = defineCommand<InitArgs>({
  command: 'init',
  describe:
    "Register the pre-commit hook with the project's hook manager (the pre-commit framework, lefthook, simple-git-hooks, husky, or plain git; husky and plain git also get the commit-msg hook that adds Scope-Lock trailers), git-ignore the lock records, and with --agent register the edit hook in a coding agent's settings",
  builder: (yargs) =>
    yargs
      .option('agent', {
        type: 'string',
        array: true,
        choices: agentIds,
        default: [],
        describe: "Also register the edit hook in this agent's project settings (repeatable)",
      })
      .option('local', {
        type: 'boolean',
        default: false,
        describe: "With --agent claude: Claude Code's personal .claude/settings.local.json",
      }),
  async run(args, { io }) {
    if (args.local && !args.agent.includes('claude'))
      throw new UsageError('--local goes with --agent claude (.claude/settings.local.json)');
    const repository = await openRepository(io.cwd, io.env);
    // Read every agent's settings before changing anything, so a broken file stops init untouched.
    const agentPlans = [...new Set(args.agent)].map((id) =>
      planHookRegistration(repository.topLevel, agents[id], id === 'claude' && args.local),
    );
    const choice = await chooseHookManager(repository, io.execPath, io.env);
    const actions = [
      ...(choice.note === undefined ? [] : [choice.note]),
      ...(await choice.manager.install(choice.context)),
    ];
    const { location } = await loadProjectSettings(io, args.loopsDir, repository);
    const ignored = await ignoreLockRecords(repository, runningDirOf(location.loopsDir), io.env);
    if (ignored) actions.push(ignored);
    const recorded = recordMainWorktree(repository);
    if (recorded) actions.push(recorded);
    for (const plan of agentPlans) {
      plan.write?.();
      actions.push(plan.message);
    }
    for (const action of actions) io.stdout.write(`scopeguard: ${action}\n`);
    io.stdout.write('scopeguard: check the setup any time with `scopeguard doctor`\n');
    return ExitCode.ok;
  },
});
