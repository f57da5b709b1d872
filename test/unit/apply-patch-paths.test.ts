import { describe, expect, it } from 'vitest';
import { applyPatchPaths } from '../../src/agent/apply-patch-paths.js';

describe('applyPatchPaths', () => {
  it.each([
    {
      name: 'an added and an updated file',
      patch: [
        '*** Begin Patch',
        '*** Add File: docs/new.md',
        '+hello',
        '*** Update File: src/api/a.ts',
        '@@',
        '-old',
        '+new',
        '*** End Patch',
      ],
      paths: ['docs/new.md', 'src/api/a.ts'],
    },
    {
      name: 'both sides of a move',
      patch: [
        '*** Begin Patch',
        '*** Update File: src/api/a.ts',
        '*** Move to: lib/a.ts',
        '@@',
        '-x',
        '+y',
        '*** End Patch',
      ],
      paths: ['src/api/a.ts', 'lib/a.ts'],
    },
    {
      name: 'a deletion, CRLF line ends and names with spaces',
      patch: ['*** Begin Patch\r', '*** Delete File: old notes/a b.txt\r', '*** End Patch\r'],
      paths: ['old notes/a b.txt'],
    },
    {
      name: 'the heredoc form a shell call wraps it in, with an absolute path',
      patch: [
        "apply_patch <<'EOF'",
        '*** Begin Patch',
        '*** Add File: /abs/x.ts',
        '+x',
        '*** End Patch',
        'EOF',
      ],
      paths: ['/abs/x.ts'],
    },
    {
      name: 'header-like text inside the hunks is not a header',
      patch: [
        '*** Begin Patch',
        '*** Update File: a.ts',
        '@@',
        '+*** Add File is fine here',
        '*** End Patch',
      ],
      paths: ['a.ts'],
    },
  ])('$name', ({ patch, paths }) => {
    expect(applyPatchPaths(patch.join('\n'))).toEqual(paths);
  });
});
