/**
 * The fleet view of a scan (`--fleet`, `--evidence`): what launches from an image really get, who runs
 * it, and whether the software on those instances still calls IMDSv1. Plain data, like `core/types.ts`.
 */

/** `HttpTokens` of a launch: `required` means IMDSv2 only; `optional` lets IMDSv1 through. */
export type HttpTokens = 'required' | 'optional';

/** What decided `effectiveHttpTokens`: the image's `ImdsSupport` flag, or the account's metadata defaults. */
export type EffectiveSource = 'ami' | 'account-default';

/** The account's instance metadata defaults in one region (`GetInstanceMetadataDefaults`); null fields mean "no preference". */
export interface AccountImdsDefaults {
  accountId: string | null;
  region: string;
  /** `required`, `optional`, or null when the account states no preference. */
  httpTokens: string | null;
  httpPutResponseHopLimit: number | null;
  /** `enabled` refuses launches that would allow IMDSv1; null or `disabled` does not. */
  httpTokensEnforced: string | null;
  /** `account` or `declarative-policy` (an organization policy set it). */
  managedBy: string | null;
}

/** One instance that is not terminated, as `DescribeInstances` gave it. */
export interface InstanceSummary {
  instanceId: string;
  imageId: string;
  /** `pending`, `running`, `stopping` or `stopped`. */
  state: string;
  /** `MetadataOptions.HttpTokens`; null when EC2 gave none. */
  httpTokens: string | null;
}

/** A `$Latest` or `$Default` launch template version, as `DescribeLaunchTemplateVersions` gave it. */
export interface LaunchTemplateVersionRecord {
  id: string;
  name: string | null;
  version: number;
  isDefault: boolean;
  /** The image it launches: an id, an SSM reference (`resolve:ssm:...`), or null when it names none. */
  imageId: string | null;
  /** The template's own `MetadataOptions.HttpTokens`; null when it leaves it to the account and the image. */
  httpTokens: string | null;
}

/** A launch template version that launches an image. */
export interface LaunchTemplateUse {
  id: string;
  name: string | null;
  version: number;
  isDefault: boolean;
  isLatest: boolean;
  httpTokens: string | null;
}

/** Who runs an image now, and which launch templates launch it. */
export interface ImageUsage {
  /** Absent when the instances could not be listed (the error says why). */
  instances?: {
    total: number;
    running: number;
    /** Instances whose `MetadataOptions.HttpTokens` is `optional`. */
    imdsV1Allowed: number;
    /** The first 20 instance ids, in the order EC2 listed them. */
    ids: string[];
  };
  /** Absent when the launch templates could not be read (the error says why). */
  launchTemplates?: LaunchTemplateUse[];
}

export const EVIDENCE_VERDICTS = ['not-needed', 'blocked', 'safe-to-flag', 'untested'] as const;
/**
 * - `not-needed`: the image already has `ImdsSupport` v2.0;
 * - `blocked`: an instance launched from it made IMDSv1 calls in the window;
 * - `safe-to-flag`: an instance ran in the window without an IMDSv1 call, or runs with tokens required;
 * - `untested`: no instance to learn from.
 */
export type EvidenceVerdict = (typeof EVIDENCE_VERDICTS)[number];

/** What CloudWatch says of IMDSv1 use by the instances of one image. */
export interface ImageEvidence {
  verdict: EvidenceVerdict;
  /** Sum of `MetadataNoToken` over the window and the instances. */
  noTokenCalls: number;
  /** Sum of `MetadataNoTokenRejected`: IMDSv1 calls refused because tokens were required. */
  rejectedCalls: number;
  /** Instances with at least one datapoint in the window (an instance without datapoints proves nothing). */
  instancesObserved: number;
  windowDays: number;
  /** With `blocked`: the instances that made IMDSv1 calls (the first 20). */
  instancesCallingV1?: string[];
  /** Something the verdict alone does not say, such as refused IMDSv1 calls. */
  warning?: string;
}

/** The IMDSv1 calls CloudWatch recorded for one instance; null when it has no datapoint for that metric. */
export interface MetadataCallSums {
  noToken: number | null;
  rejected: number | null;
}

/** A remark on the fleet view that is not an error, such as a launch template whose image is an SSM parameter. */
export interface FleetNote {
  code: 'UnresolvedImageReference';
  message: string;
  accountId: string | null;
  region: string;
  launchTemplateId?: string;
  version?: number;
}

/** The fleet part of a summary. */
export interface FleetSummary {
  accountDefaults: AccountImdsDefaults[];
  instances: { total: number; running: number; imdsV1Allowed: number };
  /** Images with at least one instance that allows IMDSv1, most such instances first (the first 20). */
  imdsV1AllowedByImage: { imageId: string; accountId: string | null; region: string | null; instances: number }[];
  /** With `--evidence`: images by verdict. */
  byEvidence?: Record<EvidenceVerdict, number>;
  notes: FleetNote[];
}
