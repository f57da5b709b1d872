import { inspectHook, installHooks } from '../hook-install.js';
import { guardedHooks } from './guarded-hooks.js';
import { uninstallHooks } from '../hook-uninstall.js';
import type { HookManager } from './hook-manager.js';

/**
 * No manager: scopeguard's own scripts (pre-commit, and commit-msg for the Scope-Lock trailer) go
 * into the hooks folder git uses, keeping a hook that was there and running it after itself. These
 * functions also handle husky (`husky.ts`).
 */
export const plainHooks: HookManager = {
  name: 'plain git hooks',
  configFile: () => undefined,
  runsHook: () => false,
  install: (context) =>
    installHooks(context.repository, { nodePath: context.nodePath, env: context.env }),
  uninstall: (context) => uninstallHooks(context.repository, context.env),
  diagnose: (context) =>
    Promise.all(
      guardedHooks.map(async (hook) => ({
        hook: hook.name,
        status: await inspectHook(context.repository, hook, context.env),
      })),
    ),
};
