import { configuredLoopsDir, loadConfig, type LoadedConfig } from './load-config.js';
import type { Repository } from '../git/repository.js';
import { locateLoopsDir, type LoopsDirLocation } from '../lock/loops-dir.js';
import type { RunContext } from '../run-context.js';

/** The project's configuration file and the loops directory it leads to. */
export interface ProjectSettings {
  loaded: LoadedConfig;
  location: LoopsDirLocation;
}

/**
 * Load the configuration (searched from the working directory up to the worktree's top level) and
 * decide the loops directory from `--loops-dir`, the environment, that file and little-loops'
 * config. Outside a repository the working directory stands in for the project root.
 */
export async function loadProjectSettings(
  io: RunContext,
  loopsDirFlag: string | undefined,
  repository: Repository | undefined,
): Promise<ProjectSettings> {
  const loaded = await loadConfig(io.cwd, repository?.topLevel ?? io.cwd);
  const location = locateLoopsDir({
    flag: loopsDirFlag,
    cwd: io.cwd,
    env: io.env,
    config: configuredLoopsDir(loaded),
    projectRoot: repository?.mainRoot ?? io.cwd,
  });
  return { loaded, location };
}
