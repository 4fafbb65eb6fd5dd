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
  /** The account id, when it is known before any call (an account of the organization). */
  readonly accountId?: string;
  /** The account's name in AWS Organizations, when the organization was listed. */
  readonly name?: string;
  /** Called once the scan is done with the account: its clients and connections may go. */
  release?(): void;
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
