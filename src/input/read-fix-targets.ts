import { isEvidenceVerdict, EVIDENCE_VERDICTS, type FixTarget } from '../core/fix-plan.js';
import { invalid, isObject, readReportImage, readReportWith, show } from './read-report.js';

/** EC2 image ids: `ami-` and 8 or 17 lower-case hex digits. A report is input like any other: checked before it is sent anywhere. */
const IMAGE_ID = /^ami-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

/** The images of a report, as targets for `ami-audit fix`. */
export interface ReportTargets {
  targets: FixTarget[];
  /** False when the report's summary says the scan was incomplete. */
  complete: boolean;
  source: string;
}

/**
 * Reads an ami-audit report (JSON or NDJSON) given with `fix --from` and returns its images as
 * targets: id, region, account, name, what the report said of `ImdsSupport`, and its
 * `evidence.verdict` (null when the report was made without `scan --evidence`). A file that is not a
 * report, or an image whose fields do not fit, is an `InvalidInput` error naming the file and the field.
 */
export async function readFixTargets(path: string): Promise<ReportTargets> {
  const report = await readReportWith(path, (image, where, source): FixTarget => {
    const base = readReportImage(image, where, source);
    const fields = image as Record<string, unknown>;
    const at = `${where} (${show(base.imageId)})`;
    if (!IMAGE_ID.test(base.imageId)) throw invalid(source, `${where} "imageId" is not an image id: ${show(base.imageId)}`);
    const imds = fields.imdsSupport;
    if (imds !== undefined && imds !== null && typeof imds !== 'string') throw invalid(source, `${at} "imdsSupport" must be a string or null, got ${show(imds)}`);
    return {
      imageId: base.imageId,
      region: base.region,
      accountId: base.accountId,
      name: base.name,
      reportedImdsSupport: (imds as string | null | undefined) ?? null,
      verdict: verdictOf(fields.evidence, at, source),
    };
  });
  return { targets: report.images, complete: report.complete, source: report.source };
}

/** Returns the image's `evidence.verdict`, null when it has no evidence, or throws for a verdict this ami-audit does not know. */
function verdictOf(evidence: unknown, at: string, source: string): FixTarget['verdict'] {
  if (evidence === undefined || evidence === null) return null;
  if (!isObject(evidence)) throw invalid(source, `${at} "evidence" must be an object with a "verdict", got ${show(evidence)}`);
  if (!isEvidenceVerdict(evidence.verdict)) {
    throw invalid(source, `${at} "evidence.verdict" must be one of ${EVIDENCE_VERDICTS.join(', ')}, got ${show(evidence.verdict)}`);
  }
  return evidence.verdict;
}
