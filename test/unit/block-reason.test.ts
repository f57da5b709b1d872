import { describe, expect, it } from 'vitest';
import { formatBlockReason } from '../../src/agent/block-reason.js';
import { guardReport, liveLock } from '../support/guard-fixtures.js';

const now = Date.parse('2026-01-01T00:12:00Z');

describe('formatBlockReason', () => {
  it('names the files, each holder with its age and host, the scope entry and the ways out', () => {
    const refactor = liveLock('refactor-2', {
      loop_name: 'refactor',
      pid: 4242,
      host: 'build-1',
      scope: ['/repo/src/api'],
    });
    const docs = liveLock('docs', { scope: ['/repo/docs'] });
    const { reason, summary } = formatBlockReason(
      guardReport({
        source: 'arguments',
        conflicts: [
          { file: 'src/api/a.ts', lock: refactor, matchedScope: '/repo/src/api' },
          { file: 'docs/x\ny.md', lock: docs, matchedScope: '/repo/docs' },
        ],
      }),
      now,
    );
    expect(reason).toBe(
      [
        'scopeguard blocked this edit: src/api/a.ts, "docs/x\\ny.md" are inside a scope another running loop holds.',
        '- held by loop "refactor" (instance refactor-2, pid 4242, host build-1, held 12m), scope src/api',
        '- held by loop "docs" (pid 1, held 12m), scope docs',
        'Do not write these files another way (a shell command is caught at commit). Instead:',
        '- work on something outside src/api, docs,',
        '- or wait until it is free: scopeguard locks wait --scope src/api docs',
        '- or ask the user how to proceed.',
      ].join('\n'),
    );
    expect(summary).toBe(
      'scopeguard blocked an edit of src/api/a.ts, "docs/x\\ny.md": held by loop "refactor", "docs"',
    );
  });

  it('explains a refusal caused only by unreadable records under strict', () => {
    const { reason } = formatBlockReason(
      guardReport({
        strict: true,
        problems: [
          {
            stem: 'bad',
            file: '/repo/.loops/.running/bad.lock',
            reason: 'not JSON',
            blocking: false,
          },
        ],
      }),
      now,
    );
    expect(reason).toBe(
      [
        'scopeguard blocked this edit: strict mode is on and these lock records cannot be read: /repo/.loops/.running/bad.lock.',
        'Ask the user to fix or remove them (`scopeguard locks list` shows them).',
      ].join('\n'),
    );
  });
});
