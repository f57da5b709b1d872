import { builtin } from '../builtin.js';
import { isPassing, type GuardReport } from '../guard/guard-report.js';
import { describeHolder, displayScopeEntry } from './lock-summary.js';
import { printable, printableJson } from './printable.js';

/** One issue of GitLab's Code Quality report format. */
export interface CodeQualityIssue {
  description: string;
  check_name: string;
  fingerprint: string;
  severity: 'info' | 'minor' | 'major' | 'critical' | 'blocker';
  location: { path: string; lines: { begin: number } };
}

/**
 * GitLab Code Quality report: one issue per conflicting file and lock. Fingerprints hash the file,
 * the loop, the lock instance and the matched scope entry: unique within a report, and the same
 * conflict keeps its identity across pipelines (GitLab uses them to tell new findings from old).
 */
export function formatGitLabReport(report: GuardReport): string {
  const severity = isPassing(report) ? 'minor' : 'major';
  const issues: CodeQualityIssue[] = report.conflicts.map((conflict) => {
    const { record } = conflict.lock;
    return {
      description: `${conflict.renamedFrom === undefined ? '' : `Renamed from ${printable(conflict.renamedFrom)}. `}Inside scope ${displayScopeEntry(conflict.matchedScope, report.projectRoot)} held by ${describeHolder(conflict.lock)}`,
      check_name: 'scopeguard/held-scope',
      fingerprint: builtin('node:crypto')
        .createHash('sha256')
        .update(
          JSON.stringify([
            conflict.file,
            record.loop_name,
            conflict.lock.instance,
            conflict.matchedScope,
          ]),
        )
        .digest('hex'),
      severity,
      location: { path: conflict.file, lines: { begin: 1 } },
    };
  });
  return `${printableJson(JSON.stringify(issues, null, 2))}\n`;
}
