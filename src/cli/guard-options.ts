import type { Argv } from 'yargs';
import { guardModes } from '../config/load-config.js';

/** The guard policy flags `check` and `ci` share: mode, own identities, strictness. */
export function guardPolicyOptions(yargs: Argv): Argv {
  return yargs
    .option('mode', {
      type: 'string',
      choices: guardModes,
      describe: 'block (exit 1 on conflicts), warn, or off',
    })
    .option('as', {
      type: 'string',
      array: true,
      describe: 'Loop names or instances whose locks count as yours',
    })
    .option('strict', {
      type: 'boolean',
      describe: 'Unreadable lock records block instead of warning',
    });
}
