import { EXIT, type FailOn } from './policy.js';
import { reaches } from './severity.js';
import type { Severity } from './types.js';

/** A suppression a finding carries in a report: why it is accepted, and until when. */
export interface ReportSuppression {
  reason?: string;
  expires?: string;
}

/** One finding of a report image, as much of it as a comparison needs. */
export interface ReportFinding {
  ruleId: string;
  severity: Severity;
  /** Present when the report marked the finding as suppressed: it then never counts toward `--fail-on`. */
  suppressed?: ReportSuppression;
}

/** One image of a report; (accountId, region, imageId) identifies it. */
export interface ReportImage {
  accountId: string | null;
  region: string | null;
  imageId: string;
  name: string | null;
  findings: ReportFinding[];
}

/** The part of a scan report that a comparison reads. */
export interface ReportImages {
  images: ReportImage[];
}

/** An image that appeared or went away, in the diff's output. */
export interface DiffImage {
  accountId: string | null;
  region: string | null;
  imageId: string;
  name: string | null;
}

/** A finding that appeared or went away; (accountId, region, imageId, ruleId) identifies it. */
export interface DiffFinding {
  accountId: string | null;
  region: string | null;
  imageId: string;
  ruleId: string;
  severity: Severity;
  suppressed?: ReportSuppression;
}

/** A finding present in both reports with another severity: `severity` is the new one. */
export interface ChangedFinding extends DiffFinding {
  previousSeverity: Severity;
}

/** What changed from one report to the next. Every list is sorted by account, region, image and rule. */
export interface DiffResult {
  images: { added: DiffImage[]; removed: DiffImage[] };
  findings: { new: DiffFinding[]; fixed: DiffFinding[]; changed: ChangedFinding[] };
}

/** Returns the key of an image's identity; NUL cannot occur in an account id, a region or an image id. */
function imageKey(image: Pick<ReportImage, 'accountId' | 'region' | 'imageId'>): string {
  return [image.accountId ?? '', image.region ?? '', image.imageId].join('\u0000');
}

/** Returns the images of a report by identity; when an image is listed twice, its first entry counts. */
function byIdentity(report: ReportImages): Map<string, ReportImage> {
  const images = new Map<string, ReportImage>();
  for (const image of report.images) if (!images.has(imageKey(image))) images.set(imageKey(image), image);
  return images;
}

/** Returns the findings of an image by rule; a rule raised twice on one image counts once. */
function byRule(image: ReportImage | undefined): Map<string, ReportFinding> {
  const findings = new Map<string, ReportFinding>();
  for (const finding of image?.findings ?? []) if (!findings.has(finding.ruleId)) findings.set(finding.ruleId, finding);
  return findings;
}

function toDiffImage(image: ReportImage): DiffImage {
  return { accountId: image.accountId, region: image.region, imageId: image.imageId, name: image.name };
}

function toDiffFinding(image: ReportImage, finding: ReportFinding): DiffFinding {
  return {
    accountId: image.accountId,
    region: image.region,
    imageId: image.imageId,
    ruleId: finding.ruleId,
    severity: finding.severity,
    ...(finding.suppressed ? { suppressed: finding.suppressed } : {}),
  };
}

type Identity = Pick<DiffImage, 'accountId' | 'region' | 'imageId'> & { ruleId?: string };

/** Orders by account, region, image, then rule; an unknown account or region (null) comes first. */
function compareIdentity(a: Identity, b: Identity): number {
  const keys = [
    [a.accountId ?? '', b.accountId ?? ''],
    [a.region ?? '', b.region ?? ''],
    [a.imageId, b.imageId],
    [a.ruleId ?? '', b.ruleId ?? ''],
  ] as const;
  for (const [left, right] of keys) if (left !== right) return left < right ? -1 : 1;
  return 0;
}

/**
 * Returns what changed from `previous` to `current`: images added and removed, findings new, fixed and
 * changed (same rule, account, region and image, another severity). A finding of an added image is
 * new and one of a removed image is fixed: the lists answer "what is there now that was not before".
 */
export function diffReports(previous: ReportImages, current: ReportImages): DiffResult {
  const before = byIdentity(previous);
  const after = byIdentity(current);
  const result: DiffResult = { images: { added: [], removed: [] }, findings: { new: [], fixed: [], changed: [] } };

  for (const [key, image] of after) {
    const old = before.get(key);
    if (!old) result.images.added.push(toDiffImage(image));
    const oldFindings = byRule(old);
    for (const [ruleId, finding] of byRule(image)) {
      const oldFinding = oldFindings.get(ruleId);
      if (!oldFinding) result.findings.new.push(toDiffFinding(image, finding));
      else if (oldFinding.severity !== finding.severity) result.findings.changed.push({ ...toDiffFinding(image, finding), previousSeverity: oldFinding.severity });
    }
  }
  for (const [key, image] of before) {
    const current = after.get(key);
    if (!current) result.images.removed.push(toDiffImage(image));
    const newFindings = byRule(current);
    for (const [ruleId, finding] of byRule(image)) if (!newFindings.has(ruleId)) result.findings.fixed.push(toDiffFinding(image, finding));
  }

  result.images.added.sort(compareIdentity);
  result.images.removed.sort(compareIdentity);
  result.findings.new.sort(compareIdentity);
  result.findings.fixed.sort(compareIdentity);
  result.findings.changed.sort(compareIdentity);
  return result;
}

/** The diff gate's decision: an exit status and the reason for it, in words. */
export interface DiffVerdict {
  exitCode: number;
  reason: string;
}

/**
 * Returns the diff's verdict: 3 when either report comes from an incomplete scan (an incomplete scan
 * never passes a gate: what looks fixed may only have been unread), else 1 when a new or changed
 * finding that is not suppressed reaches `failOn`, else 0. Fixed findings never fail the gate.
 */
export function diffGate(diff: DiffResult, failOn: FailOn, reports: { previousComplete: boolean; currentComplete: boolean }): DiffVerdict {
  if (!reports.previousComplete || !reports.currentComplete) {
    const which = !reports.previousComplete && !reports.currentComplete ? 'both reports come' : `the ${reports.previousComplete ? 'new' : 'old'} report comes`;
    return { exitCode: EXIT.incomplete, reason: `${which} from an incomplete scan` };
  }
  if (failOn === 'none') return { exitCode: EXIT.clean, reason: '--fail-on none' };
  const failing = [...diff.findings.new, ...diff.findings.changed].filter((finding) => !finding.suppressed && reaches(finding.severity, failOn));
  if (failing.length === 0) return { exitCode: EXIT.clean, reason: `no new or changed finding reached ${failOn}` };
  return { exitCode: EXIT.findings, reason: `${failing.length} new or changed finding${failing.length === 1 ? '' : 's'} reached --fail-on ${failOn}` };
}
