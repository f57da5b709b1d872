import { createRequire } from 'node:module';
import type picocolorsType from 'picocolors';

export type Colors = ReturnType<typeof picocolorsType.createColors>;

const require = createRequire(import.meta.url);

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
  return (require('picocolors') as typeof picocolorsType).createColors(enabled);
}
