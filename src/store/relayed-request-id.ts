import { createHash } from 'node:crypto';
import type { LiveLock } from '../lock/lock-store.js';
import { currentBootId, currentHost, processStart } from '../lock/process-identity.js';

/**
 * The request id under which the relay publishes a local record: a UUID derived from the record
 * alone (this host and boot, the record's file, its `started_at`, its holder's pid and start),
 * never from the relay process. Every relay on this machine, and a relay restarted, derives the
 * same id for the same acquisition, and the shared store keeps request ids unique per namespace,
 * so the record is published once. A holder that acquires again under the same name writes a new
 * `started_at`, and so is published anew, with its new scope.
 */
export function relayedRequestId(lock: LiveLock): string {
  const { record } = lock;
  const identity = JSON.stringify([
    currentHost(),
    currentBootId(),
    lock.location,
    record.started_at,
    record.pid,
    record.proc_start ?? processStart(record.pid)?.token ?? null,
  ]);
  const hex = createHash('sha256').update(identity).digest('hex');
  // Shaped as a name-based UUID (version 5 bits, RFC 4122 variant), as the column type asks.
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
