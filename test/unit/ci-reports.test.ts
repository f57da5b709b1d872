import { describe, expect, it } from 'vitest';
import type { GuardReport } from '../../src/guard/guard-report.js';
import type { LiveLock } from '../../src/lock/lock-store.js';
import { colorsFor } from '../../src/report/color.js';
import { escapeData, escapeProperty, formatGitHubReport } from '../../src/report/github-report.js';
import { formatGitLabReport } from '../../src/report/gitlab-report.js';
import { formatJsonReport } from '../../src/report/json-report.js';
import { formatTextReport } from '../../src/report/text-report.js';
import { guardReport, liveLock } from '../support/guard-fixtures.js';
import { rawControl } from '../support/raw-control.js';

const lock = (instance: string): LiveLock =>
  liveLock(instance, { loop_name: 'refactor', pid: 7, host: 'h' });

function report(
  files: string[],
  overrides: Partial<GuardReport> = {},
  locks = [lock('refactor')],
): GuardReport {
  return guardReport({
    source: 'range',
    filesChecked: files.length,
    conflicts: files.flatMap((file) =>
      locks.map((held) => ({ file, lock: held, matchedScope: '/repo/src' })),
    ),
    ...overrides,
  });
}

const now = Date.parse('2026-01-01T00:05:00Z');

describe('GitHub workflow command escaping', () => {
  it('escapes %, CR and LF in messages and also : and , in properties', () => {
    expect(escapeData('50% done\r\nnext: a,b')).toBe('50%25 done%0D%0Anext: a,b');
    expect(escapeProperty('50% done\r\nnext: a,b')).toBe('50%25 done%0D%0Anext%3A a%2Cb');
  });
});

describe('GitHub report', () => {
  it('annotates each conflicting file once as an error, with file and title properties', () => {
    const github = formatGitHubReport(report(['src/a,b:c%d.ts']), now);
    expect(github.commands).toBe(
      '::error file=src/a%2Cb%3Ac%25d.ts,title=Held by loop refactor::src/a,b:c%25d.ts is inside scope src held by loop "refactor" (pid 7, host h).\n',
    );
    expect(github.outputs).toEqual({ conflicts: '1' });
  });

  it('names a renamed file by both paths in the annotation and the summary, placed at its new path', () => {
    const renamed = report([], {
      conflicts: [
        {
          file: 'moved.ts',
          renamedFrom: 'src/old.ts',
          lock: lock('refactor'),
          matchedScope: '/repo/src',
        },
      ],
    });
    const github = formatGitHubReport(renamed, now);
    expect(github.commands).toMatch(
      /^::error file=moved\.ts,title=Held by loop refactor::src\/old\.ts -> moved\.ts is inside scope src held by /,
    );
    expect(github.summary).toContain('| `src/old.ts -> moved.ts` | `refactor` |');
    const [issue] = JSON.parse(formatGitLabReport(renamed)) as {
      description: string;
      location: { path: string };
    }[];
    expect(issue!.location.path).toBe('moved.ts');
    expect(issue!.description).toMatch(/^Renamed from src\/old\.ts\. Inside scope src held by /);
  });

  it('caps annotations at 10 and says how many more, as warnings in warn mode', () => {
    const files = Array.from({ length: 13 }, (_, i) => `src/f${i}.ts`);
    const blocking = formatGitHubReport(report(files), now).commands.trimEnd().split('\n');
    expect(blocking.filter((line) => line.startsWith('::error '))).toHaveLength(10);
    expect(blocking.at(-1)).toBe(
      '::notice::3 more conflicting files not annotated; see the step summary.',
    );
    expect(blocking).toHaveLength(11);
    const warning = formatGitHubReport(report(files, { mode: 'warn' }), now).commands;
    expect(warning.match(/^::warning /gm)).toHaveLength(10);
    expect(warning).not.toContain('::error');
  });

  it('writes a Markdown table with every conflict, escaping pipes and newlines', () => {
    const summary = formatGitHubReport(report(['src/a|b.ts', 'src/new\nline.ts']), now).summary;
    expect(summary).toContain('### scopeguard: 2 conflicts, blocking');
    expect(summary).toContain(
      '| `src/a\\|b.ts` | `refactor` | `refactor` | `7` | `h` | `5m` | `src` |',
    );
    expect(summary).toContain('| `"src/new\\nline.ts"` |');
    const hostless = liveLock('refactor', { loop_name: 'refactor', pid: 7 });
    expect(formatGitHubReport(report(['src/a.ts'], {}, [hostless]), now).summary).toMatch(
      /\| `7` \| - \| /,
    );
    expect(formatGitHubReport(report([]), now).summary).toContain(
      'No changed file is inside a scope held by another loop.',
    );
  });
});

describe('GitLab Code Quality report', () => {
  it('has one issue per file and lock with unique, stable fingerprints', () => {
    const locks = [lock('refactor'), lock('refactor-2')];
    const issues = JSON.parse(formatGitLabReport(report(['src/a.ts', 'src/b.ts'], {}, locks)));
    expect(issues).toHaveLength(4);
    expect(new Set(issues.map((issue: { fingerprint: string }) => issue.fingerprint)).size).toBe(4);
    expect(issues[0]).toMatchObject({
      check_name: 'scopeguard/held-scope',
      severity: 'major',
      location: { path: 'src/a.ts', lines: { begin: 1 } },
    });
    expect(issues[0].fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(formatGitLabReport(report(['src/a.ts', 'src/b.ts'], {}, locks)))).toEqual(
      issues,
    );
    expect(JSON.parse(formatGitLabReport(report(['src/a.ts'], { mode: 'warn' })))[0].severity).toBe(
      'minor',
    );
  });
});

describe('every formatter with text from outside', () => {
  // a record another process wrote, a file name a pull request chose
  const hostile = liveLock('evil\u001b[2Jinstance', {
    loop_name: '\u001b]8;;https://evil.example\u0007click\u001b]8;;\u0007',
    host: 'h\u009b31m\u202e',
    scope: ['/repo/src\r::error::scope'],
  });
  const hostileReport = report(['src\r::error::scope/a\u0085.ts'], {}, [hostile]);
  hostileReport.conflicts[0]!.matchedScope = '/repo/src\r::error::scope';
  hostileReport.problems = [
    {
      stem: 'x',
      file: '/repo/.loops/.running/x\n##[error]y.lock',
      reason: 'bad \u001b[1m',
      blocking: false,
    },
  ];
  hostileReport.strict = true;

  it.each([
    ['text', () => formatTextReport(hostileReport, colorsFor({ NO_COLOR: '1' }, false), now)],
    ['json', () => formatJsonReport(hostileReport)],
    ['github commands', () => formatGitHubReport(hostileReport, now).commands],
    ['github summary', () => formatGitHubReport(hostileReport, now).summary],
    ['gitlab', () => formatGitLabReport(hostileReport)],
  ])('%s: no raw control character and no workflow command but its own', (_, format) => {
    const output = format();
    expect(output).not.toMatch(rawControl);
    expect(output).not.toContain('##[');
    const foreign = output.split('\n').filter((line) => /^\s*::(?!error )/.test(line));
    expect(foreign).toEqual([]);
  });
});
