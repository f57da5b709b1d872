import type { ConflictReason, LiveLock } from '../lock/lock-store.js';
import { describeHolder } from '../report/lock-summary.js';
import { printable } from '../report/printable.js';
import type { RelayEvent } from '../store/lease-relay.js';
import type { Io } from './io.js';
import { describeConflict } from './lock-messages.js';

/**
 * The warning for a local loop whose scope the shared store gives to someone else: the loop runs
 * unprotected from other machines, and they from it. Said by the relay and by `store status`.
 */
export function describeHeldElsewhere(
  record: LiveLock,
  holder: LiveLock,
  reason: ConflictReason,
  projectRoot: string,
  now: number,
): string {
  return (
    `WARNING: local ${describeHolder(record, now)} in ${printable(record.location)} works ` +
    `inside a scope held elsewhere: the shared store refused it; ` +
    `${describeConflict(holder, reason, projectRoot, now)}. Other machines do not see this loop ` +
    'until that lock is released; stop one of the two.'
  );
}

/** Say what the relay did: publishing and withdrawing on stdout, everything amiss on stderr. */
export function reportRelayEvent(io: Io, event: RelayEvent, projectRoot: string): void {
  const now = Date.now();
  const say = (line: string) => io.stdout.write(`scopeguard relay: ${line}\n`);
  const warn = (line: string) => io.stderr.write(`scopeguard relay: ${line}\n`);
  switch (event.kind) {
    case 'published':
      return say(
        `published ${describeHolder(event.record, now)} as lease ${printable(event.lease.instance)} ` +
          `(token ${event.lease.lease!.token})`,
      );
    case 'withdrawn':
      return say(`withdrew lease ${printable(event.lease.instance)}: ${printable(event.why)}`);
    case 'refused':
      return warn(
        describeHeldElsewhere(event.record, event.holder, event.reason, projectRoot, now),
      );
    case 'lost':
      return warn(
        `warning: lost lease ${printable(event.lease.instance)} (${printable(event.reason)}); ` +
          'publishing it again',
      );
    case 'unpublishable':
      return warn(
        `warning: cannot publish ${printable(event.record.location)}: ${printable(event.reason)}`,
      );
    case 'unreadable':
      return warn(
        `warning: unreadable lock record ${printable(event.problem.file)}: ${printable(event.problem.reason)}`,
      );
  }
}
