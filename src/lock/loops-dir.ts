import { readFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { findProjectRoot } from '../git/project-root.js';

/** The environment variable that names the loops directory, like `--loops-dir`. */
export const loopsDirEnv = 'SCOPEGUARD_LOOPS_DIR';

/** little-loops' project config; its `loops.loops_dir` moves the loops directory for both tools. */
export const littleLoopsConfig = path.join('.ll', 'll-config.json');

export interface LoopsDirLocation {
  loopsDir: string;
  projectRoot: string;
  /** Why this directory: for `doctor` and for messages. */
  source: 'flag' | 'env' | 'll-config' | 'default';
}

/**
 * Decide which `.loops` directory holds the records: `--loops-dir`, then `SCOPEGUARD_LOOPS_DIR`
 * (both relative to the working directory), then little-loops' `loops.loops_dir` (relative to the
 * project root), then `<project root>/.loops`.
 */
export async function locateLoopsDir(options: {
  flag?: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
}): Promise<LoopsDirLocation> {
  const { root: projectRoot } = await findProjectRoot(options.cwd, options.env);
  if (options.flag)
    return { loopsDir: path.resolve(options.cwd, options.flag), projectRoot, source: 'flag' };
  const fromEnv = options.env[loopsDirEnv];
  if (fromEnv) return { loopsDir: path.resolve(options.cwd, fromEnv), projectRoot, source: 'env' };
  const configured = readLittleLoopsDir(projectRoot);
  if (configured)
    return { loopsDir: path.resolve(projectRoot, configured), projectRoot, source: 'll-config' };
  return { loopsDir: path.join(projectRoot, '.loops'), projectRoot, source: 'default' };
}

function readLittleLoopsDir(projectRoot: string): string | undefined {
  const file = path.join(projectRoot, littleLoopsConfig);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
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
