import path from 'node:path';

/**
 * `absolute` relative to `root` with `/` separators (`''` for the root itself), or undefined when
 * it is not inside. Only `..` as a whole first segment means outside: `..cache` is a name inside.
 */
export function relativeInside(root: string, absolute: string): string | undefined {
  const relative = path.relative(root, absolute);
  if (relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative))
    return undefined;
  return relative.split(path.sep).join('/');
}
