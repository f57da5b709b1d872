import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { assertValidName, nameProblem } from '../../src/lock/lock-name.js';

const refused: { name: string; problem: RegExp }[] = [
  { name: '../x', problem: /path separator/ },
  { name: 'a/b', problem: /path separator/ },
  { name: '/abs', problem: /path separator/ },
  { name: 'a\\b', problem: /path separator/ },
  { name: '..', problem: /"\.\."/ },
  { name: 'a..b', problem: /"\.\."/ },
  { name: '.hidden', problem: /starts with a dot/ },
  { name: '.', problem: /starts with a dot/ },
  { name: '-flag', problem: /allowed set/ },
  { name: '', problem: /empty/ },
  { name: 'a\0b', problem: /NUL/ },
  { name: 'x'.repeat(129), problem: /too long/ },
  { name: 'café', problem: /allowed set/ },
  { name: 'ループ', problem: /allowed set/ },
  { name: 'fix tests', problem: /allowed set/ },
  { name: ' fix', problem: /allowed set/ },
  { name: 'fix\n', problem: /allowed set/ },
  { name: 'a*b', problem: /allowed set/ },
  { name: 'a:b', problem: /allowed set/ },
];

const accepted = ['fix-tests', 'loop_1', 'a.b', 'user@host', 'v1+2', 'A', '_x', 'x'.repeat(128)];

describe('nameProblem', () => {
  it.each(refused)('refuses $name', ({ name, problem }) => {
    expect(nameProblem(name)).toMatch(problem);
  });

  it.each(accepted)('accepts %s', (name) => {
    expect(nameProblem(name)).toBeNull();
  });
});

describe('assertValidName', () => {
  it.each(refused)('throws a UsageError (exit 2) for $name', ({ name }) => {
    let thrown: unknown;
    try {
      assertValidName('loop name', name);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UsageError);
    const error = thrown as UsageError;
    expect(error.exitCode).toBe(2);
    expect(error.code).toBe('invalid-name');
    expect(error.message).toContain('invalid loop name');
    expect(error.message).toContain(JSON.stringify(name));
  });

  it('names the kind of name in the message', () => {
    expect(() => assertValidName('instance id', 'a/b')).toThrow(/invalid instance id "a\/b"/);
  });

  it.each(accepted)('does not throw for %s', (name) => {
    expect(() => assertValidName('instance id', name)).not.toThrow();
  });
});
