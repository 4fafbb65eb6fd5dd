import { SEVERITIES, type Severity, type Summary } from './types.js';
import { reaches } from './severity.js';

export type FailOn = Severity | 'none';

/** The exit statuses of `ami-audit scan`, documented in the README and in `--help`. */
export const EXIT = {
  /** The scan was complete and no finding reached `--fail-on`. */
  clean: 0,
  /** The scan was complete and at least one finding reached `--fail-on`. */
  findings: 1,
  /** Usage or configuration error. */
  usage: 2,
  /** The scan was incomplete: an incomplete scan never passes a gate, whatever it found. */
  incomplete: 3,
  /** Standard output was closed by its reader (`| head`): the shell's code for a process ended by SIGPIPE. */
  outputClosed: 141,
} as const;

/** What the gate reads of a summary. */
export type GateInput = Pick<Summary, 'errors' | 'byReadiness' | 'bySeverity'> & Partial<Pick<Summary, 'countedBySeverity'>>;

/** The gate's decision: an exit status and the reason for it, in words. */
export interface GateVerdict {
  exitCode: number;
  reason: string;
}

/**
 * Returns the gate's verdict from a scan's summary under a `--fail-on` threshold.
 *
 * It reads only the summary's counts, which every scan keeps whether or not it kept the images (a
 * streamed scan does not), so the verdict cannot depend on the output format.
 */
export function gate(summary: GateInput, failOn: FailOn): GateVerdict {
  if (summary.errors > 0) return { exitCode: EXIT.incomplete, reason: `the scan was incomplete (${summary.errors} error${summary.errors === 1 ? '' : 's'})` };
  if (summary.byReadiness.unknown > 0) return { exitCode: EXIT.incomplete, reason: `${summary.byReadiness.unknown} image${summary.byReadiness.unknown === 1 ? ' is' : 's are'} unknown` };
  if (failOn === 'none') return { exitCode: EXIT.clean, reason: '--fail-on none' };
  // Suppressed findings are reported but do not count; a summary from before suppressions counts all.
  const counted = summary.countedBySeverity ?? summary.bySeverity;
  const failing = SEVERITIES.filter((severity) => reaches(severity, failOn) && counted[severity] > 0);
  if (failing.length === 0) return { exitCode: EXIT.clean, reason: `no finding reached ${failOn}` };
  const counts = failing.reverse().map((severity) => `${counted[severity]} ${severity}`).join(', ');
  return { exitCode: EXIT.findings, reason: `findings reached --fail-on ${failOn}: ${counts}` };
}

/** Returns the exit status for a scan's summary under a `--fail-on` threshold (see `gate`). */
export function gateExitCode(summary: GateInput, failOn: FailOn): number {
  return gate(summary, failOn).exitCode;
}
