import {
  accessSync,
  chmodSync,
  constants,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { relativeInside } from '../relative-inside.js';
import { packageRoot } from '../package-root.js';
import { stagedListCommand } from './change-set.js';
import { isHuskyHooksPath, locateHooks } from './hooks-location.js';
import type { Repository } from './repository.js';
import { runGit } from './run-git.js';
import { shellQuote } from '../shell-quote.js';
import {
  guardCommand,
  guardedHooks,
  scriptRunsGuard,
  type GuardedHook,
} from './hook-managers/guarded-hooks.js';

/** The line `init` adds to husky's `.husky/<hook>` (husky puts node_modules/.bin on PATH). */
function huskyLine(hook: GuardedHook): string {
  return guardCommand(hook, '', 'shell');
}

/** Where a pre-existing plain-git hook is kept and chained. */
export const chainedSuffix = '.pre-scopeguard';

export interface InstallOptions {
  /** The node binary the hook should use when it cannot find one on PATH. */
  nodePath: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Install the hooks for this worktree and say what was done, one sentence per action. With
 * husky, the calls go into `.husky/<hook>`; otherwise our scripts go into the hooks directory git
 * really uses, keeping any existing hook and running it after ours. Idempotent.
 */
export async function installHooks(
  repository: Repository,
  options: InstallOptions,
): Promise<string[]> {
  const cwd = repository.topLevel;
  const location = await locateHooks(cwd, options.env);
  const huskyActive = isHuskyHooksPath(location);
  const huskyDir = huskyActive
    ? path.dirname(path.resolve(cwd, location.hooksPath!))
    : path.join(cwd, '.husky');
  if (huskyActive || existsSync(huskyDir)) {
    const actions = guardedHooks.map((hook) => addHuskyLine(path.join(huskyDir, hook.name), hook));
    if (!huskyActive) {
      actions.push(
        'husky is not active in this clone (core.hooksPath is not .husky/_): run `npx husky` to activate it',
      );
    }
    return actions;
  }
  return guardedHooks.map((hook) =>
    writePlainHook(path.join(location.dir, hook.name), hook, options.nodePath),
  );
}

function addHuskyLine(file: string, hook: GuardedHook): string {
  const existing = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  if (existing !== undefined && scriptRunsGuard(existing, hook))
    return `${file} already runs scopeguard`;
  const huskyCommand = huskyLine(hook);
  const prefix =
    existing === undefined || existing === '' || existing.endsWith('\n')
      ? (existing ?? '')
      : `${existing}\n`;
  writeFileSync(file, `${prefix}${huskyCommand}\n`, { mode: 0o755 });
  return existing === undefined
    ? `created ${file} running scopeguard`
    : `added \`${huskyCommand}\` to ${file}`;
}

/** The script `init` writes for `hook`, running the node at `nodePath`. */
function plainHookScript(hook: GuardedHook, nodePath: string): string {
  const root = packageRoot();
  const bin = path.join(root, 'bin', 'scopeguard.js');
  // The bin names the flags, because it picks the code cache made under them; they are plain
  // words, which the script expands unquoted.
  const { scanFlags } = createRequire(import.meta.url)(bin) as { scanFlags: string[] };
  return readFileSync(path.join(root, 'hooks', hook.name), 'utf8')
    .replaceAll('__SCOPEGUARD_STAGED_LIST__', stagedListCommand)
    .replaceAll('__SCOPEGUARD_SCAN_FLAGS__', scanFlags.join(' '))
    .replaceAll('__SCOPEGUARD_NODE__', shellQuote(nodePath))
    .replaceAll('__SCOPEGUARD_BIN__', shellQuote(bin));
}

/**
 * Whether an installed script of ours is what `init` would write now, whatever node it names:
 * one written by an earlier scopeguard, or by one installed elsewhere, still runs the guard, but
 * without what came since (and it looks for scopeguard where that one was).
 */
function isCurrentScript(text: string, hook: GuardedHook): boolean {
  const nodeLine = /^node=.*$/m;
  return text.replace(nodeLine, 'node=') === plainHookScript(hook, '').replace(nodeLine, 'node=');
}

function writePlainHook(file: string, hook: GuardedHook, nodePath: string): string {
  const script = plainHookScript(hook, nodePath);
  mkdirSync(path.dirname(file), { recursive: true });
  const existing = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  let action = `installed ${file}`;
  if (existing !== undefined && existing.includes(hook.marker)) {
    if (existing === script) return `${file} is already installed`;
    action = `updated ${file}`;
  } else if (existing !== undefined) {
    const chained = `${file}${chainedSuffix}`;
    if (existsSync(chained)) {
      throw new UsageError(
        `${file} exists and is not scopeguard's, and ${chained} is taken too; merge them by hand, then run init again.`,
        'hook-conflict',
      );
    }
    renameSync(file, chained);
    action = `installed ${file}; the hook that was there now runs after it, from ${chained}`;
  }
  writeFileSync(file, script, { mode: 0o755 });
  chmodSync(file, 0o755);
  return action;
}

/**
 * Make sure git ignores the lock records (`.loops/.running/` or the configured folder), by
 * appending to the top-level `.gitignore` unless git already ignores them.
 */
export async function ignoreLockRecords(
  repository: Repository,
  runningDir: string,
  env?: NodeJS.ProcessEnv,
): Promise<string | undefined> {
  const posix = relativeInside(repository.topLevel, runningDir);
  if (posix === undefined) return undefined;
  const probe = await runGit(
    ['check-ignore', '-q', '--no-index', '--', `${posix}/probe.lock`],
    repository.topLevel,
    env,
  );
  if (probe.exitCode === 0) return undefined;
  const file = path.join(repository.topLevel, '.gitignore');
  const existing = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const separator = existing === '' || existing.endsWith('\n') ? '' : '\n';
  writeFileSync(file, `${existing}${separator}/${posix}/\n`);
  return `added /${posix}/ to ${file}`;
}

/** Whether a hook of this worktree runs scopeguard, and why (not). */
export interface HookStatus {
  active: boolean;
  detail: string;
}

/** Look at the hook git will really run in this worktree. */
export async function inspectHook(
  repository: Repository,
  hook: GuardedHook,
  env?: NodeJS.ProcessEnv,
): Promise<HookStatus> {
  const { name, marker } = hook;
  const location = await locateHooks(repository.topLevel, env);
  if (isHuskyHooksPath(location)) {
    // husky generates `.husky/_` and git-ignores it, so `git clean -xfd` takes it away: then git
    // finds no hook there and commits pass unguarded, whatever `.husky/pre-commit` says.
    const runner = path.join(location.dir, name);
    if (!existsSync(runner) || !existsSync(path.join(location.dir, 'h'))) {
      return {
        active: false,
        detail: `husky is configured but its runner ${runner} is missing (removed by \`git clean -xfd\`?), so git runs no ${name} hook: run \`npx husky\` or \`npm install\``,
      };
    }
    const file = path.join(
      path.dirname(path.resolve(repository.topLevel, location.hooksPath!)),
      name,
    );
    const runs = existsSync(file) && scriptRunsGuard(readFileSync(file, 'utf8'), hook);
    return runs
      ? { active: true, detail: `husky runs \`${huskyLine(hook)}\` from ${file}` }
      : {
          active: false,
          detail: `husky is active but ${file} does not run scopeguard: run \`scopeguard init\``,
        };
  }
  const file = path.join(location.dir, name);
  if (!existsSync(file)) {
    const husky = path.join(repository.topLevel, '.husky', name);
    const hint = existsSync(husky)
      ? ` (${husky} exists but husky is not active: run \`npx husky\`)`
      : ': run `scopeguard init`';
    return { active: false, detail: `no ${name} hook in ${location.dir}${hint}` };
  }
  const text = readFileSync(file, 'utf8');
  if (!text.includes(marker) && !scriptRunsGuard(text, hook)) {
    return {
      active: false,
      detail: `${file} does not run scopeguard: run \`scopeguard init\` to chain it`,
    };
  }
  if (!isExecutable(file))
    return { active: false, detail: `${file} is not executable: chmod +x it` };
  if (text.includes(marker) && !isCurrentScript(text, hook)) {
    return {
      active: true,
      detail: `${file} runs scopeguard, but another version or install of it wrote the script: run \`scopeguard init\` to update it`,
    };
  }
  return { active: true, detail: `${file} runs scopeguard` };
}

export function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
