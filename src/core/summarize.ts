import { countsTowardGate, type Baseline } from './baseline.js';
import { FleetCounter } from './fleet/fleet-summary.js';
import type { Suppressor } from './suppressions.js';
import { SEVERITIES, type AccountTotals, type ClassifiedImage, type ScanError, type Severity, type Summary } from './types.js';

/** Counts images as they are classified, so a streamed scan has totals without keeping the images. */
export class SummaryCounter {
  private images = 0;
  private findings = 0;
  private readonly byReadiness = { ready: 0, 'not-ready': 0, unknown: 0 };
  private readonly bySeverity = Object.fromEntries(SEVERITIES.map((severity) => [severity, 0])) as Record<Severity, number>;
  private readonly countedBySeverity = Object.fromEntries(SEVERITIES.map((severity) => [severity, 0])) as Record<Severity, number>;
  /** The fleet view's totals, when the scan reads it. */
  readonly fleet: FleetCounter | undefined;
  /** Totals per account id, for `summary.byAccount`; empty for a scan that knows no account (a saved document). */
  private readonly byAccount = new Map<string, AccountTotals>();

  constructor(options: { fleet?: { evidence: boolean } } = {}) {
    this.fleet = options.fleet ? new FleetCounter(options.fleet.evidence) : undefined;
  }

  /**
   * Counts one classified image (or an image of a saved report: it reads the verdict, the findings,
   * the account and, when the scan read the fleet view, its usage and evidence).
   */
  add(image: Pick<ClassifiedImage, 'readiness' | 'findings' | 'accountId' | 'accountName' | 'imageId' | 'region' | 'usage' | 'evidence'>): void {
    this.fleet?.add(image);
    this.images += 1;
    this.byReadiness[image.readiness] += 1;
    const account = image.accountId ? this.addAccount(image.accountId, image.accountName) : undefined;
    if (account) {
      account.images += 1;
      account.byReadiness[image.readiness] += 1;
    }
    for (const finding of image.findings) {
      this.bySeverity[finding.severity] += 1;
      if (account) account.bySeverity[finding.severity] += 1;
      if (countsTowardGate(finding)) {
        this.countedBySeverity[finding.severity] += 1;
        if (account) account.countedBySeverity[finding.severity] += 1;
      }
      this.findings += 1;
      if (account) account.findings += 1;
    }
  }

  /** Lists an account in `byAccount` (one scanned but holding no image shows zeros); returns its totals. */
  addAccount(accountId: string, name?: string): AccountTotals {
    let totals = this.byAccount.get(accountId);
    if (!totals) {
      totals = { images: 0, byReadiness: { ready: 0, 'not-ready': 0, unknown: 0 }, bySeverity: zeroes(), countedBySeverity: zeroes(), findings: 0, errors: 0 };
      this.byAccount.set(accountId, totals);
    }
    if (name !== undefined && totals.name === undefined) totals.name = name;
    return totals;
  }

  /** Returns the totals so far; the scan is complete when no error was met. */
  summary(errors: readonly ScanError[]): Summary {
    const summary: Summary = {
      images: this.images,
      byReadiness: { ...this.byReadiness },
      bySeverity: { ...this.bySeverity },
      countedBySeverity: { ...this.countedBySeverity },
      findings: this.findings,
      complete: errors.length === 0,
      errors: errors.length,
      ...(this.fleet ? { fleet: this.fleet.summary() } : {}),
    };
    if (this.byAccount.size === 0) return summary;
    const errorsByAccount = new Map<string, number>();
    for (const error of errors) if (error.accountId) errorsByAccount.set(error.accountId, (errorsByAccount.get(error.accountId) ?? 0) + 1);
    const byAccount: Record<string, AccountTotals> = {};
    // Sorted by id, so that reports of the same organization compare line by line.
    for (const id of [...this.byAccount.keys()].sort()) {
      const totals = this.byAccount.get(id)!;
      byAccount[id] = { ...totals, byReadiness: { ...totals.byReadiness }, bySeverity: { ...totals.bySeverity }, countedBySeverity: { ...totals.countedBySeverity }, errors: errorsByAccount.get(id) ?? 0 };
    }
    return { ...summary, byAccount };
  }
}

function zeroes(): Record<Severity, number> {
  return Object.fromEntries(SEVERITIES.map((severity) => [severity, 0])) as Record<Severity, number>;
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
