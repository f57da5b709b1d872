import { statSync } from 'node:fs';

/** Whether `file` is a folder, or a symlink to one; false for anything that cannot be looked at. */
export function isFolder(file: string | Buffer): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}
