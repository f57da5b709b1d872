import type { Argv } from 'yargs';
import { findCheckouts } from '../git/checkouts.js';
import { findRepository } from '../git/repository.js';
import { LockManager } from '../lock/lock-manager.js';
import type { LockStore } from '../lock/lock-store.js';
import type { LoopsDirLocation } from '../lock/loops-dir.js';
import { scopeSpaceFor } from '../lock/scope-space.js';
import type { SharedStoreChoice } from '../store/shared-store-choice.js';
import type { Io } from './io.js';
import { loadProjectSettings } from '../config/project-settings.js';
import { openProjectStore, type StoreFlags } from '../store/project-store.js';

/** What every command handler receives besides its parsed arguments. */
export interface CommandContext {
  io: Io;
  /** The words after the first `--`, exactly as given (undefined without `--`). */
  commandLine: readonly string[] | undefined;
  /**
   * Find the loops directory (flags, env, little-loops config) and the shared store, if any, and
   * open the lock core on them. The store is closed by `close`.
   */
  openLocks: (flags: StoreFlags & { loopsDir?: string }) => Promise<{
    manager: LockManager;
    location: LoopsDirLocation;
    shared?: SharedStoreChoice;
    leaseTtlMs: number;
  }>;
  /** Close every store the command opened. */
  close: () => Promise<void>;
}

/** One CLI command: its yargs shape and a handler that returns the exit code. */
export interface CommandSpec<Args = Record<string, unknown>> {
  command: string;
  /** The help line; false keeps an internal command out of the help. */
  describe: string | false;
  builder: (yargs: Argv) => Argv;
  /** Whether the command runs a command line given after `--`; the others refuse one. */
  takesCommandLine?: boolean;
  run: (args: Args, context: CommandContext) => Promise<number>;
}

/** Build the context for one invocation. */
export function createContext(io: Io, commandLine: readonly string[] | undefined): CommandContext {
  const opened: LockStore[] = [];
  return {
    io,
    commandLine,
    async openLocks(flags) {
      const repository = await findRepository(io.cwd, io.env);
      const { loaded, location } = await loadProjectSettings(io, flags.loopsDir, repository);
      // Locks taken in the repository's other checkouts count too (acquire, wait, list).
      const checkouts = repository && (await findCheckouts(repository, io.env));
      for (const note of checkouts?.notes ?? []) io.stderr.write(`scopeguard: warning: ${note}\n`);
      const space = checkouts && scopeSpaceFor(checkouts, location.loopsDir);
      const { store, shared, leaseTtlMs } = await openProjectStore({
        io,
        flags,
        loaded,
        location,
        ...(space && { space }),
        defaultOnStoreError: 'block',
      });
      opened.push(store);
      const manager = new LockManager({
        store,
        projectRoot: location.projectRoot,
        cwd: io.cwd,
        ...(space && { space }),
      });
      return { manager, location, shared, leaseTtlMs };
    },
    async close() {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    },
  };
}

/** Declare a command with typed arguments; the cast is the one place argv meets our types. */
export function defineCommand<Args>(spec: CommandSpec<Args>): CommandSpec {
  return spec as unknown as CommandSpec;
}
