import { existsSync } from 'node:fs';
import path from 'node:path';
import { isHuskyHooksPath } from '../hooks-location.js';
import type { HookManager } from './hook-manager.js';
import { plainHooks } from './plain-hooks.js';

/**
 * husky 9: scopeguard is a line of `.husky/pre-commit`, which husky's runner in `.husky/_` (where
 * core.hooksPath points) runs. The plain-hook functions tell husky from plain hooks themselves.
 */
export const husky: HookManager = {
  ...plainHooks,
  name: 'husky',
  configFile(context) {
    const dir = path.join(context.repository.topLevel, '.husky');
    return this.runsHook(context) || existsSync(dir) ? dir : undefined;
  },
  runsHook: (context) => isHuskyHooksPath(context.location),
};
