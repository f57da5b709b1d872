import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { errnoCode } from '../errno-error.js';
import { UsageError } from '../errors.js';
import { guardModes, type GuardMode } from '../guard/guard-mode.js';

/** What a guard does when the shared store cannot be reached: fail, or warn and check locally. */
export type StoreErrorPolicy = 'block' | 'warn';
export const storeErrorPolicies: readonly StoreErrorPolicy[] = ['block', 'warn'];

/** The settings a project may keep in `.scopeguardrc.json` or under `scopeguard` in package.json. */
export interface FileConfig {
  mode?: GuardMode;
  loopsDir?: string;
  /** Globs of repo-relative paths never guarded (generated files, lock files...). */
  ignore?: string[];
  /** Unreadable lock records block instead of warning. */
  strict?: boolean;
  /** A shared store's `postgres://` URL, used together with the lock directory. */
  store?: string;
  /** The shared store's namespace (default: derived from the `origin` remote). */
  namespace?: string;
  /** When the shared store cannot be reached (default: warn for hooks, block for ci). */
  onStoreError?: StoreErrorPolicy;
  /** The shared store's lease time to live, in seconds. */
  leaseTtl?: number;
}

export interface LoadedConfig {
  config: FileConfig;
  /** The file it came from, for messages; undefined when there is none. */
  file?: string;
}

const searchPlaces = ['.scopeguardrc.json', '.scopeguardrc', 'package.json'];

/**
 * Find and validate the configuration, searching from `cwd` up to the repository's top level.
 * A file that does not parse or holds a wrong value is an error naming the file and the key.
 */
export async function loadConfig(cwd: string, stopDir: string): Promise<LoadedConfig> {
  const found = searchConfig(path.resolve(cwd), stopDir);
  if (found === undefined) return { config: {} };
  return { config: validate(found.config, found.file), file: found.file };
}

/**
 * The search lilconfig and cosmiconfig do, in a few lines instead of a package that loads node's
 * promise-based file API on every commit: in each folder from `dir` up to `stopDir` (or the
 * file system's root), the first search place that exists wins, but a package.json only with a
 * `scopeguard` key. An empty rc file ends the search with no settings.
 */
function searchConfig(dir: string, stopDir: string): { config: unknown; file: string } | undefined {
  for (;;) {
    for (const place of searchPlaces) {
      const file = path.join(dir, place);
      const content = readConfigFile(file);
      if (content === undefined) continue;
      if (place === 'package.json') {
        const config = (parseJson(file, content) as Record<string, unknown> | null)?.scopeguard;
        if (config != null) return { config, file };
        continue;
      }
      if (content.trim() === '') return undefined;
      return { config: parseJson(file, content), file };
    }
    const parent = path.dirname(dir);
    if (dir === stopDir || parent === dir) return undefined;
    dir = parent;
  }
}

/** A file's text, or undefined when there is no such file (or none that can be seen). */
function readConfigFile(file: string): string | undefined {
  // Looked for first: a read that fails costs an exception (see readIfPresent), and a file that
  // cannot be seen counts as none.
  if (!existsSync(file)) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = errnoCode(error);
    // Removed, or its folder made a file, since it was looked for.
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new UsageError(
      `cannot read scopeguard configuration: ${file} (${code ?? String(error)}): check its permissions, or remove it.`,
      'bad-config',
    );
  }
}

function parseJson(file: string, content: string): unknown {
  try {
    return JSON.parse(content);
  } catch (error) {
    throw new UsageError(
      `${file} is not valid JSON (${(error as Error).message}); fix or remove it.`,
      'bad-config',
    );
  }
}

function validate(raw: unknown, file: string): FileConfig {
  const fail = (detail: string) => {
    throw new UsageError(`${file}: ${detail}`, 'bad-config');
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    fail('the scopeguard configuration should be a JSON object');
  const { mode, loopsDir, ignore, strict, store, namespace, onStoreError, leaseTtl, ...unknown } =
    raw as Record<string, unknown>;
  const unknownKeys = Object.keys(unknown);
  if (unknownKeys.length > 0)
    fail(
      `unknown key ${JSON.stringify(unknownKeys[0])} (known: mode, loopsDir, ignore, strict, ` +
        'store, namespace, onStoreError, leaseTtl)',
    );
  const config: FileConfig = {};
  if (mode !== undefined) {
    if (!guardModes.includes(mode as GuardMode))
      fail(`"mode" should be one of ${guardModes.join(', ')}, not ${JSON.stringify(mode)}`);
    config.mode = mode as GuardMode;
  }
  if (loopsDir !== undefined) {
    if (typeof loopsDir !== 'string' || loopsDir === '')
      fail('"loopsDir" should be a non-empty path');
    config.loopsDir = loopsDir as string;
  }
  if (ignore !== undefined) {
    if (
      !Array.isArray(ignore) ||
      !ignore.every((glob) => typeof glob === 'string' && glob !== '')
    ) {
      fail('"ignore" should be an array of glob strings');
    }
    config.ignore = ignore as string[];
  }
  if (strict !== undefined) {
    if (typeof strict !== 'boolean') fail('"strict" should be true or false');
    config.strict = strict as boolean;
  }
  for (const [key, value] of Object.entries({ store, namespace })) {
    if (value === undefined) continue;
    if (typeof value !== 'string' || value === '') fail(`"${key}" should be a non-empty string`);
    config[key as 'store' | 'namespace'] = value as string;
  }
  if (onStoreError !== undefined) {
    if (!storeErrorPolicies.includes(onStoreError as StoreErrorPolicy))
      fail(
        `"onStoreError" should be one of ${storeErrorPolicies.join(', ')}, not ${JSON.stringify(onStoreError)}`,
      );
    config.onStoreError = onStoreError as StoreErrorPolicy;
  }
  if (leaseTtl !== undefined) {
    if (typeof leaseTtl !== 'number' || !Number.isFinite(leaseTtl) || leaseTtl < 3)
      fail('"leaseTtl" should be a number of seconds, at least 3');
    config.leaseTtl = leaseTtl as number;
  }
  return config;
}

/** The configured loops directory with the file it is relative to, in `locateLoopsDir`'s shape. */
export function configuredLoopsDir(
  loaded: LoadedConfig,
): { loopsDir: string; file: string } | undefined {
  return loaded.config.loopsDir && loaded.file
    ? { loopsDir: loaded.config.loopsDir, file: loaded.file }
    : undefined;
}
