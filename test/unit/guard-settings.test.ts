import { describe, expect, it } from 'vitest';
import { resolveGuardSettings } from '../../src/config/guard-settings.js';
import { UsageError } from '../../src/errors.js';

const file = (config: object) => ({ config, file: '/repo/.scopeguardrc.json' });

describe('guard settings precedence: flags, then environment, then file, then defaults', () => {
  it('defaults to block, not strict, nothing ignored', () => {
    expect(resolveGuardSettings({}, {}, { config: {} })).toEqual({
      mode: 'block',
      strict: false,
      ignore: [],
      identity: { names: [] },
    });
  });

  it('takes the file over defaults, env over the file, flags over env', () => {
    const loaded = file({ mode: 'off', strict: true, ignore: ['*.lock'] });
    expect(resolveGuardSettings({}, {}, loaded)).toMatchObject({
      mode: 'off',
      strict: true,
      ignore: ['*.lock'],
    });
    const env = { SCOPEGUARD_MODE: 'warn', SCOPEGUARD_STRICT: '0' };
    expect(resolveGuardSettings({}, env, loaded)).toMatchObject({ mode: 'warn', strict: false });
    expect(resolveGuardSettings({ mode: 'block', strict: true }, env, loaded)).toMatchObject({
      mode: 'block',
      strict: true,
    });
  });

  it('uses the caller default mode when nothing is set', () => {
    expect(resolveGuardSettings({}, {}, { config: {} }, 'warn').mode).toBe('warn');
  });

  it('takes names from --as and SCOPEGUARD_AS, and the lock of an enclosing run as a lock', () => {
    const env = {
      SCOPEGUARD_AS: 'agent-7',
      SCOPEGUARD_LOCK_INSTANCE: 'job-2',
      SCOPEGUARD_LOCK_FILE: '/repo/.loops/.running/job-2.lock',
    };
    expect(resolveGuardSettings({ as: ['me'] }, env, { config: {} }).identity).toEqual({
      names: ['me', 'agent-7'],
      runLock: { instance: 'job-2', file: '/repo/.loops/.running/job-2.lock' },
    });
    expect(
      resolveGuardSettings({}, { SCOPEGUARD_LOCK_INSTANCE: 'job-2' }, { config: {} }).identity,
    ).toEqual({ names: [], runLock: { instance: 'job-2' } });
  });

  it('names the source of a bad mode', () => {
    expect(() => resolveGuardSettings({}, { SCOPEGUARD_MODE: 'loud' }, { config: {} })).toThrow(
      new UsageError(
        'SCOPEGUARD_MODE: mode should be one of block, warn, off, not "loud"',
        'bad-mode',
      ),
    );
    expect(() => resolveGuardSettings({ mode: 'x' }, {}, { config: {} })).toThrow(/--mode/);
  });
});
