/**
 * How a hook's command receives git's arguments: lefthook's placeholder, or a shell script's
 * positional parameter (husky's hook files, simple-git-hooks' hook script).
 */
export type ArgumentForm = 'lefthook' | 'shell';

/**
 * A git hook scopeguard installs, in every form a manager needs: husky and plain git run
 * scopeguard's scripts or lines, the pre-commit framework, lefthook and simple-git-hooks an entry
 * in their own configuration.
 */
export interface GuardedHook {
  /** The git hook's name, which is also the scopeguard command the hook runs. */
  name: 'pre-commit' | 'commit-msg';
  /** The hook's id where a manager names its hooks (the pre-commit framework, lefthook). */
  id: string;
  /** A line that marks a plain-git hook file (`hooks/<name>`, installed by `init`) as ours. */
  marker: string;
  /** What follows the command to pass git's arguments on, per form. */
  args: Record<ArgumentForm, string>;
  /** The pre-commit framework passes git's arguments as the hook's file names when set. */
  passFilenames: boolean;
}

/**
 * The hooks `init` installs, `uninstall` removes and `doctor` checks, in that order. commit-msg
 * takes git's message file as its argument.
 */
export const guardedHooks: readonly GuardedHook[] = [
  {
    name: 'pre-commit',
    id: 'scopeguard',
    marker: 'scopeguard pre-commit hook',
    args: { lefthook: '', shell: '' },
    passFilenames: false,
  },
  {
    // commit-msg rather than prepare-commit-msg: it sees the message as written, after the
    // editor, so an emptied message still aborts the commit and no edit drops the trailer.
    name: 'commit-msg',
    id: 'scopeguard-trailer',
    marker: 'scopeguard commit-msg hook',
    args: { lefthook: ' {1}', shell: ' "$1"' },
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

/**
 * Whether a shell script (a husky hook file, a hook chained by hand) has a line that runs
 * scopeguard's `hook` command before any comment on that line.
 */
export function scriptRunsGuard(script: string, hook: GuardedHook): boolean {
  return script.split('\n').some((line) => lineRunsGuard(line, hook));
}

/** Whether one line of a shell script runs scopeguard's `hook` command, outside a comment. */
export function lineRunsGuard(line: string, hook: GuardedHook): boolean {
  return runsGuardCommand(line.replace(/#.*/s, ''), hook);
}
