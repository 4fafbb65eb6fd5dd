import {
  DescribeImageAttributeCommand,
  DescribeImagesCommand,
  EC2Client,
  type DescribeImagesCommandInput,
  type EC2ClientConfig,
  type ImageAttribute,
  type LaunchPermission as SdkLaunchPermission,
} from '@aws-sdk/client-ec2';
import { ATTRIBUTE_OUTPUT_MEMBER } from './attribute-names.js';
import { describeAwsError } from './describe-aws-error.js';
import { imageRecordFromEc2 } from './image-record.js';
import { ThrottleTolerantRetryStrategy, type SendGate } from './throttle-tolerant-retry-strategy.js';
import { reportCall, type ApiCallListener, type AwsClientSettings } from './client-config.js';
import type { Ec2Port, ImageQuery } from '../core/ports.js';
import type { ImageAttributeName, ImageAttributes, ImageRecord, LaunchPermission, ScanError } from '../core/types.js';
import { AmiAuditError } from '../errors.js';
import { stripControlSequences } from '../render/sanitize.js';
import { readSharedConfig, regionFor } from './shared-config.js';

/** Credentials as the SDK's clients take them: static keys or a provider (a profile, an assumed role). */
export type Credentials = NonNullable<EC2ClientConfig['credentials']>;

/** `DescribeImages` returns at most 1,000 images a page: the fewest calls for a large estate. */
export const MAX_PAGE_SIZE = 1000;

/**
 * Returns an EC2 client for one region, configured from the user's settings. Its retries treat a
 * throttled answer as "wait" rather than as a failed attempt; `pacing.ceiling` caps its send rate and
 * `pacing.stop` ends its waits when the client is no longer needed.
 */
export function createEc2Client(
  settings: AwsClientSettings,
  region: string,
  credentials?: Credentials,
  pacing: { ceiling?: SendGate; stop?: AbortSignal } = {},
): EC2Client {
  return new EC2Client({
    region,
    ...(credentials ? { credentials } : settings.profile ? { profile: settings.profile } : {}),
    ...(settings.endpointUrl ? { endpoint: settings.endpointUrl } : {}),
    maxAttempts: settings.maxAttempts,
    retryStrategy: new ThrottleTolerantRetryStrategy({ maxAttempts: settings.maxAttempts, mode: settings.retryMode, ...pacing }),
    // Without throwOnRequestTimeout the SDK only logs a warning and a hung connection can stall the
    // scan for minutes (see the EC2 notes in the README).
    requestHandler: {
      requestTimeout: settings.requestTimeoutMs,
      throwOnRequestTimeout: true,
      connectionTimeout: Math.min(settings.requestTimeoutMs, 10_000),
    },
  });
}

/**
 * Returns the region a profile (or, when undefined, `AWS_PROFILE` or the default profile) brings, as
 * the AWS CLI chooses it: `AWS_REGION`, then `AWS_DEFAULT_REGION`, then the profile's `region`; or
 * throws the usage error that tells the user how to set one. The SDK alone ignores `AWS_DEFAULT_REGION`.
 */
export async function resolveDefaultRegion(profile: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const region = regionFor(profile, await readSharedConfig(env), env);
  if (region) return region;
  throw noRegionError(profile);
}

/** The usage error for an account without a region, naming the profile when there is one. */
export function noRegionError(profile: string | undefined): AmiAuditError {
  return new AmiAuditError(
    'NoRegion',
    `No AWS region${profile ? ` for profile "${stripControlSequences(profile)}"` : ''}: pass --region <name> (or --region all), set AWS_REGION or AWS_DEFAULT_REGION, or set region in ${profile ? 'that' : 'your AWS'} profile`,
  );
}

/** Returns the `DescribeImages` input for a query. */
export function describeImagesInput(query: ImageQuery): DescribeImagesCommandInput {
  const input: DescribeImagesCommandInput = {};
  if (query.owners.length > 0) input.Owners = query.owners;
  if (query.executableUsers.length > 0) input.ExecutableUsers = query.executableUsers;
  if (query.imageIds.length > 0) input.ImageIds = query.imageIds;
  if (query.filters.length > 0) input.Filters = query.filters.map((filter) => ({ Name: filter.name, Values: filter.values }));
  if (query.includeDeprecated) input.IncludeDeprecated = true;
  if (query.includeDisabled) input.IncludeDisabled = true;
  return input;
}

/** An `Ec2Port` backed by the AWS SDK for one region (and one set of credentials). */
export class SdkEc2Port implements Ec2Port {
  readonly region: string;
  private readonly client: EC2Client;
  private readonly attributeClient: EC2Client;
  private readonly endpoint: string | undefined;
  private readonly maxAttempts: number | undefined;
  private readonly onCall: ApiCallListener | undefined;

  /**
   * `attributeClient`, when given, sends `DescribeImageAttribute`: EC2 throttles each action in a bucket
   * of its own, so each action gets a client whose rate limiter learns that action's rate.
   */
  constructor(
    client: EC2Client,
    options: { region: string; endpoint?: string; maxAttempts?: number; onCall?: ApiCallListener; attributeClient?: EC2Client },
  ) {
    this.client = client;
    this.attributeClient = options.attributeClient ?? client;
    this.region = options.region;
    this.endpoint = options.endpoint;
    this.maxAttempts = options.maxAttempts;
    this.onCall = options.onCall;
  }

  async *listImages(query: ImageQuery, signal?: AbortSignal, onNotFound?: (error: ScanError) => void): AsyncIterable<ImageRecord[]> {
    const input = describeImagesInput(query);
    // MaxResults cannot be combined with ImageIds: EC2 answers InvalidParameterCombination.
    if (query.imageIds.length === 0) input.MaxResults = MAX_PAGE_SIZE;
    // A loop of our own rather than the SDK's paginator: it takes the scan's abort signal.
    let nextToken: string | undefined;
    for (;;) {
      const started = performance.now();
      let output;
      try {
        output = await this.client.send(new DescribeImagesCommand({ ...input, ...(nextToken ? { NextToken: nextToken } : {}) }), { abortSignal: signal });
      } catch (error) {
        this.report('DescribeImages', started, error);
        // One unknown id fails the whole call; EC2's message names the missing ids, so ask again
        // without them and report each one, rather than lose every image that does exist.
        const missing = nextToken === undefined && onNotFound ? missingImageIds(error, input.ImageIds ?? []) : [];
        if (missing.length === 0) throw describeAwsError(error, { action: 'DescribeImages', region: this.region, endpoint: this.endpoint, maxAttempts: this.maxAttempts });
        for (const imageId of missing) {
          onNotFound!({
            code: 'NotFound',
            message: `Image ${imageId} was not found in ${this.region}: check the id and the region (InvalidAMIID.NotFound)`,
            region: this.region,
            imageId,
            action: 'DescribeImages',
            awsCode: 'InvalidAMIID.NotFound',
          });
        }
        input.ImageIds = input.ImageIds!.filter((id) => !missing.includes(id));
        if (input.ImageIds.length === 0) return;
        continue;
      }
      this.report('DescribeImages', started, output);
      yield (output.Images ?? []).map((image) => imageRecordFromEc2(image, this.region, null));
      if (output.NextToken !== undefined && output.NextToken === nextToken) {
        throw describeAwsError(new Error(`EC2 returned the same NextToken twice (${output.NextToken})`), { action: 'DescribeImages', region: this.region });
      }
      nextToken = output.NextToken || undefined;
      if (!nextToken) return;
    }
  }

  async readImageAttribute(imageId: string, attribute: ImageAttributeName, signal?: AbortSignal): Promise<ImageAttributes> {
    const started = performance.now();
    try {
      const output = await this.attributeClient.send(new DescribeImageAttributeCommand({ ImageId: imageId, Attribute: attribute }), { abortSignal: signal });
      this.report('DescribeImageAttribute', started, output, imageId);
      return attributeValue(output, attribute);
    } catch (error) {
      this.report('DescribeImageAttribute', started, error, imageId);
      throw describeAwsError(error, { action: 'DescribeImageAttribute', region: this.region, imageId, endpoint: this.endpoint, maxAttempts: this.maxAttempts });
    }
  }

  private report(action: string, started: number, outcome: unknown, imageId?: string): void {
    reportCall(this.onCall, { action, region: this.region, started, ...(imageId ? { imageId } : {}) }, outcome);
  }
}

/**
 * Returns the requested image ids that an `InvalidAMIID.NotFound` error names ("The image id
 * '[ami-1, ami-2]' does not exist"); empty for any other error. Only ids that were asked for count:
 * the message is the server's text and is not trusted further than that.
 */
export function missingImageIds(error: unknown, requested: readonly string[]): string[] {
  const sdkError = (typeof error === 'object' && error !== null ? error : {}) as { name?: string; Code?: string; message?: string };
  if ((sdkError.Code ?? sdkError.name) !== 'InvalidAMIID.NotFound' || typeof sdkError.message !== 'string') return [];
  const named = new Set(sdkError.message.match(/ami-[0-9a-f]+/g) ?? []);
  return requested.filter((id) => named.has(id));
}

/**
 * Returns what one `DescribeImageAttribute` answer says. EC2 sends an unset attribute as an empty
 * element, which the SDK turns into `{}`: that is "unset" (null), not an error.
 */
export function attributeValue(output: ImageAttribute, attribute: ImageAttributeName): ImageAttributes {
  const member = ATTRIBUTE_OUTPUT_MEMBER[attribute];
  const raw = (output as Record<string, unknown>)[member];
  switch (attribute) {
    case 'imdsSupport':
    case 'bootMode':
    case 'tpmSupport':
    case 'uefiData':
      return { [attribute]: scalar(raw) };
    case 'launchPermission':
      return { launchPermission: ((raw as SdkLaunchPermission[] | undefined) ?? []).map(launchPermission) };
    default:
      return { other: { [attribute]: Array.isArray(raw) ? JSON.stringify(raw) : scalar(raw) } };
  }
}

function scalar(raw: unknown): string | null {
  const value = (raw as { Value?: unknown } | undefined)?.Value;
  return value === undefined || value === null || value === '' ? null : String(value);
}

function launchPermission(permission: SdkLaunchPermission): LaunchPermission {
  const result: LaunchPermission = {};
  if (permission.Group) result.group = permission.Group;
  if (permission.UserId) result.userId = permission.UserId;
  if (permission.OrganizationArn) result.organizationArn = permission.OrganizationArn;
  if (permission.OrganizationalUnitArn) result.organizationalUnitArn = permission.OrganizationalUnitArn;
  return result;
}
