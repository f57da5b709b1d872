import type { Conflict } from '../guard/find-conflicts.js';
import { isPassing, type GuardReport } from '../guard/guard-report.js';
import type { LiveLock } from '../lock/lock-store.js';
import { describeHolder, displayScopeEntry } from '../report/lock-summary.js';
import { printable } from '../report/printable.js';
import { shellQuote } from '../shell-quote.js';

/** Why an edit is refused: the reason the model reads, and one line for the person watching. */
export interface BlockReason {
  reason: string;
  summary: string;
}

/**
 * The refusal written for the model (in warn mode, the warning): which files, which loop holds them (name, how long, which
 * host), the scope entry that matched, and what to do instead. Short, because the model reads it
 * on every refused edit.
 */
export function formatBlockReason(report: GuardReport, now: number): BlockReason {
  const lines: string[] = [];
  const verdict = isPassing(report)
    ? `scopeguard warning (mode ${report.mode}, not blocking)`
    : 'scopeguard blocked this edit';
  const files = unique(report.conflicts.map((conflict) => printable(conflict.file)));
  const scopes = unique(report.conflicts.map((conflict) => scopeOf(conflict, report.projectRoot)));
  if (files.length > 0) {
    const verb = files.length === 1 ? 'is' : 'are';
    lines.push(`${verdict}: ${list(files)} ${verb} inside a scope another running loop holds.`);
    for (const [lock, conflicts] of byLock(report.conflicts)) {
      const entries = unique(conflicts.map((c) => scopeOf(c, report.projectRoot)));
      lines.push(`- held by ${describeHolder(lock, now)}, scope ${list(entries)}`);
    }
    lines.push(
      'Do not write these files another way (a shell command is caught at commit). Instead:',
      `- work on something outside ${list(scopes)},`,
      `- or wait until it is free: scopeguard locks wait --scope ${scopes.map(shellQuote).join(' ')}`,
      '- or ask the user how to proceed.',
    );
  }
  const unreadable = report.strict ? report.problems.map((p) => printable(p.file)) : [];
  if (unreadable.length > 0) {
    lines.push(
      `${verdict}: strict mode is on and these lock records cannot be read: ${list(unreadable)}.`,
      'Ask the user to fix or remove them (`scopeguard locks list` shows them).',
    );
  }
  const holders = unique(report.conflicts.map((c) => JSON.stringify(c.lock.record.loop_name)));
  const summary =
    files.length > 0
      ? `scopeguard blocked an edit of ${list(files)}: held by loop ${list(holders)}`
      : 'scopeguard blocked an edit: unreadable lock records (strict mode)';
  return { reason: lines.join('\n'), summary };
}

function scopeOf(conflict: Conflict, projectRoot: string): string {
  return printable(displayScopeEntry(conflict.matchedScope, projectRoot));
}

function list(items: readonly string[]): string {
  return items.join(', ');
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}

function byLock(conflicts: readonly Conflict[]): Map<LiveLock, Conflict[]> {
  const groups = new Map<LiveLock, Conflict[]>();
  for (const conflict of conflicts) {
    const group = groups.get(conflict.lock);
    if (group) group.push(conflict);
    else groups.set(conflict.lock, [conflict]);
  }
  return groups;
}
