import type { LoadedConfig, StoreErrorPolicy } from '../config/load-config.js';
import { readIgnoreCase } from '../git/repository.js';
import type { LockStore } from '../lock/lock-store.js';
import type { LoopsDirLocation } from '../lock/loops-dir.js';
import type { ScopeSpace } from '../lock/scope-space.js';
import { defaultLeaseTtlMs } from './lease-keeper.js';
import { UsageError } from '../errors.js';
import type { LayeredLockStore } from './layered-lock-store.js';
import { openSharedStore, openStore, type SharedStoreSettings } from './open-store.js';
import type { PgLockStore } from './pg-lock-store.js';
import { chooseProjectSharedStore, type SharedStoreChoice } from './shared-store-choice.js';
import type { RunContext } from '../run-context.js';
import { activeTracer } from '../trace.js';

/** The flags that choose a shared store, taken by every command. */
export interface StoreFlags {
  store?: string;
  namespace?: string;
}

/** A command's lock store, and what to do when its shared part cannot be reached. */
export interface ProjectStore {
  store: LockStore;
  /**
   * The shared store configured besides the lock directory, if any, with its namespace resolved
   * (from the setting, else the `origin` remote).
   */
  shared?: SharedStoreChoice & { namespace: string };
  onStoreError: StoreErrorPolicy;
  /** The shared lease's time to live, which renewals must beat. */
  leaseTtlMs: number;
}

/**
 * Open the project's lock store as the flags, the environment and the config file say: the lock
 * directory, plus the shared store when one is configured. The caller closes the store.
 */
export async function openProjectStore(options: {
  io: RunContext;
  flags: StoreFlags;
  loaded: LoadedConfig;
  location: LoopsDirLocation;
  space?: ScopeSpace;
  /** The command's policy when the config file sets none. */
  defaultOnStoreError: StoreErrorPolicy;
}): Promise<ProjectStore> {
  const { config } = options.loaded;
  const leaseTtlMs = config.leaseTtl === undefined ? defaultLeaseTtlMs : config.leaseTtl * 1000;
  const shared = await sharedStoreSettings(options, leaseTtlMs);
  const store = await openStore({
    loopsDir: options.location.loopsDir,
    projectRoot: options.location.projectRoot,
    space: options.space,
    ...(shared && { shared }),
  });
  return {
    store: traced(store, shared ? 'layered' : 'directory'),
    ...(shared && {
      shared: {
        url: shared.url,
        urlSource: shared.urlSource,
        // openStore puts the shared store it opened beside the lock directory.
        namespace: ((store as LayeredLockStore).shared as PgLockStore).namespace,
      },
    }),
    onStoreError: config.onStoreError ?? options.defaultOnStoreError,
    leaseTtlMs,
  };
}

/**
 * The shared store alone, for the commands that manage it; without one configured, a usage
 * error naming the settings.
 */
export async function openConfiguredSharedStore(options: {
  io: RunContext;
  flags: StoreFlags;
  loaded: LoadedConfig;
  location: LoopsDirLocation;
  /** The repository's checkouts: scope entries inside any of them are stored relative to it. */
  space?: ScopeSpace;
}): Promise<PgLockStore> {
  const { config } = options.loaded;
  const leaseTtlMs = config.leaseTtl === undefined ? defaultLeaseTtlMs : config.leaseTtl * 1000;
  const shared = await sharedStoreSettings(options, leaseTtlMs);
  if (!shared)
    throw new UsageError(
      'no shared store is configured: name one with --store, SCOPEGUARD_STORE or "store" in the config',
      'no-store',
    );
  return traced(
    await openSharedStore(
      { worktreeRoots: options.space?.roots, ...shared },
      options.location.projectRoot,
    ),
    'shared',
  );
}

/** The store, traced when the debug trace is on. */
function traced<Store extends object>(store: Store, name: string): Store {
  return activeTracer()?.store(store, name) ?? store;
}

/**
 * The shared store's settings when one is configured. `core.ignorecase` is read only then, so the
 * directory store's hook path stays as cheap as it was.
 */
async function sharedStoreSettings(
  options: { io: RunContext; flags: StoreFlags; loaded: LoadedConfig },
  leaseTtlMs: number,
): Promise<SharedStoreSettings | undefined> {
  const { io } = options;
  const choice = chooseProjectSharedStore(options.flags, io.env, options.loaded);
  if (!choice) return undefined;
  return {
    ...choice,
    cwd: io.cwd,
    env: io.env,
    ignoreCase: await readIgnoreCase(io.cwd, io.env),
    leaseTtlMs,
  };
}
