import { countsTowardGate, type Baseline } from './baseline.js';
import { FleetCounter } from './fleet/fleet-summary.js';
import type { Suppressor } from './suppressions.js';
import { SEVERITIES, type ClassifiedImage, type ScanError, type Severity, type Summary } from './types.js';

/** Counts images as they are classified, so a streamed scan has totals without keeping the images. */
export class SummaryCounter {
  private images = 0;
  private findings = 0;
  private readonly byReadiness = { ready: 0, 'not-ready': 0, unknown: 0 };
  private readonly bySeverity = Object.fromEntries(SEVERITIES.map((severity) => [severity, 0])) as Record<Severity, number>;
  private readonly countedBySeverity = Object.fromEntries(SEVERITIES.map((severity) => [severity, 0])) as Record<Severity, number>;
  /** The fleet view's totals, when the scan reads it. */
  readonly fleet: FleetCounter | undefined;

  constructor(options: { fleet?: { evidence: boolean } } = {}) {
    this.fleet = options.fleet ? new FleetCounter(options.fleet.evidence) : undefined;
  }

  add(image: ClassifiedImage): void {
    this.fleet?.add(image);
    this.images += 1;
    this.byReadiness[image.readiness] += 1;
    for (const finding of image.findings) {
      this.bySeverity[finding.severity] += 1;
      if (countsTowardGate(finding)) this.countedBySeverity[finding.severity] += 1;
      this.findings += 1;
    }
  }

  /** Returns the totals so far; the scan is complete when no error was met. */
  summary(errors: readonly ScanError[]): Summary {
    return {
      images: this.images,
      byReadiness: { ...this.byReadiness },
      bySeverity: { ...this.bySeverity },
      countedBySeverity: { ...this.countedBySeverity },
      findings: this.findings,
      complete: errors.length === 0,
      errors: errors.length,
      ...(this.fleet ? { fleet: this.fleet.summary() } : {}),
    };
  }
}

/** Returns the totals of a scan: images by verdict, findings by severity, and whether it was complete. */
export function summarize(images: readonly ClassifiedImage[], errors: readonly ScanError[]): Summary {
  const counter = new SummaryCounter();
  for (const image of images) counter.add(image);
  return counter.summary(errors);
}

/** Returns the summary with the ignore file's and the baseline's reports, when the scan had them. */
export function withComparisons(summary: Summary, comparisons: { suppressor?: Suppressor | undefined; baseline?: Baseline | undefined }): Summary {
  return {
    ...summary,
    ...(comparisons.suppressor ? { suppressions: comparisons.suppressor.summary() } : {}),
    ...(comparisons.baseline ? { baseline: comparisons.baseline.summary() } : {}),
  };
}
