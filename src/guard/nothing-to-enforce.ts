import { lstatSync } from 'node:fs';
import { runningDirOf } from '../lock/loops-dir.js';
import type { StoreFlags } from '../store/project-store.js';
import { chooseProjectSharedStore } from '../store/shared-store-choice.js';
import type { GuardLocation } from './guard-location.js';

/**
 * Whether a guard run located as `located` is sure to read no lock and to have nothing to say:
 * no shared store is chosen (locks taken on other machines would count), the layout gave no
 * note, and no lock directory it reads (this checkout's, or another checkout's) has a records
 * folder. A records folder that is not there holds no records, as the store reads it; anything
 * else at its path (a folder, a file, a symbolic link even to nothing, a path that cannot be
 * looked at) is the store's to judge.
 */
export function nothingToEnforce(
  located: GuardLocation,
  flags: StoreFlags,
  env: NodeJS.ProcessEnv,
): boolean {
  if (located.notes.length > 0) return false;
  if (chooseProjectSharedStore(flags, env, located.loaded)) return false;
  return [located.location.loopsDir, ...located.space.peerLoopsDirs].every(
    (loopsDir) => lstatSync(runningDirOf(loopsDir), { throwIfNoEntry: false }) === undefined,
  );
}
