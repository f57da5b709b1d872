import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveScopePath } from '../../src/lock/scope-path.js';
import { makeTempDir } from '../support/temp-dir.js';

/**
 * A temp folder with real symlinks:
 *
 *   real/target/{sub/, file.txt}
 *   links/rel      -> ../real/target          (relative)
 *   links/abs      -> <dir>/real/target       (absolute)
 *   chain          -> links/rel               (a link to a link)
 *   up             -> ../<base>/real          (relative, leaves the folder and comes back)
 *   file-link      -> real/target/file.txt
 *   dangling       -> missing/deeper
 *   loop-a -> loop-b -> loop-a, self -> self  (loops)
 *   cwd-link       -> real                    (used as a working directory)
 */
function makeTree(): string {
  const dir = makeTempDir('scopeguard-scope-path-');
  mkdirSync(path.join(dir, 'real', 'target', 'sub'), { recursive: true });
  writeFileSync(path.join(dir, 'real', 'target', 'file.txt'), 'x');
  mkdirSync(path.join(dir, 'links'));
  symlinkSync('../real/target', path.join(dir, 'links', 'rel'));
  symlinkSync(path.join(dir, 'real', 'target'), path.join(dir, 'links', 'abs'));
  symlinkSync('links/rel', path.join(dir, 'chain'));
  symlinkSync(`../${path.basename(dir)}/real`, path.join(dir, 'up'));
  symlinkSync('real/target/file.txt', path.join(dir, 'file-link'));
  symlinkSync('missing/deeper', path.join(dir, 'dangling'));
  symlinkSync('loop-b', path.join(dir, 'loop-a'));
  symlinkSync('loop-a', path.join(dir, 'loop-b'));
  symlinkSync('self', path.join(dir, 'self'));
  symlinkSync('real', path.join(dir, 'cwd-link'));
  return dir;
}

/** Inputs relative to the tree root; `@` stands for the tree's absolute path. */
const table: { input: string; expected: string }[] = [
  { input: 'links/rel', expected: 'real/target' },
  { input: 'links/abs', expected: 'real/target' },
  { input: 'links/rel/sub', expected: 'real/target/sub' },
  { input: 'links/abs/sub/new/file', expected: 'real/target/sub/new/file' },
  // `link/..` is the parent of the link's target, not the folder holding the link.
  { input: 'links/rel/..', expected: 'real' },
  { input: 'links/abs/..', expected: 'real' },
  { input: 'links/rel/../..', expected: '' },
  { input: 'links/rel/../target/sub', expected: 'real/target/sub' },
  { input: 'chain', expected: 'real/target' },
  { input: 'chain/..', expected: 'real' },
  { input: 'up/target', expected: 'real/target' },
  { input: 'file-link', expected: 'real/target/file.txt' },
  { input: 'file-link/beyond', expected: 'real/target/file.txt/beyond' },
  { input: 'dangling', expected: 'missing/deeper' },
  { input: 'dangling/..', expected: 'missing' },
  { input: 'links/./rel//sub/', expected: 'real/target/sub' },
  { input: 'links/../links/rel', expected: 'real/target' },
  { input: 'links', expected: 'links' },
  { input: 'nothing/here/..', expected: 'nothing' },
  { input: '@/links/rel/sub', expected: 'real/target/sub' },
  { input: '@/links/abs/..', expected: 'real' },
  { input: '@/cwd-link/target', expected: 'real/target' },
];

function absolute(dir: string, relative: string): string {
  return relative === '' ? dir : `${dir}/${relative}`;
}

function expand(dir: string, input: string): string {
  return input.startsWith('@') ? dir + input.slice(1) : input;
}

function python(code: string, cwd: string, args: string[]): string[] {
  const out = execFileSync('python3', ['-c', code, ...args], { cwd, encoding: 'utf8' });
  return out.replace(/\n$/, '').split('\n');
}

const pathResolve =
  "import sys; from pathlib import Path; print('\\n'.join(str(Path(p).resolve()) for p in sys.argv[1:]))";
const osRealpath = "import sys, os; print('\\n'.join(os.path.realpath(p) for p in sys.argv[1:]))";

function pythonMissing(): string | undefined {
  try {
    execFileSync('python3', ['-c', 'import sys; assert sys.version_info >= (3, 8)'], {
      stdio: 'ignore',
    });
    return undefined;
  } catch {
    return 'python3 is not available';
  }
}

const missingPython = pythonMissing();
if (missingPython)
  console.warn(`skipping Python comparisons in scope-path tests: ${missingPython}`);

describe('resolveScopePath with real symlinks', () => {
  it.each(table)('$input -> <dir>/$expected', ({ input, expected }) => {
    const dir = makeTree();
    expect(resolveScopePath(expand(dir, input), dir)).toBe(absolute(dir, expected));
  });

  it('resolves a symlinked working directory', () => {
    const dir = makeTree();
    expect(resolveScopePath('target/sub', path.join(dir, 'cwd-link'))).toBe(
      `${dir}/real/target/sub`,
    );
    expect(resolveScopePath('..', path.join(dir, 'cwd-link'))).toBe(dir);
  });

  it.each([
    { input: 'loop-a', expected: 'loop-a' },
    { input: 'loop-a/x/y', expected: 'loop-a/x/y' },
    { input: 'loop-b/../z', expected: 'z' },
    { input: 'self', expected: 'self' },
    { input: 'self/x', expected: 'self/x' },
    { input: 'links/rel/sub/../../../self/q', expected: 'self/q' },
  ])('does not throw on a symlink loop: $input -> <dir>/$expected', ({ input, expected }) => {
    const dir = makeTree();
    expect(resolveScopePath(input, dir)).toBe(absolute(dir, expected));
  });
});

describe.skipIf(missingPython !== undefined)('resolveScopePath agrees with Python', () => {
  it("matches pathlib's Path(p).resolve() for every table input", () => {
    const dir = makeTree();
    const inputs = [...table.map(({ input }) => expand(dir, input)), '.', '', '..', 'a/../../b'];
    const expected = python(pathResolve, dir, inputs);
    expect(inputs.map((input) => resolveScopePath(input, dir))).toEqual(expected);
  });

  it('matches Python from a symlinked working directory', () => {
    const dir = makeTree();
    const cwd = path.join(dir, 'cwd-link');
    const inputs = ['target', 'target/sub/..', '..', '../links/rel/..', 'new'];
    expect(inputs.map((input) => resolveScopePath(input, cwd))).toEqual(
      python(pathResolve, cwd, inputs),
    );
  });

  it("matches os.path.realpath on symlink loops (Path.resolve raises there, so it can't be used)", () => {
    const dir = makeTree();
    const inputs = ['loop-a', 'loop-a/x/y', 'loop-b/../z', 'self', 'self/x'];
    expect(inputs.map((input) => resolveScopePath(input, dir))).toEqual(
      python(osRealpath, dir, inputs),
    );
  });
});
