import { describe, expect, it } from 'vitest';
import { nameProblem } from '../../src/lock/lock-name.js';
import { flatRecordName, instanceOfRecord, recordNamesOf } from '../../src/lock/record-name.js';
import type { LockRecord } from '../../src/lock/lock-record.js';

const record = (instance?: string): LockRecord => ({
  loop_name: 'loop',
  scope: ['/p'],
  pid: 1,
  started_at: 'x',
  ...(instance === undefined ? {} : { instance }),
});

describe('record file names', () => {
  it('writes an id with "/" flat, and reads it back whole', () => {
    const id = 'generated/inkscape-task-20261130T101500';
    const name = flatRecordName(id);
    expect(name).toBe('generated%2Finkscape-task-20261130T101500.lock');
    expect(name).not.toContain('/');
    expect(instanceOfRecord(name, record(id))).toBe(id);
  });

  it('writes a plain id as it is', () => {
    expect(flatRecordName('fix-tests')).toBe('fix-tests.lock');
    expect(recordNamesOf('fix-tests')).toEqual(['fix-tests.lock']);
  });

  it('never makes the name of a plain id from an id with "/"', () => {
    // The encoded name holds "%", which no plain id may hold.
    const stem = flatRecordName('a/b').slice(0, -'.lock'.length);
    expect(nameProblem(stem)).toMatch(/allowed set/);
  });

  it('looks for the flat record first, then the nested one little-loops writes', () => {
    expect(recordNamesOf('generated/x')).toEqual(['generated%2Fx.lock', 'generated/x.lock']);
  });

  it('reads the id of a nested record from its path', () => {
    expect(instanceOfRecord('generated/x.lock', record())).toBe('generated/x');
  });

  it('keeps the name of a record another tool wrote with "%2F" in it', () => {
    expect(instanceOfRecord('a%2Fb.lock', record())).toBe('a%2Fb');
    expect(instanceOfRecord('a%2Fb.lock', record('other'))).toBe('a%2Fb');
  });
});
