import type { Conflict } from '../guard/find-conflicts.js';
import { isPassing, type GuardReport } from '../guard/guard-report.js';
import { conflictFile } from './conflict-file.js';
import { formatDuration } from './duration.js';
import { describeHolder, displayScopeEntry, lockAgeMs } from './lock-summary.js';
import { hasUnsafeCharacter, printable } from './printable.js';

/** At most this many annotations per severity: GitHub shows only the first few anyway. */
export const maxAnnotationsPerSeverity = 10;

/** What a GitHub Actions step writes: workflow commands, the step summary, step outputs. */
export interface GitHubReport {
  commands: string;
  summary: string;
  outputs: Record<string, string>;
}

/**
 * GitHub Actions output: one `::error` (block mode) or `::warning` (warn mode) per conflicting
 * file, capped, then a `::notice` naming how many more; a Markdown table for the step summary;
 * `conflicts=<n>` for later steps.
 */
export function formatGitHubReport(report: GuardReport, now: number): GitHubReport {
  const severity = isPassing(report) ? 'warning' : 'error';
  const files = firstConflictPerFile(report.conflicts);
  const lines = files.slice(0, maxAnnotationsPerSeverity).map((conflict) => {
    const { record } = conflict.lock;
    const scope = displayScopeEntry(conflict.matchedScope, report.projectRoot);
    const properties = `file=${escapeProperty(annotationFile(conflict.file))},title=${escapeProperty(`Held by loop ${printable(record.loop_name)}`)}`;
    const message = `${conflictFile(conflict)} is inside scope ${scope} held by ${describeHolder(conflict.lock)}.`;
    return `::${severity} ${properties}::${escapeData(message)}`;
  });
  const hidden = files.length - lines.length;
  if (hidden > 0) {
    lines.push(
      `::notice::${escapeData(`${hidden} more conflicting file${hidden === 1 ? '' : 's'} not annotated; see the step summary.`)}`,
    );
  }
  return {
    commands: lines.length > 0 ? `${lines.join('\n')}\n` : '',
    summary: summaryTable(report, now),
    outputs: { conflicts: String(report.conflicts.length) },
  };
}

/**
 * The file an annotation names: the exact name, so that GitHub can place it, even with CR or LF,
 * which the runner's escapes carry. A name with any other control character is shown printable
 * instead, as those would go out raw. A workflow command inside the name is harmless here: the
 * runner looks for no other command inside scopeguard's own.
 */
function annotationFile(file: string): string {
  return hasUnsafeCharacter(file.replace(/[\r\n]/g, '')) ? printable(file) : file;
}

function firstConflictPerFile(conflicts: readonly Conflict[]): Conflict[] {
  const seen = new Set<string>();
  return conflicts.filter((conflict) => !seen.has(conflict.file) && seen.add(conflict.file));
}

function summaryTable(report: GuardReport, now: number): string {
  return `${conflictTable(report, now)}${excusedTable(report)}`;
}

/** The conflicts excused by trailers: which file, held by which lock, excused by which trailer. */
function excusedTable(report: GuardReport): string {
  if (report.ownByTrailer.length === 0) return '';
  const rows = report.ownByTrailer.map((excuse) => [
    ...[excuse.file, excuse.lock.record.loop_name, `Scope-Lock: ${excuse.trailer}`].map(
      markdownCell,
    ),
    String(excuse.commits.length),
  ]);
  return [
    '',
    "#### Excused as the holder's own work",
    '',
    'Every commit of the range that changes these files names the holding lock, with its current grant, in a `Scope-Lock` trailer.',
    '',
    '| File | Loop | Trailer | Commits |',
    '| --- | --- | --- | ---: |',
    ...rows.map((cells) => `| ${cells.join(' | ')} |`),
    '',
  ].join('\n');
}

function conflictTable(report: GuardReport, now: number): string {
  if (report.conflicts.length === 0 && report.ownByTrailer.length > 0)
    return "### scopeguard\n\nNo conflict: the changed files inside held scopes are their holders' own work.\n";
  if (report.conflicts.length === 0)
    return `### scopeguard\n\nNo changed file is inside a scope held by another loop.\n`;
  const verdict = isPassing(report) ? 'warning (not blocking)' : 'blocking';
  const rows = report.conflicts.map((conflict) => {
    const { record } = conflict.lock;
    const age = lockAgeMs(conflict.lock, now);
    return [
      conflictFile(conflict, (file) => file),
      record.loop_name,
      conflict.lock.instance,
      String(record.pid),
      record.host,
      age === undefined ? undefined : formatDuration(age),
      displayScopeEntry(conflict.matchedScope, report.projectRoot),
    ].map((text) => (text ? markdownCell(text) : '-'));
  });
  return [
    `### scopeguard: ${report.conflicts.length} conflict${report.conflicts.length === 1 ? '' : 's'}, ${verdict}`,
    '',
    '| File | Loop | Instance | PID | Host | Held | Scope |',
    '| --- | --- | --- | ---: | --- | --- | --- |',
    ...rows.map((cells) => `| ${cells.join(' | ')} |`),
    '',
  ].join('\n');
}

/** Escape a workflow command's message, as GitHub's toolkit does. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escape a workflow command property: the message rules plus `:` and `,`. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * The step summary when there is no lock directory to read, so nothing to enforce.
 */
export function nothingToEnforceSummary(runningDir: string): string {
  return `### scopeguard\n\nNothing to enforce: no lock directory at ${markdownCode(runningDir)}.\n`;
}

function markdownCell(text: string): string {
  return markdownCode(text).replace(/\|/g, '\\|');
}

/** Text as one Markdown code span: printable, and with no backtick to end the span early. */
function markdownCode(text: string): string {
  return `\`${printable(text).replace(/`/g, "'")}\``;
}
