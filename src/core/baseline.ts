import type { Finding, ImageRecord, Severity } from './types.js';

/** How a finding compares with the baseline report: only `new` and `updated` ones count toward `--fail-on`. */
export type BaselineState = 'new' | 'unchanged' | 'updated';

/** What a baseline needs of a previous report: each image's identity and its findings. */
export interface BaselineImage {
  accountId: string | null;
  region: string | null;
  imageId: string;
  findings: { ruleId: string; severity: Severity }[];
}

/** The summary's comparison with the baseline; `absent` counts the baseline's findings that are gone. */
export interface BaselineReport {
  new: number;
  unchanged: number;
  updated: number;
  absent: number;
}

/** A finding's identity across scans: the rule, and the image's account, region and id. */
function findingKey(accountId: string | null, region: string | null, imageId: string, ruleId: string): string {
  return JSON.stringify([accountId ?? '', region ?? '', imageId, ruleId]);
}

/**
 * Compares each finding of a scan with a previous report (`--baseline`), so that a team with legacy
 * images gates only on what changed: a finding is `new`, `unchanged`, or `updated` (same rule, account,
 * region and image, another severity).
 */
export class Baseline {
  private readonly previous = new Map<string, Severity>();
  private readonly seen = new Set<string>();
  private readonly counts: Omit<BaselineReport, 'absent'> = { new: 0, unchanged: 0, updated: 0 };

  constructor(images: readonly BaselineImage[]) {
    for (const image of images) {
      for (const finding of image.findings) this.previous.set(findingKey(image.accountId, image.region, image.imageId, finding.ruleId), finding.severity);
    }
  }

  /** Returns the state of one finding of one image, and counts it. */
  stateOf(image: Pick<ImageRecord, 'accountId' | 'region' | 'imageId'>, finding: Pick<Finding, 'ruleId' | 'severity'>): BaselineState {
    const key = findingKey(image.accountId, image.region, image.imageId, finding.ruleId);
    const before = this.previous.get(key);
    this.seen.add(key);
    const state: BaselineState = before === undefined ? 'new' : before === finding.severity ? 'unchanged' : 'updated';
    this.counts[state] += 1;
    return state;
  }

  /** Returns the counts so far; the baseline's findings not seen in this scan are absent. */
  summary(): BaselineReport {
    let absent = 0;
    for (const key of this.previous.keys()) if (!this.seen.has(key)) absent += 1;
    return { ...this.counts, absent };
  }
}

/** Returns true when a finding counts toward `--fail-on`: not suppressed, and not already in the baseline unchanged. */
export function countsTowardGate(finding: Pick<Finding, 'suppressed' | 'baselineState'>): boolean {
  return finding.suppressed === undefined && finding.baselineState !== 'unchanged';
}
