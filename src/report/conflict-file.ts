import type { Conflict } from '../guard/find-conflicts.js';
import { printable } from './printable.js';

/**
 * How a report names a conflict's file: the file, or for a rename `old -> new`, so a file moved
 * out of a held scope is shown with the path it left. Each path is shown by `show` (printable, for
 * text a terminal or a log displays).
 */
export function conflictFile(
  conflict: Conflict,
  show: (file: string) => string = printable,
): string {
  return conflict.renamedFrom === undefined
    ? show(conflict.file)
    : `${show(conflict.renamedFrom)} -> ${show(conflict.file)}`;
}
