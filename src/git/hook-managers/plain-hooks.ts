import { inspectPreCommitHook, installPreCommitHook } from '../hook-install.js';
import { uninstallPreCommitHook } from '../hook-uninstall.js';
import type { HookManager } from './hook-manager.js';

/**
 * No manager: scopeguard's own script goes into the hooks folder git uses, keeping a hook that was
 * there and running it after itself. These functions also handle husky (`husky.ts`).
 */
export const plainHooks: HookManager = {
  name: 'plain git hooks',
  configFile: () => undefined,
  runsHook: () => false,
  install: (context) =>
    installPreCommitHook(context.repository, { nodePath: context.nodePath, env: context.env }),
  uninstall: (context) => uninstallPreCommitHook(context.repository, context.env),
  diagnose: (context) => inspectPreCommitHook(context.repository, context.env),
};
