import type { CommandFlags } from './command-flags.js';

/** The flags that describe a lock request: `locks acquire` and `run`. */
export const lockRequestFlags = {
  name: {
    type: 'string',
    required: true,
    describe: 'Loop name written into the record',
  },
  scope: {
    type: 'string',
    multiple: true,
    default: [],
    describe:
      'Paths the loop owns (directories own everything below); none means the whole project',
  },
  instance: {
    type: 'string',
    describe:
      'Record name (default: <name>-YYYYmmddTHHMMSS-<hex>, never used before; a fixed name can be reused after a reap, which the Python original can race)',
  },
  singleton: {
    type: 'boolean',
    default: false,
    describe: 'At most one live lock of this loop name',
  },
  wait: {
    type: 'number',
    default: 0,
    describe: 'Seconds to wait for the scope to become free',
  },
} as const satisfies CommandFlags;

/** `locks acquire`'s flags. */
export const acquireFlags = {
  ...lockRequestFlags,
  pid: {
    type: 'number',
    describe:
      'The holder process, which the lock lives as long as (default: the calling interactive shell; in scripts use --pid $$)',
  },
  format: {
    type: 'string',
    choices: ['text', 'json'],
    default: 'text',
    describe: 'text: the instance; json: the instance, its store and the fencing token',
  },
} as const satisfies CommandFlags;

/** `locks release`'s flags; exactly one of --instance and --name names what to release. */
export const releaseFlags = {
  instance: { type: 'string', describe: 'The record to release' },
  name: { type: 'string', describe: 'Release every lock of this loop name' },
  force: {
    type: 'boolean',
    default: false,
    describe: 'Also release records held by live processes other than the caller',
  },
} as const satisfies CommandFlags;

/** Whether release arguments name exactly one of an instance and a loop name. */
export function namesOneTarget(args: { instance?: unknown; name?: unknown }): boolean {
  return (args.instance === undefined) !== (args.name === undefined);
}
