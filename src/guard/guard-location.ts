import {
  resolveGuardSettings,
  type GuardFlags,
  type GuardSettings,
} from '../config/guard-settings.js';
import type { LoadedConfig } from '../config/load-config.js';
import { loadProjectSettings } from '../config/project-settings.js';
import { findCheckouts } from '../git/checkouts.js';
import { openRepository, type Repository } from '../git/repository.js';
import type { LoopsDirLocation } from '../lock/loops-dir.js';
import { scopeSpaceFor, type ScopeSpace } from '../lock/scope-space.js';
import type { RunContext } from '../run-context.js';
import type { StoreFlags } from '../store/project-store.js';
import type { GuardMode } from './guard-mode.js';

/** The flags a guard run is opened with. */
export type GuardLocationFlags = GuardFlags & StoreFlags & { loopsDir?: string };

/** Where a guard run looks, before any store is opened. */
export interface GuardLocation {
  repository: Repository;
  /** The configuration file, if any. */
  loaded: LoadedConfig;
  location: LoopsDirLocation;
  settings: GuardSettings;
  /** Every checkout of the repository's files and their lock directories. */
  space: ScopeSpace;
  /** What the user should know about the layout (a main worktree that cannot be found). */
  notes: string[];
}

/**
 * Find the repository, merge the settings, and locate the lock directory, plus those of the
 * repository's other checkouts. Loads no store: the hooks' first stages (src/cli/nothing-in-sight.ts)
 * runs this alone to learn whether there is anything to enforce.
 */
export async function locateGuard(
  flags: GuardLocationFlags,
  io: RunContext,
  defaultMode?: GuardMode,
): Promise<GuardLocation> {
  const repository = await openRepository(io.cwd, io.env);
  const { loaded, location } = await loadProjectSettings(io, flags.loopsDir, repository);
  const settings = resolveGuardSettings(flags, io.env, loaded, defaultMode);
  const checkouts = await findCheckouts(repository, io.env);
  return {
    repository,
    loaded,
    location,
    settings,
    space: scopeSpaceFor(checkouts, location.loopsDir),
    notes: checkouts.notes.map((note) => `warning: ${note}`),
  };
}
