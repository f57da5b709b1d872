import { describe, expect, it } from 'vitest';
import { ExitCode, UsageError } from '../../src/errors.js';
import { normaliseRemoteUrl } from '../../src/store/namespace.js';
import { maskUrl, parseStoreUrl } from '../../src/store/store-url.js';

describe('normaliseRemoteUrl', () => {
  it.each([
    ['https://github.com/o/r.git', 'github.com/o/r'],
    ['https://me:s3cret@GitHub.COM/o/r.git', 'github.com/o/r'],
    ['https://github.com:443/o/r/', 'github.com/o/r'],
    ['http://gitlab.example/group/sub/r', 'gitlab.example/group/sub/r'],
    ['ssh://git@github.com/o/r.git', 'github.com/o/r'],
    ['ssh://git@github.com:22/o/r', 'github.com/o/r'],
    ['git@github.com:o/r.git', 'github.com/o/r'],
    ['GitHub.com:o/r', 'github.com/o/r'],
    ['git@host.example:/srv/git/r.git', 'host.example/srv/git/r'],
    ['file:///srv/git/r.git', '/srv/git/r'],
    ['/srv/git/r.git/', '/srv/git/r'],
    ['../upstream.git', '/home/dev/upstream'],
  ])('%s -> %s', (remote, expected) => {
    expect(normaliseRemoteUrl(remote, '/home/dev/clone')).toBe(expected);
  });
});

describe('store URLs', () => {
  it.each([
    ['postgres://u:pw@h:5432/db', 'postgres://u:***@h:5432/db'],
    ['postgresql://u:p%40ss@h/db?sslmode=require', 'postgresql://u:***@h/db?sslmode=require'],
    ['postgres://u@h/db?password=pw&x=1', 'postgres://u@h/db?password=***&x=1'],
    ['postgres://u:p@ss@h/db', 'postgres://u:***@h/db'],
    ['postgres://u@h/db', 'postgres://u@h/db'],
    ['postgres://u:pw@[broken', 'postgres://u:***@[broken'],
  ])('masks %s', (url, masked) => {
    expect(maskUrl(url)).toBe(masked);
  });

  it('keeps the password for the driver only', () => {
    expect(parseStoreUrl('postgres://u:p%40ss@h:5432/db', '--store')).toEqual({
      connectionString: 'postgres://u:p%40ss@h:5432/db',
      display: 'postgres://u:***@h:5432/db',
      password: 'p@ss',
    });
  });

  it.each([
    ['postgres://u:pw@[broken/db', 'it does not parse as a URL'],
    ['mysql://u:pw@h/db', 'the scheme is "mysql:", not postgres:'],
    ['postgres://u:pw@h', 'it names no database'],
    ['postgres://u:pw@h/', 'it names no database'],
    ['db.example:5432', 'the scheme is "db.example:", not postgres:'],
  ])('refuses %s (exit 2), naming the setting, never the password', (url, problem) => {
    let error: unknown;
    try {
      parseStoreUrl(url, '"store" in .scopeguardrc.json');
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(ExitCode.usage);
    expect((error as UsageError).message).toContain(`"store" in .scopeguardrc.json: `);
    expect((error as UsageError).message).toContain(problem);
    expect((error as UsageError).message).not.toContain('pw');
  });
});
