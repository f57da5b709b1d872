import { describe, expect, it } from 'vitest';
import {
  parseLockRecord,
  pythonIsoTimestamp,
  serializeLockRecord,
  type LockRecord,
} from '../../src/lock/lock-record.js';

const base = {
  loop_name: 'fix-tests',
  scope: ['/r/src'],
  pid: 4242,
  started_at: '2026-01-02T03:04:05.123456+00:00',
};

/** The JSON text of the base record with some keys replaced (undefined removes the key). */
function recordText(overrides: Record<string, unknown> = {}): string {
  const data: Record<string, unknown> = { ...base, ...overrides };
  for (const [key, value] of Object.entries(overrides)) if (value === undefined) delete data[key];
  return JSON.stringify(data);
}

describe('parseLockRecord refuses bad shapes with a reason', () => {
  const cases: { name: string; text: string; reason: RegExp }[] = [
    { name: 'empty file', text: '', reason: /empty/ },
    { name: 'whitespace only', text: ' \n\t\r\n ', reason: /empty/ },
    { name: 'truncated JSON', text: recordText().slice(0, 25), reason: /not valid JSON/ },
    { name: 'an array', text: '[]', reason: /array, not an object/ },
    { name: 'null', text: 'null', reason: /null, not an object/ },
    { name: 'a number', text: '42', reason: /number, not an object/ },
    { name: 'a string', text: '"fix-tests"', reason: /string, not an object/ },
    {
      name: 'missing loop_name',
      text: recordText({ loop_name: undefined }),
      reason: /"loop_name".*found nothing/,
    },
    { name: 'loop_name a number', text: recordText({ loop_name: 7 }), reason: /"loop_name"/ },
    { name: 'loop_name null', text: recordText({ loop_name: null }), reason: /"loop_name"/ },
    { name: 'missing scope', text: recordText({ scope: undefined }), reason: /"scope"/ },
    {
      name: 'scope array with a non-string',
      text: recordText({ scope: ['/r/src', 3] }),
      reason: /"scope".*array/,
    },
    {
      name: 'scope an object',
      text: recordText({ scope: { path: '/r/src' } }),
      reason: /"scope".*found object/,
    },
    { name: 'scope a number', text: recordText({ scope: 1 }), reason: /"scope"/ },
    { name: 'missing pid', text: recordText({ pid: undefined }), reason: /"pid".*found nothing/ },
    { name: 'pid as string "123"', text: recordText({ pid: '123' }), reason: /"pid".*string/ },
    { name: 'pid a float', text: recordText({ pid: 12.5 }), reason: /"pid"/ },
    { name: 'pid 0', text: recordText({ pid: 0 }), reason: /"pid".*positive/ },
    { name: 'pid negative', text: recordText({ pid: -5 }), reason: /"pid".*positive/ },
    { name: 'pid a boolean', text: recordText({ pid: true }), reason: /"pid"/ },
    {
      name: 'pid a huge unsafe integer',
      text: recordText({ pid: 0 }).replace('"pid":0', '"pid":99999999999999999999'),
      reason: /"pid"/,
    },
    {
      name: 'pid just above the safe integer range',
      text: recordText({ pid: 0 }).replace('"pid":0', '"pid":9007199254740993'),
      reason: /"pid"/,
    },
    {
      name: 'missing started_at',
      text: recordText({ started_at: undefined }),
      reason: /"started_at".*found nothing/,
    },
    {
      name: 'started_at a number',
      text: recordText({ started_at: 1767323045 }),
      reason: /"started_at".*number/,
    },
    {
      name: 'singleton "yes"',
      text: recordText({ singleton: 'yes' }),
      reason: /"singleton".*string/,
    },
    { name: 'singleton 1', text: recordText({ singleton: 1 }), reason: /"singleton"/ },
  ];

  it.each(cases)('$name', ({ text, reason }) => {
    const result = parseLockRecord(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toMatch(reason);
  });
});

describe('parseLockRecord accepts the shapes readers must accept', () => {
  const cases: { name: string; text: string; record: LockRecord }[] = [
    { name: 'the four contract keys', text: recordText(), record: base },
    {
      name: 'Python layout with spaces and a trailing newline',
      text: `${JSON.stringify(base, null, 2)}\n`,
      record: base,
    },
    {
      name: 'scope as a bare string',
      text: recordText({ scope: '/r/src' }),
      record: { ...base, scope: ['/r/src'] },
    },
    {
      name: 'an empty scope array',
      text: recordText({ scope: [] }),
      record: { ...base, scope: [] },
    },
    {
      name: 'several scope entries, order kept',
      text: recordText({ scope: ['/r/b', '/r/a'] }),
      record: { ...base, scope: ['/r/b', '/r/a'] },
    },
    {
      name: 'pid written as 123.0 (an integer value)',
      text: recordText({ pid: 0 }).replace('"pid":0', '"pid":123.0'),
      record: { ...base, pid: 123 },
    },
    {
      name: 'largest safe integer pid',
      text: recordText({ pid: Number.MAX_SAFE_INTEGER }),
      record: { ...base, pid: Number.MAX_SAFE_INTEGER },
    },
    {
      name: 'singleton true kept',
      text: recordText({ singleton: true }),
      record: { ...base, singleton: true },
    },
    { name: 'singleton false omitted', text: recordText({ singleton: false }), record: base },
    {
      name: 'unknown extra keys ignored',
      text: recordText({ token: 'abc', nested: { a: 1 }, list: [1, 2], flag: null }),
      record: base,
    },
    {
      name: 'our optional fields kept when typed right',
      text: recordText({
        host: 'build-1',
        boot_id: 'b00t',
        proc_start: '123456',
        instance: 'fix-tests-2',
        schema: 1,
      }),
      record: {
        ...base,
        host: 'build-1',
        boot_id: 'b00t',
        proc_start: '123456',
        instance: 'fix-tests-2',
        schema: 1,
      },
    },
    {
      name: 'our optional fields dropped when wrong-typed',
      text: recordText({
        host: 1,
        boot_id: null,
        proc_start: 123456,
        instance: ['x'],
        schema: '1',
      }),
      record: base,
    },
  ];

  it.each(cases)('$name', ({ text, record }) => {
    const result = parseLockRecord(text);
    expect(result).toEqual({ ok: true, record });
    // toEqual ignores keys set to undefined; a dropped field must really be absent.
    if (result.ok) expect(Object.keys(result.record).sort()).toEqual(Object.keys(record).sort());
  });
});

describe('serializeLockRecord', () => {
  const full: LockRecord = {
    instance: 'fix-tests',
    host: 'build-1',
    schema: 1,
    singleton: true,
    started_at: base.started_at,
    pid: base.pid,
    scope: base.scope,
    loop_name: base.loop_name,
    boot_id: 'b00t',
    proc_start: '99',
  };

  it('puts the four contract keys first, in Python order', () => {
    const keys = Object.keys(JSON.parse(serializeLockRecord(full)) as object);
    expect(keys.slice(0, 4)).toEqual(['loop_name', 'scope', 'pid', 'started_at']);
    expect(keys.sort()).toEqual(Object.keys(full).sort());
  });

  it('writes one line', () => {
    expect(serializeLockRecord(full)).not.toContain('\n');
  });

  it.each([
    { name: 'absent', singleton: undefined },
    { name: 'false (not a LockRecord value, but must not leak)', singleton: false },
  ])('omits singleton when it is $name', ({ singleton }) => {
    const record = { ...base, singleton } as unknown as LockRecord;
    expect(JSON.parse(serializeLockRecord(record))).not.toHaveProperty('singleton');
  });

  it('writes singleton true', () => {
    expect(JSON.parse(serializeLockRecord({ ...base, singleton: true }))).toHaveProperty(
      'singleton',
      true,
    );
  });

  it.each([
    { name: 'contract keys only', record: base },
    { name: 'every field', record: full },
    { name: 'unicode and quotes in strings', record: { ...base, scope: ['/r/"ä b"/\\x'] } },
  ])('round-trips through parseLockRecord: $name', ({ record }) => {
    expect(parseLockRecord(serializeLockRecord(record))).toEqual({ ok: true, record });
  });
});

describe('pythonIsoTimestamp', () => {
  const shape = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/;

  it.each([
    { iso: '2026-01-02T03:04:05.123Z', expected: '2026-01-02T03:04:05.123000+00:00' },
    { iso: '2026-01-02T03:04:05.000Z', expected: '2026-01-02T03:04:05.000000+00:00' },
    { iso: '1999-12-31T23:59:59.999Z', expected: '1999-12-31T23:59:59.999000+00:00' },
    { iso: '1970-01-01T00:00:00.001Z', expected: '1970-01-01T00:00:00.001000+00:00' },
  ])('$iso -> $expected', ({ iso, expected }) => {
    const text = pythonIsoTimestamp(new Date(iso));
    expect(text).toBe(expected);
    expect(text).toMatch(shape);
    expect(Date.parse(text)).toBe(Date.parse(iso));
  });

  it('prints UTC whatever the local time zone', () => {
    const date = new Date(Date.UTC(2026, 5, 30, 22, 30, 0, 5));
    expect(pythonIsoTimestamp(date)).toBe('2026-06-30T22:30:00.005000+00:00');
  });
});
