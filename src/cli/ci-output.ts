import { builtin } from '../builtin.js';
import { hasFindings, type GuardReport } from '../guard/guard-report.js';
import { printable } from '../report/printable.js';
import { emitTextReport } from './guard-output.js';
import type { Io } from './io.js';
import { appendToRunnerFile, writeReportFile } from './report-file.js';

/** Where the GitLab Code Quality report goes: the file, and the checkout it must stay inside. */
export interface GitLabReportFile {
  file: string;
  checkout: string;
}

/**
 * The GitHub report: workflow commands (annotations) first, so that the log shows them even if a
 * runner file cannot be written, then the human report, then the step summary and outputs.
 */
export async function emitGitHubReport(report: GuardReport, io: Io): Promise<number> {
  const { formatGitHubReport } = await import('../report/github-report.js');
  const github = formatGitHubReport(report, Date.now());
  io.stdout.write(github.commands);
  const code = await emitPausingCommands(report, io);
  writeGitHubFiles(io, github.summary, github.outputs);
  return code;
}

/** The human report in the log, then the Code Quality report file. */
export async function emitGitLabReport(
  report: GuardReport,
  io: Io,
  target: GitLabReportFile,
): Promise<number> {
  const code = await emitTextReport(report, io);
  const { formatGitLabReport } = await import('../report/gitlab-report.js');
  writeGitLabFile(io, target, formatGitLabReport(report));
  return code;
}

/** With nothing to enforce, later steps still find the step summary and outputs they expect. */
export async function emitGitHubNothingToEnforce(runningDir: string, io: Io): Promise<void> {
  const { nothingToEnforceSummary } = await import('../report/github-report.js');
  writeGitHubFiles(io, nothingToEnforceSummary(runningDir), { conflicts: '0' });
}

/** With nothing to enforce, GitLab's artifact upload still finds an (empty) report. */
export function emitGitLabNothingToEnforce(io: Io, target: GitLabReportFile): void {
  writeGitLabFile(io, target, '[]\n');
}

/**
 * The human report inside a GitHub step. It repeats file names, which a pull request controls,
 * and the runner acts on any line that starts with `::` (after blanks) or holds `##[`: the names
 * are printable, and workflow commands are paused around the report as well, as GitHub advises
 * for echoing untrusted text.
 */
async function emitPausingCommands(report: GuardReport, io: Io): Promise<number> {
  // Without findings nothing goes to stdout, and diagnostics on stderr are printable.
  if (!hasFindings(report)) return emitTextReport(report, io);
  const token = builtin('node:crypto').randomUUID();
  io.stdout.write(`::stop-commands::${token}\n`);
  try {
    return await emitTextReport(report, io);
  } finally {
    io.stdout.write(`::${token}::\n`);
  }
}

/**
 * Append to the step summary and the step outputs, when the runner provides them. These are the
 * runner's own files outside the checkout, shared with other steps: appended to, never replaced.
 */
function writeGitHubFiles(io: Io, summary: string, outputs: Record<string, string>): void {
  if (io.env.GITHUB_STEP_SUMMARY)
    appendToRunnerFile(io.env.GITHUB_STEP_SUMMARY, summary, 'the step summary');
  if (io.env.GITHUB_OUTPUT) {
    const lines = Object.entries(outputs).map(([key, value]) => `${key}=${value}\n`);
    appendToRunnerFile(io.env.GITHUB_OUTPUT, lines.join(''), 'the step outputs');
  }
}

function writeGitLabFile(io: Io, target: GitLabReportFile, content: string): void {
  writeReportFile(target.file, content, target.checkout);
  io.stderr.write(`scopeguard: wrote the Code Quality report ${printable(target.file)}\n`);
}
