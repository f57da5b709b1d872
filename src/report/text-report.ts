import { guardEnv } from '../guard/guard-env.js';
import type { Conflict } from '../guard/find-conflicts.js';
import type { LiveLock } from '../lock/lock-store.js';
import { hasFindings, isPassing, type GuardReport } from '../guard/guard-report.js';
import type { Colors } from './color.js';
import { describeHolder, displayScopeEntry } from './lock-summary.js';
import { conflictFile } from './conflict-file.js';
import { printable } from './printable.js';
import { shellQuote } from '../shell-quote.js';

const sourceNouns: Record<string, [string, string]> = {
  staged: ['staged file', 'staged files'],
  worktree: ['changed file', 'changed files'],
  arguments: ['given path', 'given paths'],
  stdin: ['given path', 'given paths'],
  range: ['file changed in the range', 'files changed in the range'],
};

/**
 * The human report: conflicts grouped by holder (loop, instance, pid, host, age, matched scope,
 * files), then the ways forward, then the conflicts the holder's own commit trailers excused.
 * Empty when there is nothing to say.
 */
export function formatTextReport(report: GuardReport, colors: Colors, now: number): string {
  const excused = excusedLines(report, colors, now);
  if (!hasFindings(report)) return excused.length > 0 ? `${excused.join('\n')}\n` : '';
  const lines: string[] = [];
  const blocked = !isPassing(report);
  const files = distinctCount(report.conflicts, (conflict) => conflict.file);
  const [singular, plural] = sourceNouns[report.source] ?? ['file', 'files'];
  const noun = files === 1 ? singular : plural;
  if (files > 0) {
    const verdict = blocked
      ? colors.red(colors.bold(`scopeguard: ${files} ${noun} inside scopes held by other loops`))
      : colors.yellow(
          colors.bold(
            `scopeguard: warning: ${files} ${noun} inside scopes held by other loops (mode warn, not blocking)`,
          ),
        );
    lines.push(verdict, '');
  } else {
    const records = report.problems.length === 1 ? 'record' : 'records';
    const header = `scopeguard: ${report.problems.length} unreadable lock ${records} (--strict treats them as held)`;
    lines.push(blocked ? colors.red(colors.bold(header)) : colors.yellow(colors.bold(header)), '');
  }
  for (const [lock, byEntry] of shownFilesByHolder(report.conflicts)) {
    lines.push(`  ${colors.bold(describeHolder(lock, now))}`);
    for (const [entry, shownFiles] of byEntry) {
      lines.push(`    scope ${colors.cyan(displayScopeEntry(entry, report.projectRoot))}`);
      // One line per file, joined at once: a conflict can be one of a hundred thousand paths.
      lines.push(`      ${shownFiles.join('\n      ')}`);
    }
    lines.push('');
  }
  if (report.strict && report.problems.length > 0) {
    lines.push(colors.red('  unreadable lock records (blocking because of --strict):'));
    for (const problem of report.problems)
      lines.push(`    ${printable(problem.file)}: ${printable(problem.reason)}`);
    lines.push('');
  }
  if (blocked) lines.push(...waysForward(report));
  if (excused.length > 0) lines.push('', ...excused);
  return `${lines.join('\n')}\n`;
}

/** The conflicts excused as the holder's own work, grouped by the trailer that excused them. */
function excusedLines(report: GuardReport, colors: Colors, now: number): string[] {
  if (report.ownByTrailer.length === 0) return [];
  const files = distinctCount(report.ownByTrailer, (excuse) => excuse.file);
  const lines = [
    colors.green(
      `scopeguard: ${files} ${files === 1 ? 'file is' : 'files are'} the holder's own work: every commit that changes ${files === 1 ? 'it' : 'them'} names the holding lock in a Scope-Lock trailer`,
    ),
    '',
  ];
  for (const [trailer, excuses] of groupBy(report.ownByTrailer, (excuse) => excuse.trailer)) {
    lines.push(`  Scope-Lock: ${printable(trailer)}  (${describeHolder(excuses[0]!.lock, now)})`);
    for (const excuse of excuses) lines.push(`      ${printable(excuse.file)}`);
  }
  return lines;
}

function waysForward(report: GuardReport): string[] {
  const entries = new Set<string>();
  for (let index = 0; index < report.conflicts.length; index++)
    entries.add(report.conflicts[index]!.matchedScope);
  const scopes = [
    ...new Set([...entries].map((entry) => displayScopeEntry(entry, report.projectRoot))),
  ];
  const options: string[] = [];
  if (scopes.length > 0) {
    options.push(
      `wait until the scope is free:  scopeguard locks wait --scope ${scopes.map(shellQuote).join(' ')}`,
      'ask the holder to finish or release its lock (scopeguard locks list shows them all)',
    );
  }
  if (report.strict && report.problems.length > 0) {
    const files = report.problems.map((problem) => shellQuote(printable(problem.file))).join(' ');
    options.push(
      `inspect the unreadable record (cat ${files}); once no loop is writing it, remove it (rm ${files})`,
    );
  }
  options.push(
    report.source === 'staged'
      ? `bypass the guard for one commit:  ${guardEnv.skip}=1 git commit ...  (or git commit --no-verify)`
      : 'run with --mode warn to report without failing',
  );
  return ['What now:', ...options.map((option, index) => `  - ${index > 0 ? 'or ' : ''}${option}`)];
}

/**
 * The one line a passing `check` prints on a terminal, so that silence never has to be read as
 * success: how many files were checked, and that no other loop holds them.
 */
export function formatPassLine(report: GuardReport): string {
  if (report.filesChecked === undefined)
    return 'scopeguard: ok: no other loop holds a live lock on this repository\n';
  const [singular, plural] = sourceNouns[report.source] ?? ['file', 'files'];
  const noun = report.filesChecked === 1 ? singular : plural;
  return `scopeguard: ok: ${report.filesChecked} ${noun} checked, none inside a scope held by another loop\n`;
}

/**
 * The conflicts' files as shown (see conflictFile), by holder and then by matched scope entry,
 * each group in the order it first came. Indexed loops: there can be as many conflicts as changed
 * paths.
 */
function shownFilesByHolder(conflicts: readonly Conflict[]): Map<LiveLock, Map<string, string[]>> {
  const holders = new Map<LiveLock, Map<string, string[]>>();
  for (let index = 0; index < conflicts.length; index++) {
    const conflict = conflicts[index]!;
    let byEntry = holders.get(conflict.lock);
    if (!byEntry) holders.set(conflict.lock, (byEntry = new Map<string, string[]>()));
    const shownFiles = byEntry.get(conflict.matchedScope);
    if (shownFiles) shownFiles.push(conflictFile(conflict));
    else byEntry.set(conflict.matchedScope, [conflictFile(conflict)]);
  }
  return holders;
}

function distinctCount<T>(items: readonly T[], key: (item: T) => string): number {
  const keys = new Set<string>();
  for (let index = 0; index < items.length; index++) keys.add(key(items[index]!));
  return keys.size;
}

function groupBy<K, T>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}
