import type { GuardReport } from '../guard/guard-report.js';
import {
  emitGitHubNothingToEnforce,
  emitGitHubReport,
  emitGitLabNothingToEnforce,
  emitGitLabReport,
  type GitLabReportFile,
} from './ci-output.js';
import { emitJsonReport, emitTextReport } from './guard-output.js';
import type { Io } from './io.js';

/** Where a report goes: the streams, and in CI the report file a format writes. */
export interface ReportTarget {
  io: Io;
  gitlab?: GitLabReportFile;
}

/**
 * One output format: how it writes a guard report (stdout, stderr, files) and returns the exit
 * code, and what it leaves for later CI steps when there is nothing to enforce.
 */
interface ReportFormat {
  /** Offered by `ci` only: it writes a CI platform's own files. */
  ciOnly?: true;
  emit(report: GuardReport, target: ReportTarget): Promise<number>;
  nothingToEnforce?(runningDir: string, target: ReportTarget): Promise<void> | void;
}

/** Every output format, in the order the help lists them: adding a format touches this table. */
const reportFormats = {
  text: { emit: (report, { io }) => emitTextReport(report, io) },
  json: { emit: (report, { io }) => emitJsonReport(report, io) },
  github: {
    ciOnly: true,
    emit: (report, { io }) => emitGitHubReport(report, io),
    nothingToEnforce: (runningDir, { io }) => emitGitHubNothingToEnforce(runningDir, io),
  },
  gitlab: {
    ciOnly: true,
    emit: (report, target) => emitGitLabReport(report, target.io, gitlabFile(target)),
    nothingToEnforce: (_runningDir, target) =>
      emitGitLabNothingToEnforce(target.io, gitlabFile(target)),
  },
} as const satisfies Record<string, ReportFormat>;

type Formats = typeof reportFormats;
/** A format `ci` offers: all of them. */
export type CiFormat = keyof Formats;
/** A format `check` and the hook offer: those that write no CI files. */
export type GuardFormat = {
  [F in CiFormat]: Formats[F] extends { ciOnly: true } ? never : F;
}[CiFormat];

export const ciFormats = Object.keys(reportFormats) as CiFormat[];
export const guardFormats = ciFormats.filter(
  (format) => !('ciOnly' in reportFormats[format]),
) as GuardFormat[];

/** Write the report in a format and return the exit code. */
export function emitReport(
  format: CiFormat,
  report: GuardReport,
  target: ReportTarget,
): Promise<number> {
  return reportFormats[format].emit(report, target);
}

/** Leave what the format's later CI steps expect when there is nothing to enforce. */
export async function emitNothingToEnforce(
  format: CiFormat,
  runningDir: string,
  target: ReportTarget,
): Promise<void> {
  const entry: ReportFormat = reportFormats[format];
  await entry.nothingToEnforce?.(runningDir, target);
}

function gitlabFile(target: ReportTarget): GitLabReportFile {
  if (!target.gitlab) throw new Error('the gitlab format needs the report file it writes');
  return target.gitlab;
}
