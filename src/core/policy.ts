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
export function gate(summary: Pick<Summary, 'errors' | 'byReadiness' | 'bySeverity'>, failOn: FailOn): GateVerdict {
  if (summary.errors > 0) return { exitCode: EXIT.incomplete, reason: `the scan was incomplete (${summary.errors} error${summary.errors === 1 ? '' : 's'})` };
  if (summary.byReadiness.unknown > 0) return { exitCode: EXIT.incomplete, reason: `${summary.byReadiness.unknown} image${summary.byReadiness.unknown === 1 ? ' is' : 's are'} unknown` };
  if (failOn === 'none') return { exitCode: EXIT.clean, reason: '--fail-on none' };
  const failing = SEVERITIES.filter((severity) => reaches(severity, failOn) && summary.bySeverity[severity] > 0);
  if (failing.length === 0) return { exitCode: EXIT.clean, reason: `no finding reached ${failOn}` };
  const counts = failing.reverse().map((severity) => `${summary.bySeverity[severity]} ${severity}`).join(', ');
  return { exitCode: EXIT.findings, reason: `findings reached --fail-on ${failOn}: ${counts}` };
}

/** Returns the exit status for a scan's summary under a `--fail-on` threshold (see `gate`). */
export function gateExitCode(summary: Pick<Summary, 'errors' | 'byReadiness' | 'bySeverity'>, failOn: FailOn): number {
  return gate(summary, failOn).exitCode;
}
