import { SEVERITIES, type ClassifiedImage, type ScanError, type Severity, type Summary } from './types.js';

/** Returns the totals of a scan: images by verdict, findings by severity, and whether it was complete. */
export function summarize(images: readonly ClassifiedImage[], errors: readonly ScanError[]): Summary {
  const byReadiness = { ready: 0, 'not-ready': 0, unknown: 0 };
  const bySeverity = Object.fromEntries(SEVERITIES.map((severity) => [severity, 0])) as Record<Severity, number>;
  let findings = 0;
  for (const image of images) {
    byReadiness[image.readiness] += 1;
    for (const finding of image.findings) {
      bySeverity[finding.severity] += 1;
      findings += 1;
    }
  }
  return { images: images.length, byReadiness, bySeverity, findings, complete: errors.length === 0, errors: errors.length };
}
