import type picocolorsType from 'picocolors';
import { packageRequire } from '../package-require.js';

export type Colors = ReturnType<typeof picocolorsType.createColors>;

/**
 * Colours for a stream: `NO_COLOR` (non-empty) turns them off, `FORCE_COLOR` (other than `0`)
 * turns them on, otherwise only a terminal gets them.
 */
export function colorsFor(env: NodeJS.ProcessEnv, isTTY: boolean | undefined): Colors {
  const force = env.FORCE_COLOR;
  const enabled = env.NO_COLOR
    ? false
    : force !== undefined && force !== ''
      ? force !== '0' && force !== 'false'
      : Boolean(isTTY);
  // Loaded through require on first use: a clean commit prints nothing and should not pay for it.
  return (packageRequire()('picocolors') as typeof picocolorsType).createColors(enabled);
}
