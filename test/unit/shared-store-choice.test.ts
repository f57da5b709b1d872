import { describe, expect, it } from 'vitest';
import { chooseSharedStore } from '../../src/store/shared-store-choice.js';

const config = {
  store: 'postgres://c/db',
  namespace: 'from-config',
  file: '/r/.scopeguardrc.json',
};

describe('chooseSharedStore', () => {
  it.each([
    ['nothing set: the directory store alone', {}, {}, undefined, undefined],
    [
      'the flag first',
      { store: 'postgres://f/db', namespace: 'from-flag' },
      { SCOPEGUARD_STORE: 'postgres://e/db', SCOPEGUARD_NAMESPACE: 'from-env' },
      config,
      { url: 'postgres://f/db', urlSource: '--store', namespace: 'from-flag' },
    ],
    [
      'then the environment',
      {},
      { SCOPEGUARD_STORE: 'postgres://e/db', SCOPEGUARD_NAMESPACE: 'from-env' },
      config,
      { url: 'postgres://e/db', urlSource: 'SCOPEGUARD_STORE', namespace: 'from-env' },
    ],
    [
      'then the config file, named',
      {},
      {},
      config,
      {
        url: 'postgres://c/db',
        urlSource: '"store" in /r/.scopeguardrc.json',
        namespace: 'from-config',
      },
    ],
    [
      'each setting on its own',
      { namespace: 'from-flag' },
      { SCOPEGUARD_STORE: 'postgres://e/db' },
      undefined,
      { url: 'postgres://e/db', urlSource: 'SCOPEGUARD_STORE', namespace: 'from-flag' },
    ],
    [
      'no namespace: derived later',
      {},
      { SCOPEGUARD_STORE: 'postgres://e/db', SCOPEGUARD_NAMESPACE: '' },
      undefined,
      { url: 'postgres://e/db', urlSource: 'SCOPEGUARD_STORE' },
    ],
  ])('%s', (_, flags, env, fileConfig, expected) => {
    expect(chooseSharedStore({ flags, env, config: fileConfig })).toEqual(expected);
  });
});
