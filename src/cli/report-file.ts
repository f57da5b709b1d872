import { builtin } from '../builtin.js';
import {
  closeSync,
  constants,
  lstatSync,
  mkdirSync,
  openSync,
  realpathSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { environmentErrorFrom } from '../errno-error.js';
import { EnvironmentError } from '../errors.js';
import { isAncestor } from '../lock/scope-path.js';

/**
 * Write a report file (GitLab's Code Quality report) without ever following a symbolic link: the
 * checkout belongs to the change under test, which can commit a symlink where the report goes. The
 * content is written to a new dot-named file beside the target and renamed over it, which replaces
 * a symlink (or an old report) instead of writing through it, and readers never see half a report.
 * Missing directories are created; one on the way that is a symlink inside `checkout` is refused.
 */
export function writeReportFile(file: string, content: string, checkout: string): void {
  const dir = path.dirname(file);
  makeDirectories(dir, checkout, file);
  const temp = path.join(dir, `.${path.basename(file)}.${builtin('node:crypto').randomUUID()}.tmp`);
  try {
    // `wx` is O_CREAT | O_EXCL: it fails on any existing name, a symlink included.
    writeFileSync(temp, content, { flag: 'wx', mode: 0o644 });
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw environmentErrorFrom(error, 'write the report', file);
  }
}

/**
 * Create `dir` one level at a time. Symlinks outside the checkout (a system's `/var` or `/tmp`,
 * a workspace mounted elsewhere) are the machine's own and are followed; one inside it is not.
 */
function makeDirectories(dir: string, checkout: string, file: string): void {
  let current = path.parse(dir).root;
  for (const segment of dir.split(path.sep).filter(Boolean)) {
    const parent = current;
    current = path.join(current, segment);
    const stats = onDisk(() => lstatSync(current, { throwIfNoEntry: false }), current);
    if (stats === undefined) {
      onDisk(() => mkdirSync(current), current);
      continue;
    }
    if (!stats.isSymbolicLink()) continue;
    if (
      isInsideCheckout(
        onDisk(() => realpathSync(parent), parent),
        checkout,
      )
    ) {
      throw new EnvironmentError(
        `will not write the report ${file} through ${current}, a symbolic link inside the ` +
          'checkout that could point anywhere: choose a report path without symlinks, or ' +
          'replace the link with a directory.',
        'report-through-symlink',
      );
    }
  }
}

function onDisk<T>(step: () => T, target: string): T {
  try {
    return step();
  } catch (error) {
    throw environmentErrorFrom(error, 'create the report directory', target);
  }
}

function isInsideCheckout(dir: string, checkout: string): boolean {
  return dir === checkout || isAncestor(checkout, dir);
}

/**
 * Append to a file the CI runner provides (GitHub's step summary and step outputs). Other steps
 * append to the same file, so it is never replaced; a symbolic link in its place is refused rather
 * than followed.
 */
export function appendToRunnerFile(file: string, content: string, what: string): void {
  let fd: number;
  try {
    fd = openSync(
      file,
      constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW,
      0o644,
    );
  } catch (error) {
    throw environmentErrorFrom(error, `append to ${what}`, file);
  }
  try {
    writeFileSync(fd, content);
  } catch (error) {
    throw environmentErrorFrom(error, `append to ${what}`, file);
  } finally {
    closeSync(fd);
  }
}
