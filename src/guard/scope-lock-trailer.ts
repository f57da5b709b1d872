import type { LiveLock } from '../lock/lock-store.js';

/** The commit trailer key that names a lock the commit was made under. */
export const scopeLockTrailerKey = 'Scope-Lock';

/**
 * The value of the `Scope-Lock` trailer naming one grant of a lock, or undefined when a field
 * holds a control character (a trailer value is one line of plain text).
 *
 * - A lease of the shared store: `<namespace>/<instance>#<fencing token>`. The token changes with
 *   every grant, so a trailer written under an earlier grant never names the current one.
 * - A record of the lock directory: `<instance>@<host>#<started_at>`, or `<instance>#<started_at>`
 *   when the record names no host (the Python original's). The start time plays the token's part.
 *
 * Readers never parse the value: they build the value of the lock that holds a file now and look
 * for exactly that string, so a `/`, `@` or `#` inside a namespace or instance cannot confuse them.
 */
export function scopeLockTrailerValue(lock: LiveLock, namespace?: string): string | undefined {
  const { record } = lock;
  const value =
    lock.lease && namespace !== undefined
      ? `${namespace}/${lock.instance}#${lock.lease.token}`
      : `${lock.instance}${record.host === undefined ? '' : `@${record.host}`}#${record.started_at}`;
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f]/.test(value) ? undefined : value;
}
