import { describe, expect, it } from 'vitest';
import type { GuardReport } from '../../src/guard/guard-report.js';
import { isPassing } from '../../src/guard/guard-report.js';
import type { LiveLock } from '../../src/lock/lock-store.js';
import { colorsFor } from '../../src/report/color.js';
import { formatJsonReport } from '../../src/report/json-report.js';
import { formatPassLine, formatTextReport } from '../../src/report/text-report.js';
import { guardReport, liveLock } from '../support/guard-fixtures.js';

const now = Date.parse('2026-01-01T01:00:00Z');
const lock = (instance: string, loop: string, scope: string[]): LiveLock =>
  liveLock(instance, {
    loop_name: loop,
    scope,
    pid: 4242,
    started_at: '2026-01-01T00:48:00.000000+00:00',
    host: 'build-1',
  });
const api = lock('refactor-2', 'refactor', ['/repo/src/api']);
const docs = lock('docs', 'docs', ['/repo/docs/*.md']);

function report(overrides: Partial<GuardReport> = {}): GuardReport {
  return guardReport({
    filesChecked: 3,
    conflicts: [
      { file: 'src/api/a.ts', lock: api, matchedScope: '/repo/src/api' },
      { file: 'docs/x.md', lock: docs, matchedScope: '/repo/docs/*.md' },
      { file: 'src/api/b.ts', lock: api, matchedScope: '/repo/src/api' },
    ],
    ...overrides,
  });
}
const plain = colorsFor({ NO_COLOR: '1' }, true);

describe('text report', () => {
  it('groups files by holder and scope entry and names the ways forward', () => {
    expect(formatTextReport(report(), plain, now)).toBe(
      [
        'scopeguard: 3 staged files inside scopes held by other loops',
        '',
        '  loop "refactor" (instance refactor-2, pid 4242, host build-1, held 12m)',
        '    scope src/api',
        '      src/api/a.ts',
        '      src/api/b.ts',
        '',
        '  loop "docs" (pid 4242, host build-1, held 12m)',
        '    scope docs/*.md',
        '      docs/x.md',
        '',
        'What now:',
        "  - wait until the scope is free:  scopeguard locks wait --scope src/api 'docs/*.md'",
        '  - or ask the holder to finish or release its lock (scopeguard locks list shows them all)',
        '  - or bypass the guard for one commit:  SCOPEGUARD_SKIP=1 git commit ...  (or git commit --no-verify)',
        '',
      ].join('\n'),
    );
  });

  it('groups interleaved conflicts by holder, then entry, in the order they first came', () => {
    const alpha = lock('a', 'alpha', ['/repo/src', '/repo/lib']);
    const beta = lock('b', 'beta', ['/repo/src/api/*.ts']);
    const conflicts = [
      { file: 'src/api/x.ts', lock: alpha, matchedScope: '/repo/src' },
      { file: 'src/api/x.ts', lock: beta, matchedScope: '/repo/src/api/*.ts' },
      { file: 'lib/y.js', lock: alpha, matchedScope: '/repo/lib' },
      { file: 'src/new\nline.ts', lock: alpha, matchedScope: '/repo/src' },
      { file: 'lib/moved.js', renamedFrom: 'src/old.js', lock: alpha, matchedScope: '/repo/src' },
      { file: 'lib/z.js', lock: alpha, matchedScope: '/repo/lib' },
    ];
    const text = formatTextReport(report({ source: 'stdin', conflicts }), plain, now);
    expect(text.split('\n')).toEqual([
      'scopeguard: 5 given paths inside scopes held by other loops',
      '',
      '  loop "alpha" (instance a, pid 4242, host build-1, held 12m)',
      '    scope src',
      '      src/api/x.ts',
      '      "src/new\\nline.ts"',
      '      src/old.js -> lib/moved.js',
      '    scope lib',
      '      lib/y.js',
      '      lib/z.js',
      '',
      '  loop "beta" (instance b, pid 4242, host build-1, held 12m)',
      '    scope src/api/*.ts',
      '      src/api/x.ts',
      '',
      'What now:',
      "  - wait until the scope is free:  scopeguard locks wait --scope src 'src/api/*.ts' lib",
      '  - or ask the holder to finish or release its lock (scopeguard locks list shows them all)',
      '  - or run with --mode warn to report without failing',
      '',
    ]);
  });

  it('marks warn mode as a warning without the ways forward', () => {
    const text = formatTextReport(report({ mode: 'warn' }), plain, now);
    expect(text.split('\n')[0]).toBe(
      'scopeguard: warning: 3 staged files inside scopes held by other loops (mode warn, not blocking)',
    );
    expect(text).not.toContain('What now');
  });

  it('says nothing when nothing conflicts', () => {
    expect(formatTextReport(report({ conflicts: [] }), plain, now)).toBe('');
  });

  it('lists unreadable records as blocking under strict', () => {
    const problems = [
      {
        stem: 'bad',
        file: '/repo/.loops/.running/bad.lock',
        reason: 'empty file',
        blocking: false,
      },
    ];
    const text = formatTextReport(report({ conflicts: [], strict: true, problems }), plain, now);
    expect(text).toBe(
      [
        'scopeguard: 1 unreadable lock record (--strict treats them as held)',
        '',
        '  unreadable lock records (blocking because of --strict):',
        '    /repo/.loops/.running/bad.lock: empty file',
        '',
        'What now:',
        '  - inspect the unreadable record (cat /repo/.loops/.running/bad.lock); once no loop is writing it, remove it (rm /repo/.loops/.running/bad.lock)',
        '  - or bypass the guard for one commit:  SCOPEGUARD_SKIP=1 git commit ...  (or git commit --no-verify)',
        '',
      ].join('\n'),
    );
    expect(isPassing(report({ conflicts: [], strict: true, problems }))).toBe(false);
    expect(isPassing(report({ conflicts: [], strict: false, problems }))).toBe(true);
  });

  it('a passing check says in one line what it checked', () => {
    expect(formatPassLine(report({ conflicts: [], source: 'worktree' }))).toBe(
      'scopeguard: ok: 3 changed files checked, none inside a scope held by another loop\n',
    );
    expect(formatPassLine(report({ conflicts: [], filesChecked: undefined }))).toBe(
      'scopeguard: ok: no other loop holds a live lock on this repository\n',
    );
  });

  it('colours only when asked', () => {
    expect(formatTextReport(report(), colorsFor({ FORCE_COLOR: '1' }, false), now)).toContain(
      '\x1b[',
    );
    expect(formatTextReport(report(), colorsFor({}, false), now)).not.toContain('\x1b[');
    expect(formatTextReport(report(), colorsFor({}, true), now)).toContain('\x1b[');
    expect(
      formatTextReport(report(), colorsFor({ NO_COLOR: '1', FORCE_COLOR: '1' }, true), now),
    ).not.toContain('\x1b[');
  });
});

describe('json report', () => {
  it('is one document with the documented fields', () => {
    const reaped = [{ ...lock('old', 'old', ['/repo/x']), reason: 'process 9 has exited' }];
    const doc = JSON.parse(formatJsonReport(report({ reaped, notes: ['a note'] })));
    expect(doc).toMatchObject({
      schemaVersion: 1,
      ok: false,
      mode: 'block',
      source: 'staged',
      filesChecked: 3,
      ownLocks: [],
      reaped: [{ loop_name: 'old', instance: 'old', reason: 'process 9 has exited' }],
      warnings: [{ kind: 'note', message: 'a note' }],
    });
    expect(doc.conflicts[0]).toEqual({
      file: 'src/api/a.ts',
      lock: {
        loop_name: 'refactor',
        instance: 'refactor-2',
        pid: 4242,
        host: 'build-1',
        started_at: '2026-01-01T00:48:00.000000+00:00',
        scope: ['/repo/src/api'],
      },
      matchedScope: '/repo/src/api',
    });
  });

  it('is ok in warn mode even with conflicts', () => {
    expect(JSON.parse(formatJsonReport(report({ mode: 'warn' }))).ok).toBe(true);
  });
});
