import type { LoadedConfig, StoreErrorPolicy } from '../config/load-config.js';
import { readIgnoreCase } from '../git/repository.js';
import type { LockStore } from '../lock/lock-store.js';
import type { LoopsDirLocation } from '../lock/loops-dir.js';
import type { ScopeSpace } from '../lock/scope-space.js';
import { defaultLeaseTtlMs } from '../store/lease-keeper.js';
import { openStore } from '../store/open-store.js';
import { chooseSharedStore } from '../store/shared-store-choice.js';
import type { Io } from './io.js';

/** The flags that choose a shared store, taken by every command. */
export interface StoreFlags {
  store?: string;
  namespace?: string;
}

/** A command's lock store, and what to do when its shared part cannot be reached. */
export interface ProjectStore {
  store: LockStore;
  /** Whether a shared store is configured besides the lock directory. */
  shared: boolean;
  onStoreError: StoreErrorPolicy;
  /** The shared lease's time to live, which renewals must beat. */
  leaseTtlMs: number;
}

/**
 * Open the project's lock store as the flags, the environment and the config file say: the lock
 * directory, plus the shared store when one is configured. `core.ignorecase` is read only then,
 * so the directory store's hook path stays as cheap as it was. The caller closes the store.
 */
export async function openProjectStore(options: {
  io: Io;
  flags: StoreFlags;
  loaded: LoadedConfig;
  location: LoopsDirLocation;
  space?: ScopeSpace;
  /** The command's policy when the config file sets none. */
  defaultOnStoreError: StoreErrorPolicy;
}): Promise<ProjectStore> {
  const { io, loaded, location } = options;
  const { config, file } = loaded;
  const choice = chooseSharedStore({
    flags: options.flags,
    env: io.env,
    config: { store: config.store, namespace: config.namespace, file },
  });
  const leaseTtlMs = config.leaseTtl === undefined ? defaultLeaseTtlMs : config.leaseTtl * 1000;
  const store = await openStore({
    loopsDir: location.loopsDir,
    projectRoot: location.projectRoot,
    space: options.space,
    ...(choice && {
      shared: {
        ...choice,
        cwd: io.cwd,
        env: io.env,
        ignoreCase: await readIgnoreCase(io.cwd, io.env),
        leaseTtlMs,
      },
    }),
  });
  return {
    store,
    shared: choice !== undefined,
    onStoreError: config.onStoreError ?? options.defaultOnStoreError,
    leaseTtlMs,
  };
}
