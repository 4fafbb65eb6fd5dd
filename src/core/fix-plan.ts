/**
 * What `ami-audit fix` decides about each image, as pure functions: which images a report selects,
 * which to refuse before any AWS call, and, once the image has been read again, whether to flag it,
 * leave it (already `v2.0`) or refuse it. The orchestration (`fix.ts`) calls these; nothing here
 * knows about the SDK or the terminal.
 */

/** The verdicts of `scan --evidence` (`evidence.verdict` in a report), in the order a person reads them. */
export const EVIDENCE_VERDICTS = ['safe-to-flag', 'not-needed', 'untested', 'blocked'] as const;
export type EvidenceVerdict = (typeof EVIDENCE_VERDICTS)[number];

/** Returns true for a verdict `scan --evidence` writes. */
export function isEvidenceVerdict(value: unknown): value is EvidenceVerdict {
  return typeof value === 'string' && (EVIDENCE_VERDICTS as readonly string[]).includes(value);
}

/** How each image ended: flagged (written and read back `v2.0`), would-flag (dry run allowed), already `v2.0`, refused or failed. */
export const FIX_ACTIONS = ['flagged', 'would-flag', 'already', 'refused', 'failed'] as const;
export type FixAction = (typeof FIX_ACTIONS)[number];

/** The only value EC2 accepts for `ImdsSupport`, and it cannot be unset again. */
export const IMDS_V2 = 'v2.0';

/** One image the user asked to flag: named with `--image-ids`, or an image of a report given with `--from`. */
export interface FixTarget {
  imageId: string;
  /** The image's region; null when a report does not say (an offline scan without `--region`). */
  region: string | null;
  /** The account the image was scanned in; null for `--image-ids` (the caller's own account). */
  accountId: string | null;
  /** The image's name as the report gave it, for the table; the re-read replaces it. */
  name?: string | null;
  /** From a report only: what it said of `ImdsSupport` (null: unset). Absent for `--image-ids`. */
  reportedImdsSupport?: string | null;
  /**
   * From a report only: its `evidence.verdict`, or null when the report was made without
   * `scan --evidence`. Absent for `--image-ids`.
   */
  verdict?: EvidenceVerdict | null;
}

/** What a re-read (`DescribeImages`) says of an image now: the facts the decision rests on. */
export interface CurrentImage {
  imageId: string;
  name: string | null;
  ownerId: string | null;
  public: boolean;
  state: string | null;
  imdsSupport: string | null;
}

/** How one image ended, as the table and the JSON document show it. */
export interface FixResult {
  imageId: string;
  region: string | null;
  accountId: string | null;
  name: string | null;
  action: FixAction;
  /** Why, in words: the refusal, the error, or what was done. */
  reason: string;
  /** `ImdsSupport` when the image was read again before the change (null: unset); absent when it was not read. */
  imdsSupportBefore?: string | null;
  /** `ImdsSupport` read back after the change (null: unset), or the current value of an image already `v2.0`. */
  imdsSupportAfter?: string | null;
  /** The report's `evidence.verdict`, when the image came from a report that had one. */
  verdict?: EvidenceVerdict;
  /** True when a `blocked` image was flagged (or would be) because of `--force-blocked`. */
  forced?: boolean;
}

/** The choices that decide which images may be flagged. */
export interface FixPolicy {
  /** `--only`: the report verdicts to act on; undefined when not given. */
  only?: readonly EvidenceVerdict[];
  /** `--force-blocked`: flag images whose report verdict is `blocked` too. */
  forceBlocked: boolean;
}

/** What a flag on a `blocked` image will break, said again wherever such an image is flagged. */
export const BLOCKED_WARNING =
  'the report\'s evidence says this image is blocked: instances launched from it still make IMDSv1 calls, and new instances launched from it will require IMDSv2 tokens (HttpTokens=required, hop limit 2), so that software may fail to read its metadata and credentials';

/** Returns a result for a target, with what the target already says. */
export function resultFor(target: FixTarget, action: FixAction, reason: string, extra: Partial<FixResult> = {}): FixResult {
  return {
    imageId: target.imageId,
    region: target.region,
    accountId: target.accountId,
    name: target.name ?? null,
    action,
    reason,
    ...(target.verdict ? { verdict: target.verdict } : {}),
    ...extra,
  };
}

/**
 * Returns the refusal of a target that can be decided from the request alone, before any AWS call:
 * no region to look in, a report without evidence under `--only`, a `blocked` verdict without
 * `--force-blocked`. Undefined when the image goes on to be read again.
 */
export function refuseBeforeReading(target: FixTarget, policy: FixPolicy): FixResult | undefined {
  if (policy.only && target.verdict === null) {
    return resultFor(target, 'refused', `the report has no evidence verdict for this image (it was made without "scan --evidence"), so --only ${policy.only.join(' ')} cannot select it: scan again with --evidence, or name the image with --image-ids`);
  }
  if (target.verdict === 'blocked' && !policy.forceBlocked) {
    return resultFor(target, 'refused', `${BLOCKED_WARNING}; pass --force-blocked to flag it anyway`);
  }
  if (target.region === null) {
    return resultFor(target, 'refused', 'the report does not say which region the image is in (it came from "scan --input" without --region): name it with --image-ids and --region');
  }
  return undefined;
}

/** Returns "unset" for an unset `ImdsSupport`, else the value as given. */
export function imdsText(value: string | null | undefined): string {
  return value === null || value === undefined || value === '' ? 'unset' : value;
}

/** The decision on an image read again: flag it, or a result that ends it here. */
export type Decision = { kind: 'flag'; image: CurrentImage } | { kind: 'done'; result: FixResult };

/**
 * Returns what to do with a target, from the image as it is now (undefined: the region does not hold
 * it) and the caller's account id. The re-read decides, whatever the report said: an image changed
 * since the report is judged as it is. Refusals come first (not found, not the caller's, not
 * available), then "already `v2.0`", so that an image the caller may not change is never reported as
 * done by someone else's hand.
 */
export function decide(target: FixTarget, current: CurrentImage | undefined, callerAccountId: string): Decision {
  const done = (action: FixAction, reason: string, extra: Partial<FixResult> = {}): Decision => ({
    kind: 'done',
    result: resultFor({ ...target, ...(current ? { name: current.name } : {}) }, action, reason, { accountId: callerAccountId, ...extra }),
  });
  if (!current) return done('refused', `not found in ${target.region}: the image does not exist there, was deregistered, or is not visible to account ${callerAccountId}`);
  const before = { imdsSupportBefore: current.imdsSupport };
  if (current.ownerId !== callerAccountId) {
    const owner = current.ownerId ?? 'an unknown account';
    if (current.public) return done('refused', `a public image owned by ${owner}, not by account ${callerAccountId}: only its owner can set ImdsSupport`, before);
    return done('refused', `owned by ${owner}, not by account ${callerAccountId}: only the owner can set ImdsSupport (run fix with the owner's credentials)`, before);
  }
  if (current.state !== 'available') {
    return done('refused', `its state is ${current.state ?? 'unknown'}, not available: only an available image is flagged`, before);
  }
  if (current.imdsSupport === IMDS_V2) {
    const stale = target.reportedImdsSupport !== undefined && target.reportedImdsSupport !== IMDS_V2 ? ` (the report said ${imdsText(target.reportedImdsSupport)}: the image changed since it was made)` : '';
    return done('already', `ImdsSupport is already v2.0: nothing to do${stale}`, { ...before, imdsSupportAfter: current.imdsSupport });
  }
  return { kind: 'flag', image: current };
}

/** Returns the reason of an image that was flagged, or would be: with `--force-blocked` it says again what may break. */
export function flagReason(target: FixTarget, dryRun: boolean, readBack?: string | null): string {
  const what = dryRun
    ? 'dry run: EC2 would allow ImdsSupport=v2.0 (DryRunOperation); pass --apply to set it'
    : `ImdsSupport set to v2.0 and read back as ${imdsText(readBack)}`;
  return target.verdict === 'blocked' ? `${what}; forced with --force-blocked: ${BLOCKED_WARNING}` : what;
}

/** Which images of a report the command line selects. */
export interface Selection {
  /** `--only`: keep images whose verdict is one of these; images without a verdict stay, to be refused with a reason. */
  only?: readonly EvidenceVerdict[];
  /** `--region`: keep images in these regions. */
  regions?: readonly string[];
  /** `--image-ids`: keep these images. */
  imageIds?: readonly string[];
}

/**
 * Returns the targets the selection keeps, in their order, and how many it left out. An image
 * without a verdict is kept under `--only`: it is then refused with a reason (the report was made
 * without `--evidence`) rather than dropped without a word.
 */
export function selectTargets(targets: readonly FixTarget[], selection: Selection): { selected: FixTarget[]; notSelected: number } {
  const selected = targets.filter((target) => {
    if (selection.only && target.verdict && !selection.only.includes(target.verdict)) return false;
    if (selection.regions && selection.regions.length > 0 && (target.region === null || !selection.regions.includes(target.region))) return false;
    if (selection.imageIds && selection.imageIds.length > 0 && !selection.imageIds.includes(target.imageId)) return false;
    return true;
  });
  return { selected, notSelected: targets.length - selected.length };
}
