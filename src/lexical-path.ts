import path from 'node:path';

// An absolute POSIX path without empty, `.` or `..` segments, which path.resolve returns as is.
const normalAbsolutePath = /^(?:\/(?!\.\.?(?:\/|$))[^/]+)+$/;
// The same without the leading `/`: relative, and joined to a normal folder by a plain `/`.
const normalRelativePath = /^(?!\.\.?(?:\/|$))[^/]+(?:\/(?!\.\.?(?:\/|$))[^/]+)*$/;

/**
 * Whether `file` is an absolute path that path.resolve leaves as it is (never on Windows). Paths
 * git and the lock records hold are; hot loops over thousands of them skip path.resolve for them.
 */
export function isNormalAbsolute(file: string): boolean {
  return path.sep === '/' && normalAbsolutePath.test(file);
}

/**
 * Whether `file` is a relative path that names a place below its base by plain segments (never on
 * Windows): joined to a folder with `/`, it needs no resolving.
 */
export function isNormalRelative(file: string): boolean {
  return path.sep === '/' && normalRelativePath.test(file);
}

/** `path.resolve(base, file)`, by string operations when both are already normal. */
export function resolveLexically(base: string, file: string): string {
  if (isNormalAbsolute(file)) return file;
  if (isNormalAbsolute(base) && isNormalRelative(file)) return `${base}/${file}`;
  return path.resolve(base, file);
}
