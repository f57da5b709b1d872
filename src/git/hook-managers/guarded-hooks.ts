/** A git hook scopeguard registers with whichever hook manager a project uses. */
export interface GuardedHook {
  /** The git hook's name, which is also the scopeguard command the hook runs. */
  name: string;
  /** The hook's id where a manager names its hooks (the pre-commit framework, lefthook). */
  id: string;
}

/**
 * Every hook `init` registers with a manager that keeps its own configuration (the pre-commit
 * framework, lefthook, simple-git-hooks). A manager adds, checks and removes an entry for each.
 * husky and plain hooks install scopeguard's scripts instead (`gitHooks` in `hook-install.ts`),
 * the commit-msg hook among them; it is not listed here yet because each of these managers passes
 * git's message file to its command in its own way.
 */
export const guardedHooks: readonly GuardedHook[] = [{ name: 'pre-commit', id: 'scopeguard' }];

/** The command line a manager's hook runs: `scopeguard pre-commit` behind the given launcher. */
export function guardCommand(hook: GuardedHook, launcher = ''): string {
  return `${launcher}scopeguard ${hook.name}`;
}

/**
 * How JavaScript managers (lefthook, simple-git-hooks) start scopeguard: their hooks run from the
 * top level with the user's PATH, which lacks the project's own node_modules/.bin, so the command
 * puts it first and finds scopeguard there or installed globally. (`npx --no` would too, but
 * starting npm adds over a second to every commit.)
 */
export const localBinLauncher = 'PATH=node_modules/.bin:$PATH ';

/** A command line that runs scopeguard's `hook` command, however it is launched. */
export function runsGuardCommand(command: unknown, hook: GuardedHook): boolean {
  if (typeof command !== 'string') return false;
  return new RegExp(`(^|[\\s/'"])scopeguard(\\.js)?['"]?\\s+${hook.name}(\\s|$|[;&|)])`).test(
    command,
  );
}
