import type { AccountImdsDefaults, InstanceSummary, LaunchTemplateVersionRecord, MetadataCallSums } from './fleet/types.js';
import type { ImageAttributeName, ImageAttributes, ImageQuery, ImageRecord, ScanError } from './types.js';

export type { ImageQuery };

/** A region as `DescribeRegions` (with `AllRegions`) describes it for one account. */
export interface RegionInfo {
  name: string;
  /** `opt-in-not-required`, `opted-in` or `not-opted-in`. */
  optInStatus: string;
}

/**
 * The EC2 operations a scan needs, in one region of one account. The SDK adapter implements it; tests
 * may fake it. Every method throws `AwsCallError` for an AWS failure after retries, or `AmiAuditError`
 * for a configuration problem (no credentials) that no other region can do better with.
 */
export interface Ec2Port {
  readonly region: string;
  /**
   * Yields the images page by page, following every `NextToken`. Image ids of the query that the
   * region does not hold are passed to `onNotFound` (one `NotFound` error each) and the rest are
   * still listed; without the hook they fail the listing.
   */
  listImages(query: ImageQuery, signal?: AbortSignal, onNotFound?: (error: ScanError) => void): AsyncIterable<ImageRecord[]>;
  /** Reads one attribute of one image: the part of `ImageAttributes` that attribute fills. */
  readImageAttribute(imageId: string, attribute: ImageAttributeName, signal?: AbortSignal): Promise<ImageAttributes>;
}

/** One account to scan, with the credentials the user chose for it (a profile, a role, or the default chain). */
export interface AccountPort {
  /** How the user named it: a profile name, a role ARN, or "default". */
  readonly label: string;
  /**
   * The account's own region (`AWS_REGION`, `AWS_DEFAULT_REGION` or its profile's `region`): the one
   * scanned when the request names none. Absent when the account has none.
   */
  readonly homeRegion?: string;
  /** Returns the account id (STS `GetCallerIdentity`). */
  identify(signal?: AbortSignal): Promise<string>;
  /** Returns every region with its opt-in status for this account (`DescribeRegions` with `AllRegions`). */
  listRegions(signal?: AbortSignal): Promise<RegionInfo[]>;
  /** Returns the EC2 port for one region. */
  ec2(region: string): Ec2Port;
  /** Returns the fleet port for one region: needed only by a scan that reads the fleet view (`--fleet`, `--evidence`). */
  fleet?(region: string): FleetPort;
  /** The account id, when it is known before any call (an account of the organization). */
  readonly accountId?: string;
  /** The account's name in AWS Organizations, when the organization was listed. */
  readonly name?: string;
  /** Called once the scan is done with the account: its clients and connections may go. */
  release?(): void;
}

/** The time window of an evidence query. */
export interface MetricWindow {
  start: Date;
  end: Date;
}

/**
 * The reads of the fleet view, in one region of one account: EC2's metadata defaults, instances and
 * launch templates, and CloudWatch's IMDS metrics. Failures throw like `Ec2Port`'s.
 */
export interface FleetPort {
  readonly region: string;
  /** `GetInstanceMetadataDefaults`: the account's defaults (without `accountId`, which the core knows). */
  metadataDefaults(signal?: AbortSignal): Promise<Omit<AccountImdsDefaults, 'accountId' | 'region'>>;
  /**
   * `DescribeInstances` of the instances that are not terminated, page by page (1,000 a call); with
   * `imageIds` (at most 200, EC2's limit on filter values), only those images' instances.
   */
  listInstances(imageIds: readonly string[] | undefined, signal?: AbortSignal): AsyncIterable<InstanceSummary[]>;
  /** `DescribeLaunchTemplateVersions` of `$Latest` and `$Default` of every launch template, page by page. */
  listLaunchTemplateVersions(signal?: AbortSignal): AsyncIterable<LaunchTemplateVersionRecord[]>;
  /**
   * One `GetMetricData` (following its `NextToken`) for the sums of `MetadataNoToken` and
   * `MetadataNoTokenRejected` of these instances over the window: at most 250 instances, two queries
   * each, the 500 queries EC2's CloudWatch allows a call.
   */
  metadataCalls(instanceIds: readonly string[], window: MetricWindow, signal?: AbortSignal): Promise<Map<string, MetadataCallSums>>;
}

/**
 * The one write `ami-audit fix` makes, in one region of one account: kept apart from `Ec2Port`, which
 * only reads, so that nothing but `fix` holds a way to change an image.
 */
export interface ImageWriterPort {
  readonly region: string;
  /**
   * Sets `ImdsSupport=v2.0` on an image (`ModifyImageAttribute`). With `dryRun` nothing changes: it
   * resolves when EC2 answers `DryRunOperation` (the call would be allowed). Throws `AwsCallError`
   * otherwise: `AccessDenied` for `UnauthorizedOperation` (its message names the IAM permission),
   * `AuthFailure` for an image the caller may not change.
   */
  setImdsV2(imageId: string, dryRun: boolean, signal?: AbortSignal): Promise<void>;
}

/** One account `ami-audit fix` acts in: who it is, how to read its images again, and how to write. */
export interface FixAccountPort {
  readonly label: string;
  /** The account's own region: where `--image-ids` look when `--region` names none. */
  readonly homeRegion?: string;
  /** Returns the account id (STS `GetCallerIdentity`). */
  identify(signal?: AbortSignal): Promise<string>;
  /** Returns the EC2 port for one region, to read images again before and after the change. */
  ec2(region: string): Ec2Port;
  /** Returns the writer for one region, paced for EC2's bucket of mutating calls. */
  imageWriter(region: string): ImageWriterPort;
}

/** An account as AWS Organizations `ListAccounts` describes it. */
export interface OrganizationAccount {
  id: string;
  name: string | null;
  /** `ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE`, `CLOSED`, ... (the `State` field; the older `Status` is retired). */
  state: string;
}

/** An organization, listed with the credentials of its management account or of a delegated administrator. */
export interface OrganizationPort {
  /** Returns the account id of the credentials that list the organization (STS `GetCallerIdentity`). */
  callerAccountId(signal?: AbortSignal): Promise<string>;
  /** Yields the organization's accounts page by page (`ListAccounts`), following every `NextToken`, through empty pages. */
  listAccounts(signal?: AbortSignal): AsyncIterable<OrganizationAccount[]>;
}
