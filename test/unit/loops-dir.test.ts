import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configuredLoopsDir } from '../../src/config/load-config.js';
import { littleLoopsConfig, locateLoopsDir } from '../../src/lock/loops-dir.js';
import { makeTempDir } from '../support/temp-dir.js';

/** A project root holding little-loops' config with `text`, or none. */
function project(llConfig?: string): string {
  const root = makeTempDir();
  if (llConfig !== undefined) {
    mkdirSync(path.join(root, '.ll'));
    writeFileSync(path.join(root, littleLoopsConfig), llConfig);
  }
  return root;
}

const llSetting = JSON.stringify({ loops: { loops_dir: 'state/loops' } });

describe('which lock directory holds the records', () => {
  it.each([
    // [case, --loops-dir, SCOPEGUARD_LOOPS_DIR, config file setting, ll-config, expected, source]
    ['the default', undefined, undefined, undefined, undefined, '<root>/.loops', 'default'],
    [
      'the flag, from the working directory',
      'x',
      undefined,
      undefined,
      undefined,
      '<cwd>/x',
      'flag',
    ],
    ['the flag before everything', '/abs', '/env', 'cfg', llSetting, '/abs', 'flag'],
    [
      'the environment, from the working directory',
      undefined,
      'y',
      undefined,
      undefined,
      '<cwd>/y',
      'env',
    ],
    [
      'an empty environment value is unset',
      undefined,
      '',
      undefined,
      undefined,
      '<root>/.loops',
      'default',
    ],
    ['the environment before the config file', undefined, '/env', 'cfg', llSetting, '/env', 'env'],
    [
      'the config file, from its own folder',
      undefined,
      undefined,
      '../cfg',
      llSetting,
      '<root>/cfg',
      'config',
    ],
    [
      'little-loops, from the project root',
      undefined,
      undefined,
      undefined,
      llSetting,
      '<root>/state/loops',
      'll-config',
    ],
    [
      'little-loops without loops_dir',
      undefined,
      undefined,
      undefined,
      '{"loops":{}}',
      '<root>/.loops',
      'default',
    ],
    [
      'little-loops with null content',
      undefined,
      undefined,
      undefined,
      'null',
      '<root>/.loops',
      'default',
    ],
  ])('%s', (_case, flag, envValue, configDir, llConfig, expected, source) => {
    const root = project(llConfig);
    const cwd = path.join(root, 'sub', 'dir');
    const location = locateLoopsDir({
      flag,
      cwd,
      env: envValue === undefined ? {} : { SCOPEGUARD_LOOPS_DIR: envValue },
      config:
        configDir === undefined
          ? undefined
          : { loopsDir: configDir, file: path.join(root, 'conf', '.scopeguardrc.json') },
      projectRoot: root,
    });
    expect(location).toEqual({
      loopsDir: expected.replace('<root>', root).replace('<cwd>', cwd),
      projectRoot: root,
      source,
    });
  });

  it.each([
    ['not JSON', '{ loops', /is not valid JSON.*--loops-dir or SCOPEGUARD_LOOPS_DIR/s],
    ['an empty path', '{"loops":{"loops_dir":""}}', /"loops\.loops_dir" should be a non-empty/],
    ['a number', '{"loops":{"loops_dir":3}}', /"loops\.loops_dir" should be a non-empty/],
  ])('refuses a little-loops config with %s, naming the file (exit 2)', (_case, text, message) => {
    const root = project(text);
    const locate = () => locateLoopsDir({ cwd: root, env: {}, projectRoot: root });
    expect(locate).toThrow(message);
    expect(locate).toThrow(
      expect.objectContaining({ exitCode: 2, message: expect.stringContaining(littleLoopsConfig) }),
    );
  });

  it('takes the config file setting only from a file that sets it', () => {
    const file = '/repo/.scopeguardrc.json';
    expect(configuredLoopsDir({ config: { loopsDir: 'l' }, file })).toEqual({
      loopsDir: 'l',
      file,
    });
    expect(configuredLoopsDir({ config: {}, file })).toBeUndefined();
    expect(configuredLoopsDir({ config: { loopsDir: 'l' }, file: undefined })).toBeUndefined();
  });
});
