import { AmiAuditError } from '../errors.js';
import { SummaryCounter } from './summarize.js';
import type { BaselineReport } from './baseline.js';
import type { SuppressionReport } from './suppressions.js';
import type { ClassifiedImage, ScanError, ScanResult, ScanScope, Summary } from './types.js';

/** One saved report, whole: every image with every field it has, known to this version or not. */
export interface ReportPart extends ScanResult {
  /** The file, as the user named it, for messages. */
  source: string;
}

/** A merged report, and what the merge has to say about its parts. */
export interface MergeOutcome {
  result: ScanResult;
  /** Lines for stderr: images listed in two reports, reports scanned with different settings. */
  warnings: string[];
}

/** The settings two reports must share to be one report: what was listed and what was checked. */
const QUERY_FIELDS = ['owners', 'executableUsers', 'imageIds', 'filters', 'includeDeprecated', 'includeDisabled', 'checks'] as const;

/**
 * Returns one report made of several (the shards of an organization scan, or scans of different
 * accounts): images, errors and skipped entries put together, the summary counted again from the
 * images. It is complete only when every part was and, for shards, none is missing: each missing
 * shard is an error, so the gate cannot pass an organization that was not all read. Shards of
 * different splits, or one shard twice, are refused (`Usage`).
 */
export function mergeReports(parts: readonly ReportPart[]): MergeOutcome {
  if (parts.length === 0) throw new AmiAuditError('Usage', 'merge needs at least one report');
  const warnings: string[] = [];
  const shards = shardsOf(parts);
  const errors: ScanError[] = parts.flatMap((part) => part.errors);
  for (const index of shards?.missing ?? []) {
    errors.push({ code: 'MissingShard', message: `Shard ${index}/${shards!.count} is missing from the merge: its accounts were not read (merge the report of every shard)` });
  }
  // The fleet view's region facts (account defaults, notes) are in the parts' summaries only; its
  // per-image totals are counted again from the images, like the rest.
  const fleets = parts.map((part) => part.summary.fleet).filter((fleet) => fleet !== undefined);
  const counter = new SummaryCounter(fleets.length > 0 ? { fleet: { evidence: fleets.some((fleet) => fleet.byEvidence !== undefined) } } : {});
  for (const fleet of fleets) {
    for (const defaults of fleet.accountDefaults) counter.fleet!.addDefaults(defaults);
    for (const note of fleet.notes) counter.fleet!.addNote(note);
  }
  // Accounts with no image are in the parts' totals only.
  for (const part of parts) for (const [id, totals] of Object.entries(part.summary.byAccount ?? {})) counter.addAccount(id, totals.name);
  const seen = new Set<string>();
  const images: ClassifiedImage[] = [];
  let repeated = 0;
  for (const part of parts) {
    for (const image of part.images) {
      const key = JSON.stringify([image.accountId ?? '', image.region ?? '', image.imageId]);
      if (seen.has(key)) {
        repeated += 1;
        continue;
      }
      seen.add(key);
      images.push(image);
      counter.add(image);
    }
  }
  if (repeated > 0) warnings.push(`${repeated} image${repeated === 1 ? ' was' : 's were'} in more than one report: each is kept once, as the first report has it`);
  const first = parts[0]!;
  for (const field of QUERY_FIELDS) {
    const differs = parts.find((part) => JSON.stringify(part.scope[field]) !== JSON.stringify(first.scope[field]));
    if (differs) warnings.push(`${differs.source} was scanned with other ${field} than ${first.source}: the merged report mixes them`);
  }
  const summary: Summary = counter.summary(errors);
  summary.complete = summary.complete && parts.every((part) => part.summary.complete);
  const suppressions = mergeSuppressions(parts.map((part) => part.summary.suppressions));
  if (suppressions) summary.suppressions = suppressions;
  const baseline = mergeBaselines(parts.map((part) => part.summary.baseline), images);
  if (baseline) summary.baseline = baseline;
  return {
    result: {
      scannedAt: parts.map((part) => part.scannedAt).sort()[0]!,
      scope: mergeScopes(parts, shards),
      images,
      errors,
      skipped: parts.flatMap((part) => part.skipped),
      summary,
    },
    warnings,
  };
}

interface ShardSet {
  count: number;
  present: number[];
  missing: number[];
}

/** Returns which shards of one split the parts are, and which are missing; undefined when no part is a shard. */
function shardsOf(parts: readonly ReportPart[]): ShardSet | undefined {
  const sharded = parts.filter((part) => part.scope.organization?.shard);
  if (sharded.length === 0) return undefined;
  const whole = parts.find((part) => !part.scope.organization?.shard);
  if (whole) throw new AmiAuditError('Usage', `${whole.source} is not a shard, and ${sharded[0]!.source} is: merge the shards of one --shard split, or reports of separate scans`);
  const count = sharded[0]!.scope.organization!.shard!.count;
  const bySource = new Map<number, string>();
  for (const part of sharded) {
    const shard = part.scope.organization!.shard!;
    if (shard.count !== count) throw new AmiAuditError('Usage', `${part.source} is shard ${shard.index}/${shard.count} and ${sharded[0]!.source} is of ${count} shards: merge the shards of one split`);
    const other = bySource.get(shard.index);
    if (other !== undefined) throw new AmiAuditError('Usage', `${other} and ${part.source} are both shard ${shard.index}/${count}: give each shard's report once`);
    bySource.set(shard.index, part.source);
  }
  const present = [...bySource.keys()].sort((a, b) => a - b);
  const missing = Array.from({ length: count }, (_, index) => index + 1).filter((index) => !bySource.has(index));
  return { count, present, missing };
}

/** Returns the scope of the merged report: the union of what the parts covered. */
function mergeScopes(parts: readonly ReportPart[], shards: ShardSet | undefined): ScanScope {
  const union = (values: string[][]): string[] => [...new Set(values.flat())];
  const first = parts[0]!.scope;
  const { organization: _organization, merged: _merged, input: _input, accountRegions: _accountRegions, ...rest } = first;
  const accountRegions = parts.flatMap((part) => part.scope.accountRegions ?? []);
  const organizations = parts.map((part) => part.scope.organization).filter((organization) => organization !== undefined);
  const scope: ScanScope = {
    ...rest,
    source: parts.some((part) => part.scope.source === 'aws') ? 'aws' : first.source,
    accounts: union(parts.map((part) => part.scope.accounts)),
    regions: union(parts.map((part) => part.scope.regions)),
    attributes: [...new Set(parts.flatMap((part) => part.scope.attributes))],
    ...(accountRegions.length > 0 ? { accountRegions } : {}),
  };
  if (organizations.length > 0) {
    const { shard: _shard, ...organization } = organizations[0]!;
    scope.organization = { ...organization, selected: organizations.reduce((total, each) => total + each.selected, 0) };
  }
  scope.merged = { reports: parts.map((part) => part.source), ...(shards ? { shards } : {}) };
  return scope;
}

/**
 * Returns the ignore file's report over all parts (they read the same file): findings suppressed in
 * any part, entries expired or broken as each part says, and entries unused only when no part used them.
 */
function mergeSuppressions(reports: (SuppressionReport | undefined)[]): SuppressionReport | undefined {
  const present = reports.filter((report) => report !== undefined);
  if (present.length === 0) return undefined;
  const usedSomewhere = (index: number): boolean => present.some((report) => !report.unused.some((entry) => entry.index === index));
  return {
    applied: present.reduce((total, report) => total + report.applied, 0),
    expired: present[0]!.expired,
    invalid: present[0]!.invalid,
    unused: present[0]!.unused.filter((entry) => !usedSomewhere(entry.index)),
  };
}

/**
 * Returns the baseline comparison over all parts, counted again from the images. The baseline's own
 * findings that no part met (`absent`) follow from any one part, as every part compared with the same
 * baseline: its absent and met findings add up to the baseline, from which the findings all parts met are taken.
 */
function mergeBaselines(reports: (BaselineReport | undefined)[], images: readonly ClassifiedImage[]): BaselineReport | undefined {
  if (reports.length === 0 || reports.some((report) => report === undefined)) return undefined;
  const counts = { new: 0, unchanged: 0, updated: 0 };
  for (const image of images) for (const finding of image.findings) if (finding.baselineState) counts[finding.baselineState] += 1;
  const first = reports[0]!;
  const baselineSize = first.absent + first.unchanged + first.updated;
  return { ...counts, absent: Math.max(0, baselineSize - counts.unchanged - counts.updated) };
}
