import type { Repository } from '../repository.js';
import { hookContext, type HookContext, type HookManager } from './hook-manager.js';
import { husky } from './husky.js';
import { lefthook } from './lefthook.js';
import { plainHooks } from './plain-hooks.js';
import { preCommitFramework } from './pre-commit-framework.js';
import { simpleGitHooks } from './simple-git-hooks.js';

/** The managers a project can configure, in the order init prefers them when git runs none. */
const managers: readonly HookManager[] = [preCommitFramework, lefthook, simpleGitHooks, husky];

/** The manager scopeguard works through in a worktree, and why when there was a choice. */
export interface ManagerChoice {
  manager: HookManager;
  context: HookContext;
  /** Set when several managers are present: which ones, and which one git runs. */
  note?: string;
}

/**
 * The manager whose hook git runs (from core.hooksPath and the installed hook file); when git runs
 * none of them, the first one the project configures; plain git hooks when there is none.
 */
export async function chooseHookManager(
  repository: Repository,
  nodePath: string,
  env?: NodeJS.ProcessEnv,
): Promise<ManagerChoice> {
  const context = await hookContext(repository, nodePath, env);
  const running = managers.find((manager) => manager.runsHook(context));
  const present = managers.filter(
    (manager) => manager === running || manager.configFile(context) !== undefined,
  );
  const manager = running ?? present[0] ?? plainHooks;
  if (present.length < 2) return { manager, context };
  const names = present
    .map((candidate) => `${candidate.name} (${candidate.configFile(context) ?? context.hookFile})`)
    .join(', ');
  const reason = running
    ? `git runs ${running.name}'s hook ${context.hookFile}`
    : `git runs none of their hooks`;
  return {
    manager,
    context,
    note: `found ${names}; ${reason}, so scopeguard uses ${manager.name}`,
  };
}

/** Take scopeguard out of every manager's configuration and hooks; one sentence per action. */
export async function uninstallEverywhere(context: HookContext): Promise<string[]> {
  const actions: string[] = [];
  // plainHooks also takes scopeguard's line out of husky's hook, as husky shares its functions.
  for (const manager of [preCommitFramework, lefthook, simpleGitHooks, plainHooks])
    actions.push(...(await manager.uninstall(context)));
  return actions;
}
