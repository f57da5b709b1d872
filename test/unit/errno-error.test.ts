import { describe, expect, it } from 'vitest';
import { environmentErrorFrom, errnoCode } from '../../src/errno-error.js';
import { EnvironmentError, ExitCode } from '../../src/errors.js';

describe('errnoCode', () => {
  it.each([
    [Object.assign(new Error('x'), { code: 'ENOENT' }), 'ENOENT'],
    [new Error('no code'), undefined],
    [{ code: 42 }, undefined],
    [null, undefined],
    ['EACCES', undefined],
    [new EnvironmentError('x', 'lock-dir-uncreatable'), undefined],
  ])('%o -> %s', (error, code) => {
    expect(errnoCode(error)).toBe(code);
  });
});

describe('environmentErrorFrom', () => {
  it('names the action, the path, the code and a fix, with exit 3', () => {
    const error = environmentErrorFrom(
      Object.assign(new Error('raw'), { code: 'EROFS' }),
      'create the lock record',
      '/r/.loops/.running/a.lock',
    );
    expect(error).toBeInstanceOf(EnvironmentError);
    const { message, exitCode, code } = error as EnvironmentError;
    expect(message).toBe(
      'cannot create the lock record /r/.loops/.running/a.lock (EROFS): it is on a read-only file system: use a writable location.',
    );
    expect(exitCode).toBe(ExitCode.environment);
    expect(code).toBe('erofs');
  });

  it('gives a generic fix for an unlisted code', () => {
    const error = environmentErrorFrom({ code: 'EWHATEVER' }, 'read', '/x') as EnvironmentError;
    expect(error.message).toBe('cannot read /x (EWHATEVER): check the path and its permissions.');
  });

  it('returns errors without an errno code unchanged, so bugs stay bugs', () => {
    const bug = new TypeError('undefined is not a function');
    expect(environmentErrorFrom(bug, 'read', '/x')).toBe(bug);
  });
});
