import { UsageError } from '../errors.js';
import type { OwnIdentity } from '../guard/own-lock-policy.js';
import { lockEnv } from '../lock/lock-env.js';
import { guardEnv } from '../guard/guard-env.js';
import { guardModes, type GuardMode } from '../guard/guard-mode.js';
import type { LoadedConfig } from './load-config.js';

/** What the command line said; undefined means "not given". */
export interface GuardFlags {
  mode?: string;
  strict?: boolean;
  as?: string[];
}

/** The settings a guard run uses after flags, environment, config file and defaults. */
export interface GuardSettings {
  mode: GuardMode;
  strict: boolean;
  ignore: string[];
  /** Who "us" is: `--as` and `SCOPEGUARD_AS` name loops or instances, `run` names its lock. */
  identity: OwnIdentity;
}

/** Merge with the documented precedence: flags, then environment, then the file, then defaults. */
export function resolveGuardSettings(
  flags: GuardFlags,
  env: NodeJS.ProcessEnv,
  loaded: LoadedConfig,
  defaultMode: GuardMode = 'block',
): GuardSettings {
  const mode = flags.mode ?? nonEmpty(env[guardEnv.mode]) ?? loaded.config.mode ?? defaultMode;
  if (!guardModes.includes(mode as GuardMode)) {
    const where =
      flags.mode !== undefined ? '--mode' : env[guardEnv.mode] ? guardEnv.mode : loaded.file;
    throw new UsageError(
      `${where}: mode should be one of ${guardModes.join(', ')}, not ${JSON.stringify(mode)}`,
      'bad-mode',
    );
  }
  const strictEnv = nonEmpty(env[guardEnv.strict]);
  const asEnv = nonEmpty(env[guardEnv.as]);
  return {
    mode: mode as GuardMode,
    strict:
      flags.strict ??
      (strictEnv === undefined ? undefined : strictEnv !== '0' && strictEnv !== 'false') ??
      loaded.config.strict ??
      false,
    ignore: loaded.config.ignore ?? [],
    identity: {
      names: [...(flags.as ?? []), ...(asEnv === undefined ? [] : [asEnv])],
      ...runLock(env),
    },
  };
}

/** The lock an enclosing `scopeguard run` exported: matched as that instance, never as a loop name. */
function runLock(env: NodeJS.ProcessEnv): Pick<OwnIdentity, 'runLock'> {
  const instance = nonEmpty(env[lockEnv.instance]);
  if (instance === undefined) return {};
  const file = nonEmpty(env[lockEnv.file]);
  return { runLock: file === undefined ? { instance } : { instance, file } };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
