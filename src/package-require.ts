import { createRequire } from 'node:module';

/**
 * `require` for the package's dependencies (picomatch, picocolors, yargs, the flock addon), which
 * are loaded on first use. The small bundles the bin loads put their own `require` in its place
 * (scripts/bundle-cli.js): finding it from this module's URL costs a lock command or a hook more
 * than a tenth of its own work.
 */
export function packageRequire(): NodeJS.Require {
  return createRequire(import.meta.url);
}
