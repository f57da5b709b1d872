import { ExitCode } from '../errors.js';
import { hasReportText, isPassing, type GuardReport } from '../guard/guard-report.js';
import { printable } from '../report/printable.js';
import type { Io } from './io.js';

export type GuardFormat = 'text' | 'json';
export const guardFormats: readonly GuardFormat[] = ['text', 'json'];

/**
 * Write a guard report: the report on stdout, diagnostics (reaped locks, unreadable records,
 * notes) on stderr, and return the exit code. Formatters are loaded only when there is something
 * to format: a clean commit prints nothing.
 */
export async function emitGuardReport(
  report: GuardReport,
  format: GuardFormat,
  io: Io,
): Promise<number> {
  if (format === 'json') {
    const { formatJsonReport } = await import('../report/json-report.js');
    io.stdout.write(formatJsonReport(report));
    return isPassing(report) ? ExitCode.ok : ExitCode.refused;
  }
  if (hasReportText(report)) {
    const [{ formatTextReport }, { colorsFor }] = await Promise.all([
      import('../report/text-report.js'),
      import('../report/color.js'),
    ]);
    io.stdout.write(formatTextReport(report, colorsFor(io.env, io.stdout.isTTY), Date.now()));
  }
  if (report.reaped.length > 0) {
    const names = report.reaped
      .map((lock) => `${printable(lock.instance)} (${printable(lock.reason)})`)
      .join(', ');
    io.stderr.write(
      `scopeguard: reaped ${report.reaped.length} stale lock${report.reaped.length === 1 ? '' : 's'}: ${names}\n`,
    );
  }
  if (!report.strict) {
    for (const problem of report.problems) {
      io.stderr.write(
        `scopeguard: warning: cannot read lock record ${printable(problem.file)}: ${printable(problem.reason)} (not enforced; --strict blocks on it)\n`,
      );
    }
  }
  for (const note of report.notes) io.stderr.write(`scopeguard: ${printable(note)}\n`);
  return isPassing(report) ? ExitCode.ok : ExitCode.refused;
}
