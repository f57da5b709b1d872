import { ExitCode } from '../errors.js';
import { hasFindings, isPassing, type GuardReport } from '../guard/guard-report.js';
import { printable } from '../report/printable.js';
import type { Io } from './io.js';

/**
 * The human report on stdout, diagnostics on stderr, and the exit code. The formatter is loaded
 * only when there is something to format: a clean commit prints nothing.
 */
export async function emitTextReport(report: GuardReport, io: Io): Promise<number> {
  if (hasFindings(report)) {
    const [{ formatTextReport }, { colorsFor }] = await Promise.all([
      import('../report/text-report.js'),
      import('../report/color.js'),
    ]);
    io.stdout.write(formatTextReport(report, colorsFor(io.env, io.stdout.isTTY), Date.now()));
  }
  return emitDiagnostics(report, io);
}

/** The JSON report on stdout, which holds the diagnostics too, and the exit code. */
export async function emitJsonReport(report: GuardReport, io: Io): Promise<number> {
  const { formatJsonReport } = await import('../report/json-report.js');
  io.stdout.write(formatJsonReport(report));
  return exitCodeFor(report);
}

function exitCodeFor(report: GuardReport): number {
  return isPassing(report) ? ExitCode.ok : ExitCode.refused;
}

/** What every format says on stderr (reaped locks, unreadable records, notes), and the exit code. */
function emitDiagnostics(report: GuardReport, io: Io): number {
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
  return exitCodeFor(report);
}
