import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isExecutable, type HookStatus } from '../hook-install.js';
import { locateHooks, type HooksLocation } from '../hooks-location.js';
import type { Repository } from '../repository.js';
import { guardedHooks, type GuardedHook } from './guarded-hooks.js';

/** What a hook manager looks at in one worktree. */
export interface HookContext {
  repository: Repository;
  location: HooksLocation;
  /** The pre-commit hook file git runs, and its text when there is one. */
  hookFile: string;
  installedHook: string | undefined;
  /** The node binary a plain hook should use when it cannot find one on PATH. */
  nodePath: string;
  env?: NodeJS.ProcessEnv;
}

/** One way of managing git hooks (the pre-commit framework, lefthook, simple-git-hooks, husky, plain). */
export interface HookManager {
  /** How messages name it. */
  name: string;
  /** The file this project configures the manager in, when it does. */
  configFile(context: HookContext): string | undefined;
  /** Whether the pre-commit hook git runs is this manager's. */
  runsHook(context: HookContext): boolean;
  /** Register scopeguard's hooks, idempotently; one sentence per action. */
  install(context: HookContext): Promise<string[]>;
  /** Take out exactly what `install` added; one sentence per action, none when nothing was there. */
  uninstall(context: HookContext): Promise<string[]>;
  /** Whether each hook git runs reaches scopeguard through this manager, and what to run if not. */
  diagnose(context: HookContext): Promise<HookCheck[]>;
}

/** The state of one git hook, as `doctor` prints it. */
export interface HookCheck {
  hook: string;
  status: HookStatus;
}

export async function hookContext(
  repository: Repository,
  nodePath: string,
  env?: NodeJS.ProcessEnv,
): Promise<HookContext> {
  const location = await locateHooks(repository.topLevel, env);
  const { file: hookFile, text: installedHook } = hookFileIn(location, 'pre-commit');
  return { repository, location, hookFile, installedHook, nodePath, env };
}

/** The first of `names` (relative to the top level) that exists, as an absolute path. */
export function firstExisting(context: HookContext, names: readonly string[]): string | undefined {
  return names
    .map((name) => path.join(context.repository.topLevel, name))
    .find((file) => existsSync(file));
}

/** The file git runs for `hook` in this worktree, and its text when there is one. */
export function hookFileIn(location: HooksLocation, hook: string): { file: string; text?: string } {
  const file = path.join(location.dir, hook);
  return { file, text: existsSync(file) ? readFileSync(file, 'utf8') : undefined };
}

/** What decides a manager's status, one guarded hook at a time. */
interface ManagerFacts {
  manager: string;
  configFile: string;
  /** Whether the configuration holds scopeguard's entry for the hook. */
  registered(hook: GuardedHook): boolean;
  /** Whether the hook file git runs (its text) is the manager's and reaches scopeguard. */
  runsManager(hook: GuardedHook, installed: string): boolean;
  /** What installs the manager's hook file for the hook. */
  installCommand(hook: GuardedHook): string;
}

/**
 * The status of a manager that reads its configuration when the hook runs, for each guarded hook:
 * git must run the manager's hook, and the configuration must hold scopeguard's entry.
 */
export function managerStatus(context: HookContext, facts: ManagerFacts): HookCheck[] {
  return guardedHooks.map((hook) => ({ hook: hook.name, status: statusOf(context, facts, hook) }));
}

function statusOf(context: HookContext, facts: ManagerFacts, hook: GuardedHook): HookStatus {
  if (!facts.registered(hook)) {
    return {
      active: false,
      detail: `${facts.configFile} does not run scopeguard: run \`scopeguard init\``,
    };
  }
  const { file, text } = hookFileIn(context.location, hook.name);
  if (text === undefined || !facts.runsManager(hook, text) || !isExecutable(file)) {
    return {
      active: false,
      detail: `${facts.configFile} runs scopeguard, but git does not run ${facts.manager}'s hook (${file}): run \`${facts.installCommand(hook)}\``,
    };
  }
  return {
    active: true,
    detail: `${facts.manager} runs scopeguard from ${facts.configFile}, through ${file}`,
  };
}
