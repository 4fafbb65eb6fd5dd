/**
 * The plain data that flows through a scan. Nothing here knows about the AWS SDK or the terminal:
 * the AWS adapter turns SDK shapes into `ImageRecord`s, the core classifies them, renderers print them.
 */

import type { BaselineReport, BaselineState } from './baseline.js';
import type { EffectiveSource, FleetSummary, HttpTokens, ImageEvidence, ImageUsage } from './fleet/types.js';
import type { Suppressed, SuppressionReport } from './suppressions.js';

export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export type BootMode = 'legacy-bios' | 'uefi' | 'uefi-preferred';
/** The boot mode an instance gets from an image; `unknown` when it cannot be decided (see `effectiveBootMode`). */
export type EffectiveBootMode = BootMode | 'unknown';
export type Readiness = 'ready' | 'not-ready' | 'unknown';

/** One tag as EC2 gives it. */
export interface Tag {
  key: string;
  value: string;
}

/** An AMI as read from `DescribeImages` (or a saved `describe-images` document), in EC2's own terms. */
export interface ImageRecord {
  imageId: string;
  /** The region the image was listed in; null for a saved document read without `--region`. */
  region: string | null;
  /** The account that ran the scan (not the image owner); null when unknown, as in an offline scan. */
  accountId: string | null;
  name: string | null;
  description: string | null;
  ownerId: string | null;
  public: boolean;
  architecture: string | null;
  state: string | null;
  creationDate: string | null;
  deprecationTime: string | null;
  /** The raw `ImdsSupport` value: EC2 defines only `v2.0`; anything else is kept so it can be reported. */
  imdsSupport: string | null;
  bootMode: string | null;
  tpmSupport: string | null;
  tags: Tag[];
  /** The account's name in AWS Organizations, when the scan listed the organization (`--org`). */
  accountName?: string;
}

/** Attributes read one at a time with `DescribeImageAttribute`. */
export const IMAGE_ATTRIBUTES = [
  'description',
  'kernel',
  'ramdisk',
  'launchPermission',
  'productCodes',
  'blockDeviceMapping',
  'sriovNetSupport',
  'bootMode',
  'tpmSupport',
  'uefiData',
  'lastLaunchedTime',
  'imdsSupport',
  'deregistrationProtection',
] as const;
export type ImageAttributeName = (typeof IMAGE_ATTRIBUTES)[number];

/** Who may launch an image, from the `launchPermission` attribute. */
export interface LaunchPermission {
  group?: string;
  userId?: string;
  organizationArn?: string;
  organizationalUnitArn?: string;
}

/**
 * What `DescribeImageAttribute` said, by attribute. A value of null means "read, and unset";
 * a missing key means "not read".
 */
export interface ImageAttributes {
  imdsSupport?: string | null;
  bootMode?: string | null;
  tpmSupport?: string | null;
  uefiData?: string | null;
  launchPermission?: LaunchPermission[];
  /** Any other attribute, as the string EC2 gave (or a JSON rendering of a structure). */
  other?: Partial<Record<ImageAttributeName, string | null>>;
}

/** A failure to read one attribute of one image. */
export interface AttributeFailure {
  attribute: ImageAttributeName;
  error: ScanError;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  /** Set when an ignore-file entry covers the finding: it is reported, but does not count toward `--fail-on`. */
  suppressed?: Suppressed;
  /** With `--baseline`: how the finding compares with the previous report; `unchanged` ones do not count toward `--fail-on`. */
  baselineState?: BaselineState;
}

/** An image with its classification: the record the renderers and the JSON document use. */
export interface ClassifiedImage extends ImageRecord {
  imdsSupport: string | null;
  bootMode: string | null;
  effectiveBootMode: EffectiveBootMode;
  tpmSupport: string | null;
  readiness: Readiness;
  findings: Finding[];
  /** Attributes read with `DescribeImageAttribute`, when any were. */
  attributes?: Record<string, unknown>;

  // The fleet view (`--fleet`, `--evidence`): absent from a scan without it.
  /** What a plain launch gets: the image's flag under the account's metadata defaults; null when the defaults could not be read. */
  effectiveHttpTokens?: HttpTokens | null;
  effectiveSource?: EffectiveSource | null;
  /** Who runs the image now, and which launch templates launch it. */
  usage?: ImageUsage;
  /** With `--evidence`: whether instances launched from it still call IMDSv1. */
  evidence?: ImageEvidence;
}

/** Something that kept the scan from being complete. */
export interface ScanError {
  /** Stable code: `AccessDenied`, `Throttled`, `Timeout`, `ServiceError`, `NotFound`, `InvalidRequest`, ... */
  code: string;
  message: string;
  region?: string;
  accountId?: string;
  imageId?: string;
  action?: string;
  /** The error code EC2 answered with, when there was one. */
  awsCode?: string;
}

/**
 * A region that was deliberately not scanned, such as an opt-in region the account has not enabled;
 * or, with `region` "all", a whole account (one suspended or closed in the organization, or excluded).
 */
export interface SkippedRegion {
  accountId: string | null;
  region: string;
  reason: string;
  /** The account's name in AWS Organizations, when the organization was listed. */
  accountName?: string;
}

/** What to list: the `DescribeImages` parameters ami-audit passes through. */
export interface ImageQuery {
  owners: string[];
  executableUsers: string[];
  imageIds: string[];
  filters: { name: string; values: string[] }[];
  includeDeprecated: boolean;
  includeDisabled: boolean;
}

/** The regions one account scanned, under the name the user gave it and the id STS returned. */
export interface ScopeAccountRegions {
  account: string;
  /** Null when STS could not say. */
  accountId: string | null;
  regions: string[];
}

/** What a scan covered: the query, and where and how it ran. */
export interface ScanScope extends ImageQuery {
  source: 'aws' | 'file';
  /** The accounts as the user named them: profile names, role ARNs, or "default". */
  accounts: string[];
  /** The regions asked for: names, or ["all"]; without --region, each account's own region. */
  regions: string[];
  /** Which regions each account scanned (a live scan only): the plan, after duplicates and opt-in regions left out. */
  accountRegions?: ScopeAccountRegions[];
  checks: string[];
  attributes: ImageAttributeName[];
  input?: string;
  /** How the organization was listed and split (`--org`). */
  organization?: OrganizationScope;
  /** The reports `ami-audit merge` combined, and the shards among them. */
  merged?: MergedScope;
}

// --- Organizations (`--org`, `--shard`, `ami-audit merge`) ---

/** One part of a split organization scan: `index` of `count`, from 1 (`--shard 2/4`). */
export interface Shard {
  index: number;
  count: number;
}

/** What `--org` listed and chose. */
export interface OrganizationScope {
  /** The role assumed in each member account (`--org-role`). */
  role: string;
  /** The account whose credentials listed the organization: it is scanned with them, not through the role. */
  callerAccountId: string;
  /** Accounts the organization listed, in every state. */
  listed: number;
  /** Accounts chosen to scan, after `--accounts`, `--exclude-accounts`, `--shard` and their state. */
  selected: number;
  shard?: Shard;
}

/** What `ami-audit merge` read. */
export interface MergedScope {
  /** The reports, as named on the command line. */
  reports: string[];
  /** When the reports were shards of one split: how many there are, which were merged and which are missing. */
  shards?: { count: number; present: number[]; missing: number[] };
}

/** Image and finding counts: of a whole scan (`Summary`) or of one account (`AccountTotals`). */
export interface Totals {
  images: number;
  byReadiness: Record<Readiness, number>;
  /** Every finding, by severity. */
  bySeverity: Record<Severity, number>;
  /** The findings that count toward `--fail-on`: every finding but the suppressed ones and, with a baseline, the unchanged ones. */
  countedBySeverity: Record<Severity, number>;
  findings: number;
  /** Errors met: any of them makes the scan incomplete. */
  errors: number;
}

/** One account's totals in `summary.byAccount`. */
export interface AccountTotals extends Totals {
  /** The account's name in AWS Organizations, when known. */
  name?: string;
}

export interface Summary extends Totals {
  complete: boolean;
  /** What the ignore file did, when one was read. */
  suppressions?: SuppressionReport;
  /** The comparison with `--baseline`, when one was given. */
  baseline?: BaselineReport;
  /** With `--fleet` or `--evidence`: account defaults, instances that allow IMDSv1, images by evidence verdict. */
  fleet?: FleetSummary;
  /** Totals per account id (a live scan): accounts with no image are listed too. */
  byAccount?: Record<string, AccountTotals>;
}

export interface ScanResult {
  scannedAt: string;
  scope: ScanScope;
  /** Empty when the images were streamed (`--output ndjson`) instead of collected. */
  images: ClassifiedImage[];
  errors: ScanError[];
  skipped: SkippedRegion[];
  summary: Summary;
}
