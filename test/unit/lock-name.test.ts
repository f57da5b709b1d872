import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { assertSafeReference, assertValidName, nameProblem } from '../../src/lock/lock-name.js';

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
    expect(() => assertValidName('instance id', 'a/b/c')).toThrow(/invalid instance id "a\/b\/c"/);
  });

  it.each(accepted)('does not throw for %s', (name) => {
    expect(() => assertValidName('instance id', name)).not.toThrow();
  });
});

// Today's little-loops names instances like `generated/<task>-<stamp>`: one `/`, two plain parts.
const nestedIds = {
  accepted: ['generated/inkscape-task-20261130T101500', 'a/b'],
  refused: [
    { id: 'a/b/c', problem: /more than 1 "\/"/ },
    { id: '/abs', problem: /empty part/ },
    { id: 'a/', problem: /empty part/ },
    { id: 'a//b', problem: /more than 1|empty part/ },
    { id: '../x', problem: /"\.\."/ },
    { id: 'a/..', problem: /"\.\."/ },
    { id: 'generated/.hidden', problem: /starts with a dot/ },
    { id: 'a\\b/c', problem: /path separator/ },
    { id: 'generated/fix tests', problem: /allowed set/ },
    { id: 'generated/a%2Fb', problem: /allowed set/ },
  ],
};

describe('instance ids with "/"', () => {
  it.each(nestedIds.accepted)('accepts %s to acquire under', (id) => {
    expect(() => assertValidName('instance id', id)).not.toThrow();
  });

  it.each(nestedIds.accepted)('refuses %s as a loop name', (id) => {
    expect(nameProblem(id)).toMatch(/path separator/);
  });

  it.each(nestedIds.refused)('refuses $id to acquire under', ({ id, problem }) => {
    expect(() => assertValidName('instance id', id)).toThrow(problem);
  });

  it.each(nestedIds.refused.filter(({ id }) => !/ |%/.test(id)))(
    'refuses $id as a record to act on',
    ({ id }) => {
      expect(() => assertSafeReference(id)).toThrow(UsageError);
    },
  );

  it('takes any name of a record one folder down to act on', () => {
    expect(() => assertSafeReference('generated/fix tests')).not.toThrow();
  });
});
