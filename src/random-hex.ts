import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { builtin } from './builtin.js';

/** The kernel's random device, where the system has one (Linux, macOS, the BSDs). */
const randomDevice = '/dev/urandom';

/**
 * `byteCount` bytes from the system's cryptographic random generator, as lower-case hex.
 * Read from /dev/urandom where that is a character device: loading node:crypto for a few bytes
 * cost `locks acquire` about 12 M instructions, more than its lock work. Anything else there (no
 * such file, a regular file that would hand out the same bytes every time, a short read) falls
 * back to node:crypto, so the bytes are always as unpredictable as the system can make them.
 */
export function randomHex(byteCount: number): string {
  return (
    fromRandomDevice(byteCount) ?? builtin('node:crypto').randomBytes(byteCount).toString('hex')
  );
}

function fromRandomDevice(byteCount: number): string | undefined {
  let fd: number;
  try {
    fd = openSync(randomDevice, 'r');
  } catch {
    return undefined;
  }
  try {
    const bytes = Buffer.alloc(byteCount);
    if (!fstatSync(fd).isCharacterDevice() || readSync(fd, bytes) !== byteCount) return undefined;
    return bytes.toString('hex');
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}
