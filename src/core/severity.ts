import { SEVERITIES, type Severity } from './types.js';

/** Returns true when `value` names a severity. */
export function isSeverity(value: string): value is Severity {
  return (SEVERITIES as readonly string[]).includes(value);
}

/** Returns the rank of a severity: info is 0, critical is 4. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** Returns true when `severity` is at least `threshold`. */
export function reaches(severity: Severity, threshold: Severity): boolean {
  return severityRank(severity) >= severityRank(threshold);
}
