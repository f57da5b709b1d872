import { describe, expect, it } from 'vitest';
import {
  maxRecordBytes,
  parseLockRecord,
  parseStartedAt,
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

describe('parseLockRecord refuses what it cannot use, and says whether it blocks', () => {
  // blocks: the Python original does not skip such a record (it fails on it, or reads a lock
  // from it that scopeguard cannot judge), so no scope may be granted while it is there.
  const cases: { name: string; text: string; reason: RegExp; blocks: boolean }[] = [
    { name: 'empty file', text: '', reason: /empty/, blocks: false },
    { name: 'whitespace only', text: ' \n\t\r\n ', reason: /empty/, blocks: false },
    {
      name: 'truncated JSON',
      text: recordText().slice(0, 25),
      reason: /not valid JSON/,
      blocks: false,
    },
    { name: 'a BOM before the JSON', text: `\ufeff${recordText()}`, reason: /JSON/, blocks: false },
    { name: 'an array', text: '[]', reason: /array, not an object/, blocks: true },
    { name: 'null', text: 'null', reason: /null, not an object/, blocks: true },
    { name: 'a number', text: '42', reason: /number, not an object/, blocks: true },
    { name: 'a string', text: '"fix-tests"', reason: /string, not an object/, blocks: true },
    {
      name: 'missing loop_name',
      text: recordText({ loop_name: undefined }),
      reason: /"loop_name" is missing/,
      blocks: false,
    },
    {
      name: 'missing loop_name and a bad pid (KeyError comes first)',
      text: recordText({ loop_name: undefined, pid: 'one' }),
      reason: /"loop_name" is missing/,
      blocks: false,
    },
    {
      name: 'loop_name a number',
      text: recordText({ loop_name: 7 }),
      reason: /"loop_name"/,
      blocks: true,
    },
    {
      name: 'loop_name null',
      text: recordText({ loop_name: null }),
      reason: /"loop_name"/,
      blocks: true,
    },
    {
      name: 'missing scope',
      text: recordText({ scope: undefined }),
      reason: /"scope"/,
      blocks: false,
    },
    {
      name: 'scope array with a non-string',
      text: recordText({ scope: ['/r/src', 3] }),
      reason: /"scope".*array/,
      blocks: true,
    },
    {
      name: 'scope an object',
      text: recordText({ scope: { path: '/r/src' } }),
      reason: /"scope".*found object/,
      blocks: true,
    },
    { name: 'scope a number', text: recordText({ scope: 1 }), reason: /"scope"/, blocks: true },
    {
      name: 'scope entry with a NUL',
      text: recordText({ scope: ['/r/s\u0000rc'] }),
      reason: /NUL/,
      blocks: true,
    },
    {
      name: 'missing pid',
      text: recordText({ pid: undefined }),
      reason: /"pid" is missing/,
      blocks: false,
    },
    { name: 'pid a word', text: recordText({ pid: 'one' }), reason: /"pid".*string/, blocks: true },
    {
      name: 'pid "12.0" (int() refuses it)',
      text: recordText({ pid: '12.0' }),
      reason: /"pid"/,
      blocks: true,
    },
    {
      name: 'pid "1_000" (int() reads it; we do not follow)',
      text: recordText({ pid: '1_000' }),
      reason: /"pid"/,
      blocks: true,
    },
    { name: 'pid null', text: recordText({ pid: null }), reason: /"pid".*null/, blocks: true },
    { name: 'pid a list', text: recordText({ pid: [4242] }), reason: /"pid".*array/, blocks: true },
    {
      name: 'pid 2^31 (os.kill overflows)',
      text: recordText({ pid: 2 ** 31 }),
      reason: /"pid" 2147483648 is not a possible process id/,
      blocks: true,
    },
    {
      name: 'pid below -2^31',
      text: recordText({ pid: -(2 ** 31) - 1 }),
      reason: /not a possible process id/,
      blocks: true,
    },
    {
      name: 'pid a huge unsafe integer',
      text: recordText({ pid: 0 }).replace('"pid":0', '"pid":99999999999999999999'),
      reason: /"pid"/,
      blocks: true,
    },
    {
      name: 'pid 1e400 (infinite)',
      text: recordText({ pid: 0 }).replace('"pid":0', '"pid":1e400'),
      reason: /"pid"/,
      blocks: true,
    },
    {
      name: 'a bad pid and no started_at (int() fails before the KeyError)',
      text: recordText({ pid: 'one', started_at: undefined }),
      reason: /"pid"/,
      blocks: true,
    },
    {
      name: 'missing started_at',
      text: recordText({ started_at: undefined }),
      reason: /"started_at" is missing/,
      blocks: false,
    },
    {
      name: 'NaN in a key Python ignores',
      text: recordText({ extra: 0 }).replace('"extra":0', '"extra":NaN'),
      reason: /NaN or Infinity/,
      blocks: true,
    },
    {
      name: 'NaN in a record that is broken anyway',
      text: recordText({ extra: 0 }).replace('"extra":0}', '"extra":NaN'),
      reason: /not valid JSON/,
      blocks: false,
    },
    {
      name: '"NaN" inside a string is just text, and a truncated record stays skipped',
      text: recordText({ loop_name: 'NaN' }).slice(0, -2),
      reason: /not valid JSON/,
      blocks: false,
    },
    {
      name: 'an integer of 5,000 digits',
      text: recordText({ extra: 0 }).replace('"extra":0', `"extra":${'7'.repeat(5000)}`),
      reason: /more than 4300 digits/,
      blocks: true,
    },
    {
      name: 'nesting 1,000 deep',
      text: recordText({ extra: 0 }).replace(
        '"extra":0',
        `"extra":${'['.repeat(1000)}${']'.repeat(1000)}`,
      ),
      reason: /levels deep/,
      blocks: true,
    },
    {
      name: 'nesting 101 deep, one level more than read, in a short record',
      text: recordText({ extra: 0 }).replace(
        '"extra":0',
        `"extra":${'['.repeat(100)}${']'.repeat(100)}`,
      ),
      reason: /levels deep/,
      blocks: true,
    },
    {
      name: 'an integer of 4,301 digits, one more than Python reads',
      text: recordText({ extra: 0 }).replace('"extra":0', `"extra":${'7'.repeat(4301)}`),
      reason: /more than 4300 digits/,
      blocks: true,
    },
  ];

  it.each(cases)('$name', ({ text, reason, blocks }) => {
    const result = parseLockRecord(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toMatch(reason);
    expect(result.blocking).toBe(blocks);
  });
});

describe('parseLockRecord reads what the Python original reads, as it reads it', () => {
  const cases: { name: string; text: string; record: LockRecord }[] = [
    { name: 'the four contract keys', text: recordText(), record: base },
    {
      name: 'nesting 100 deep, as deep as Python reads',
      text: recordText({ extra: 0 }).replace(
        '"extra":0',
        `"extra":${'['.repeat(99)}${']'.repeat(99)}`,
      ),
      record: base,
    },
    {
      name: 'nesting 100 deep among 200 more brackets and braces inside strings',
      text: recordText({
        extra: 0,
        note: `${'['.repeat(100)}${'{'.repeat(100)}`,
      }).replace('"extra":0', `"extra":${'['.repeat(99)}${']'.repeat(99)}`),
      record: base,
    },
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
    { name: 'pid as a string', text: recordText({ pid: '4242' }), record: base },
    { name: 'pid as a padded, signed string', text: recordText({ pid: ' +4242\n' }), record: base },
    {
      name: 'pid with a fraction (int() truncates)',
      text: recordText({ pid: 4242.9 }),
      record: base,
    },
    {
      name: 'pid written as 123.0 (an integer value)',
      text: recordText({ pid: 0 }).replace('"pid":0', '"pid":123.0'),
      record: { ...base, pid: 123 },
    },
    { name: 'pid true is 1', text: recordText({ pid: true }), record: { ...base, pid: 1 } },
    { name: 'pid false is 0', text: recordText({ pid: false }), record: { ...base, pid: 0 } },
    { name: 'pid 0 (a process group)', text: recordText({ pid: 0 }), record: { ...base, pid: 0 } },
    { name: 'pid -1', text: recordText({ pid: -1 }), record: { ...base, pid: -1 } },
    {
      name: 'the largest possible pid',
      text: recordText({ pid: 2 ** 31 - 1 }),
      record: { ...base, pid: 2 ** 31 - 1 },
    },
    {
      name: 'started_at a number, kept as its JSON text',
      text: recordText({ started_at: 1767323045 }),
      record: { ...base, started_at: '1767323045' },
    },
    {
      name: 'started_at null',
      text: recordText({ started_at: null }),
      record: { ...base, started_at: 'null' },
    },
    {
      name: 'singleton true kept',
      text: recordText({ singleton: true }),
      record: { ...base, singleton: true },
    },
    { name: 'singleton false omitted', text: recordText({ singleton: false }), record: base },
    ...[['yes'], ['false'], [1], [[0]], [{ a: 0 }]].map(([singleton]) => ({
      name: `singleton ${JSON.stringify(singleton)} is true, as Python's bool() says`,
      text: recordText({ singleton }),
      record: { ...base, singleton: true as const },
    })),
    ...[[''], [0], [[]], [{}], [null]].map(([singleton]) => ({
      name: `singleton ${JSON.stringify(singleton)} is false, as Python's bool() says`,
      text: recordText({ singleton }),
      record: base,
    })),
    {
      name: 'unknown extra keys ignored',
      text: recordText({ token: 'abc', nested: { a: 1 }, list: [1, 2], flag: null }),
      record: base,
    },
    {
      name: '"NaN" and long digit runs inside strings are just text',
      text: recordText({ note: `NaN Infinity ${'9'.repeat(5000)} [[[[` }),
      record: base,
    },
    {
      name: 'our optional fields kept when typed right',
      text: recordText({
        host: 'build-1',
        boot_id: 'b00t',
        proc_start: '123456',
        pid_ns: '4026531836',
        instance: 'fix-tests-2',
        schema: 1,
      }),
      record: {
        ...base,
        host: 'build-1',
        boot_id: 'b00t',
        proc_start: '123456',
        pid_ns: '4026531836',
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
        pid_ns: 4026531836,
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

  it('writes a record of exactly the largest size readers accept', () => {
    const room = maxRecordBytes - serializeLockRecord({ ...base, scope: [''] }).length;
    const scope = [`/r/${'x'.repeat(room - 3)}`];
    expect(Buffer.byteLength(serializeLockRecord({ ...base, scope }))).toBe(maxRecordBytes);
  });

  it('refuses to write a record larger than readers accept, with the fix', () => {
    const scope = Array.from({ length: 11_000 }, (_, n) => `/r/src/${'m'.repeat(90)}-${n}`);
    expect(() => serializeLockRecord({ ...base, scope })).toThrow(
      expect.objectContaining({
        code: 'record-too-large',
        exitCode: 2,
        message: expect.stringMatching(/11000 scope entries .* lock fewer, broader paths/),
      }),
    );
  });

  it.each([
    { name: 'a pid os.kill rejects', record: { ...base, pid: 2 ** 31 } },
    { name: 'a NUL in a scope entry', record: { ...base, scope: ['/r/a\u0000b'] } },
  ])('refuses to write a record it could not read back: $name', ({ record }) => {
    expect(() => serializeLockRecord(record)).toThrow(expect.objectContaining({ exitCode: 2 }));
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

describe('parseStartedAt trusts only the shapes Python isoformat() prints', () => {
  it.each([
    { text: '2026-01-02T03:04:05.123456+00:00', ms: Date.UTC(2026, 0, 2, 3, 4, 5, 123) },
    { text: '2026-01-02T03:04:05+00:00', ms: Date.UTC(2026, 0, 2, 3, 4, 5) },
    { text: '2026-01-02T05:04:05.5+02:00', ms: Date.UTC(2026, 0, 2, 3, 4, 5, 500) },
    { text: '2026-01-02T03:04:05.123Z', ms: Date.UTC(2026, 0, 2, 3, 4, 5, 123) },
    { text: '2026-01-02T03:04:05', ms: new Date(2026, 0, 2, 3, 4, 5).getTime() },
  ])('$text', ({ text, ms }) => {
    expect(parseStartedAt(text)).toBe(ms);
  });

  // Date.parse reads these as dates long ago, which would make any live holder look newer.
  it.each(['5', '1', '', 'garbage', '2026-01-02', 'Jan 2 2026', '2026-13-02T03:04:05+00:00'])(
    'not %j',
    (text) => {
      expect(parseStartedAt(text)).toBeUndefined();
    },
  );
});
