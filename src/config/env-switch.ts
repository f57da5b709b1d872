const on = new Set(['1', 'true', 'yes', 'on']);
const off = new Set(['', '0', 'false', 'no', 'off']);

/**
 * An on/off environment variable in any of the usual spellings (`1`, `true`, `yes`, `on` and their
 * opposites, any case): true or false, or undefined for a value that is neither, which the caller
 * should warn about rather than guess.
 */
export function envSwitch(value: string | undefined): boolean | undefined {
  const normalized = (value ?? '').trim().toLowerCase();
  if (on.has(normalized)) return true;
  if (off.has(normalized)) return false;
  return undefined;
}
