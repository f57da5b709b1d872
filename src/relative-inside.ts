import path from 'node:path';
import { isNormalAbsolute } from './lexical-path.js';

/**
 * `absolute` relative to `root` with `/` separators (`''` for the root itself), or undefined when
 * it is not inside. Only `..` as a whole first segment means outside: `..cache` is a name inside.
 */
export function relativeInside(root: string, absolute: string): string | undefined {
  if (isNormalAbsolute(root) && isNormalAbsolute(absolute)) {
    // Both normal: inside means below by whole segments, which plain string operations decide.
    if (absolute === root) return '';
    return absolute.startsWith(root) && absolute[root.length] === '/'
      ? absolute.slice(root.length + 1)
      : undefined;
  }
  const relative = path.relative(root, absolute);
  if (relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative))
    return undefined;
  return relative.split(path.sep).join('/');
}
