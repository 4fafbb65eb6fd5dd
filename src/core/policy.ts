import { reaches } from './severity.js';
import type { ScanResult, Severity } from './types.js';

export type FailOn = Severity | 'none';

/** The exit statuses of `ami-audit scan`, documented in the README. */
export const EXIT = {
  /** The scan was complete and no finding reached `--fail-on`. */
  clean: 0,
  /** The scan was complete and at least one finding reached `--fail-on`. */
  findings: 1,
  /** Usage or configuration error. */
  usage: 2,
  /** The scan was incomplete: an incomplete scan never passes a gate, whatever it found. */
  incomplete: 3,
} as const;

/** Returns the exit status for a scan result under a `--fail-on` threshold. */
export function gateExitCode(result: Pick<ScanResult, 'images' | 'errors'>, failOn: FailOn): number {
  if (result.errors.length > 0) return EXIT.incomplete;
  if (result.images.some((image) => image.readiness === 'unknown')) return EXIT.incomplete;
  if (failOn === 'none') return EXIT.clean;
  const failing = result.images.some((image) => image.findings.some((finding) => reaches(finding.severity, failOn)));
  return failing ? EXIT.findings : EXIT.clean;
}
