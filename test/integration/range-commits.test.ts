import { describe, expect, it } from 'vitest';
import { readRangeCommits } from '../../src/git/range-commits.js';
import { writeFiles } from '../support/commit-repo.js';
import { git, isolatedEnv, makeTempRepo } from '../support/temp-dir.js';

describe('readRangeCommits', () => {
  it('lists each commit with its files and Scope-Lock trailers from one git log, odd names, empty and merge commits included', async () => {
    const root = makeTempRepo();
    writeFiles(root, { 'base.txt': 'b\n' });
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'base');
    const base = git(root, 'rev-parse', 'HEAD').trim();

    git(root, 'checkout', '-q', '-b', 'side');
    writeFiles(root, { 'side.txt': 's\n' });
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'side');
    git(root, 'checkout', '-q', 'main');

    // a name with a newline, a space and the unit separator scopeguard's format uses
    const odd = 'src/new\nline \x1f.ts';
    writeFiles(root, { [odd]: 'x\n', 'src/a.ts': 'a\n' });
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'odd\n\nScope-Lock: ns/a#1\nScope-Lock: ns/b#2');
    git(root, 'commit', '-q', '--allow-empty', '-m', 'empty\n\nScope-Lock: ns/a#1');
    git(root, 'merge', '-q', '--no-ff', '-m', 'merge side', 'side');
    const head = git(root, 'rev-parse', 'HEAD').trim();

    const commits = await readRangeCommits(base, head, root, isolatedEnv());
    const found = commits.map(({ trailers, files }) => ({ trailers, files: files.sort() }));
    // the merge counts with what it brings against its first parent
    expect(found).toHaveLength(4);
    expect(found).toEqual(
      expect.arrayContaining([
        { trailers: [], files: ['side.txt'] },
        { trailers: ['ns/a#1'], files: [] },
        { trailers: ['ns/a#1', 'ns/b#2'], files: ['src/a.ts', odd].sort() },
      ]),
    );
    expect(found.filter((commit) => commit.files.includes('side.txt'))).toHaveLength(2);
    expect(commits[0]!.sha).toBe(head);
  });
});
