import type { Argv } from 'yargs';
import { findCheckouts } from '../git/checkouts.js';
import { findRepository } from '../git/repository.js';
import { LockManager } from '../lock/lock-manager.js';
import type { LoopsDirLocation } from '../lock/loops-dir.js';
import { scopeSpaceFor } from '../lock/scope-space.js';
import type { Io } from './io.js';
import { loadProjectSettings } from './project-settings.js';

/** What every command handler receives besides its parsed arguments. */
export interface CommandContext {
  io: Io;
  /** The words after the first `--`, exactly as given (undefined without `--`). */
  commandLine: readonly string[] | undefined;
  /** Find the loops directory (flags, env, little-loops config) and open the lock core on it. */
  openLocks(
    loopsDirFlag: string | undefined,
  ): Promise<{ manager: LockManager; location: LoopsDirLocation }>;
}

/** One CLI command: its yargs shape and a handler that returns the exit code. */
export interface CommandSpec<Args = Record<string, unknown>> {
  command: string;
  describe: string;
  builder: (yargs: Argv) => Argv;
  /** Whether the command runs a command line given after `--`; the others refuse one. */
  takesCommandLine?: boolean;
  run: (args: Args, context: CommandContext) => Promise<number>;
}

/** Build the context for one invocation. */
export function createContext(io: Io, commandLine: readonly string[] | undefined): CommandContext {
  return {
    io,
    commandLine,
    async openLocks(loopsDirFlag) {
      const repository = await findRepository(io.cwd, io.env);
      const { location } = await loadProjectSettings(io, loopsDirFlag, repository);
      // Locks taken in the repository's other checkouts count too (acquire, wait, list).
      const checkouts = repository && (await findCheckouts(repository, io.env));
      for (const note of checkouts?.notes ?? []) io.stderr.write(`scopeguard: warning: ${note}\n`);
      const manager = new LockManager({
        loopsDir: location.loopsDir,
        projectRoot: location.projectRoot,
        cwd: io.cwd,
        ...(checkouts ? { space: scopeSpaceFor(checkouts, location.loopsDir) } : {}),
      });
      return { manager, location };
    },
  };
}

/** Declare a command with typed arguments; the cast is the one place argv meets our types. */
export function defineCommand<Args>(spec: CommandSpec<Args>): CommandSpec {
  return spec as unknown as CommandSpec;
}
