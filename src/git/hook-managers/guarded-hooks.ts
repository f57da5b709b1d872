/** How one manager hands git's hook arguments to a command. */
export type ArgumentForm = 'lefthook' | 'simpleGitHooks';

/** A git hook scopeguard registers with whichever hook manager a project uses. */
export interface GuardedHook {
  /** The git hook's name, which is also the scopeguard command the hook runs. */
  name: string;
  /** The hook's id where a manager names its hooks (the pre-commit framework, lefthook). */
  id: string;
  /**
   * What follows the command to pass git's arguments on, per manager: lefthook's placeholder, a
   * shell parameter in simple-git-hooks' hook script. The pre-commit framework passes them as the
   * hook's file names when `passFilenames` is set.
   */
  args: Record<ArgumentForm, string>;
  passFilenames: boolean;
}

/**
 * Every hook `init` registers with a manager that keeps its own configuration (the pre-commit
 * framework, lefthook, simple-git-hooks); a manager adds, checks and removes an entry for each.
 * husky and plain hooks install scopeguard's scripts instead (`gitHooks` in `hook-install.ts`).
 * commit-msg takes git's message file as its argument, which each manager passes in its own form.
 */
export const guardedHooks: readonly GuardedHook[] = [
  {
    name: 'pre-commit',
    id: 'scopeguard',
    args: { lefthook: '', simpleGitHooks: '' },
    passFilenames: false,
  },
  {
    name: 'commit-msg',
    id: 'scopeguard-trailer',
    args: { lefthook: ' {1}', simpleGitHooks: ' "$1"' },
    passFilenames: true,
  },
];

/**
 * The command line a manager's hook runs: `scopeguard <hook>` behind the given launcher, with git's
 * arguments in the manager's form.
 */
export function guardCommand(hook: GuardedHook, launcher = '', form?: ArgumentForm): string {
  return `${launcher}scopeguard ${hook.name}${form === undefined ? '' : hook.args[form]}`;
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
