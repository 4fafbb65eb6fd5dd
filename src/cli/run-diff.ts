import { diffGate, diffReports } from '../core/diff.js';
import type { FailOn } from '../core/policy.js';
import { isSeverity } from '../core/severity.js';
import { AmiAuditError } from '../errors.js';
import { readReport, type ReportFile } from '../input/read-report.js';
import { renderDiffJson } from '../render/diff-json.js';
import { renderDiffMarkdown } from '../render/diff-markdown.js';
import { renderDiffTable } from '../render/diff-table.js';
import { terminalSafe } from '../render/sanitize.js';
import type { CliIo } from './terminal.js';

/** The formats of `ami-audit diff --output`. */
export const DIFF_OUTPUTS = ['table', 'json', 'markdown'] as const;
export type DiffOutput = (typeof DIFF_OUTPUTS)[number];

/** What commander hands the diff action, before validation. */
export interface RawDiffOptions {
  output?: string;
  failOn?: string;
  debug?: boolean;
}

/** Returns the validated `--output` and `--fail-on`, or throws a usage error naming the choices. */
function validateDiffOptions(raw: RawDiffOptions): { output: DiffOutput; failOn: FailOn } {
  const output = raw.output ?? 'table';
  if (!(DIFF_OUTPUTS as readonly string[]).includes(output)) {
    throw new AmiAuditError('Usage', `--output must be one of ${DIFF_OUTPUTS.join(', ')} for diff, got ${JSON.stringify(output)}`);
  }
  const failOn = raw.failOn ?? 'high';
  if (failOn !== 'none' && !isSeverity(failOn)) {
    throw new AmiAuditError('Usage', `--fail-on must be one of info, low, medium, high, critical, none, got ${JSON.stringify(failOn)}`);
  }
  return { output: output as DiffOutput, failOn };
}

/** Returns the warning for an incomplete report: which lists may show what was only unread. */
function incompleteWarning(report: ReportFile, role: 'old' | 'new'): string {
  const lists = role === 'new' ? '"fixed" and "removed" may only have been unread in it' : '"new" and "added" may only have been unread in it';
  return `${report.source} (the ${role} report) comes from an incomplete scan: ${lists}; the exit code is 3`;
}

/**
 * Runs `ami-audit diff <old> <new>` and returns its exit status: 3 when either report is incomplete,
 * 1 when a new or changed finding reaches `--fail-on`, else 0. A file that is not a report is thrown
 * as an `AmiAuditError` (exit 2).
 */
export async function runDiff(oldPath: string, newPath: string, raw: RawDiffOptions, io: CliIo): Promise<number> {
  const { output, failOn } = validateDiffOptions(raw);
  const [previous, current] = await Promise.all([readReport(oldPath), readReport(newPath)]);
  const diff = diffReports(previous, current);
  const complete = previous.complete && current.complete;
  const text = output === 'json' ? renderDiffJson(diff, complete) : output === 'markdown' ? renderDiffMarkdown(diff, complete) : renderDiffTable(diff);
  io.stdout.write(text);
  // Said on stderr whatever the format: it is why the exit code is 3.
  if (!previous.complete) io.stderr.write(`ami-audit: warning: ${terminalSafe(incompleteWarning(previous, 'old'))}\n`);
  if (!current.complete) io.stderr.write(`ami-audit: warning: ${terminalSafe(incompleteWarning(current, 'new'))}\n`);
  return diffGate(diff, failOn, { previousComplete: previous.complete, currentComplete: current.complete }).exitCode;
}
