import { hasFindings, isPassing, type GuardReport } from '../guard/guard-report.js';
import { colorsFor } from '../report/color.js';
import { formatJsonReport } from '../report/json-report.js';
import { formatTextReport } from '../report/text-report.js';
import type { Io } from './io.js';

export type GuardFormat = 'text' | 'json';
export const guardFormats: readonly GuardFormat[] = ['text', 'json'];

/**
 * Write a guard report: the report on stdout, diagnostics (reaped locks, unreadable records,
 * notes) on stderr, and return the exit code.
 */
export function emitGuardReport(report: GuardReport, format: GuardFormat, io: Io): number {
  if (format === 'json') {
    io.stdout.write(formatJsonReport(report));
  } else {
    if (hasFindings(report))
      io.stdout.write(formatTextReport(report, colorsFor(io.env, io.stdout.isTTY), Date.now()));
    if (report.reaped.length > 0) {
      const names = report.reaped.map((lock) => `${lock.instance} (${lock.reason})`).join(', ');
      io.stderr.write(
        `scopeguard: reaped ${report.reaped.length} stale lock${report.reaped.length === 1 ? '' : 's'}: ${names}\n`,
      );
    }
    if (!report.strict) {
      for (const problem of report.problems) {
        io.stderr.write(
          `scopeguard: warning: cannot read lock record ${problem.file}: ${problem.reason} (not enforced; --strict blocks on it)\n`,
        );
      }
    }
    for (const note of report.notes) io.stderr.write(`scopeguard: ${note}\n`);
  }
  return isPassing(report) ? 0 : 1;
}
