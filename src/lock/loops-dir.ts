import path from 'node:path';
import { UsageError } from '../errors.js';
import { readIfPresent } from '../read-if-present.js';

/** The environment variable that names the loops directory, like `--loops-dir`. */
export const loopsDirEnv = 'SCOPEGUARD_LOOPS_DIR';

/** little-loops' project config; its `loops.loops_dir` moves the loops directory for both tools. */
export const littleLoopsConfig = path.join('.ll', 'll-config.json');

/** The folder inside the loops directory that holds the records, as in the Python original. */
export const runningDirName = '.running';

/** The folder that holds the records of the loops directory `loopsDir`. */
export function runningDirOf(loopsDir: string): string {
  return path.join(path.resolve(loopsDir), runningDirName);
}

export interface LoopsDirLocation {
  loopsDir: string;
  projectRoot: string;
  /** Why this directory: for `doctor` and for messages. */
  source: 'flag' | 'env' | 'config' | 'll-config' | 'default';
}

/**
 * Decide which `.loops` directory holds the records: `--loops-dir`, then `SCOPEGUARD_LOOPS_DIR`
 * (both relative to the working directory), then scopeguard's config file (relative to that
 * file), then little-loops' `loops.loops_dir` (relative to the project root), then
 * `<project root>/.loops`.
 */
export function locateLoopsDir(options: {
  flag?: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  config?: { loopsDir: string; file: string };
  /** The main worktree's top level (the working directory outside git). */
  projectRoot: string;
}): LoopsDirLocation {
  const { projectRoot } = options;
  const at = (loopsDir: string, source: LoopsDirLocation['source']) => ({
    loopsDir,
    projectRoot,
    source,
  });
  if (options.flag) return at(path.resolve(options.cwd, options.flag), 'flag');
  const fromEnv = options.env[loopsDirEnv];
  if (fromEnv) return at(path.resolve(options.cwd, fromEnv), 'env');
  if (options.config)
    return at(path.resolve(path.dirname(options.config.file), options.config.loopsDir), 'config');
  const configured = readLittleLoopsDir(projectRoot);
  if (configured) return at(path.resolve(projectRoot, configured), 'll-config');
  return at(path.join(projectRoot, '.loops'), 'default');
}

function readLittleLoopsDir(projectRoot: string): string | undefined {
  const file = path.join(projectRoot, littleLoopsConfig);
  const text = readIfPresent(file);
  if (text === undefined) return undefined;
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch {
    throw new UsageError(
      `${file} is not valid JSON, so the loops directory it may set is unknown. Fix the file, or ` +
        `name the directory with --loops-dir or ${loopsDirEnv}.`,
      'bad-ll-config',
    );
  }
  const value = (config as { loops?: { loops_dir?: unknown } } | null)?.loops?.loops_dir;
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') {
    throw new UsageError(
      `${file}: "loops.loops_dir" should be a non-empty path string.`,
      'bad-ll-config',
    );
  }
  return value;
}
