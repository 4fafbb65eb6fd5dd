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
import type { Ec2Port, ImageQuery } from './ec2-port.js';
import type { ImageAttributeName, ImageAttributes, ImageRecord, LaunchPermission } from '../core/types.js';
import { AmiAuditError } from '../errors.js';

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
 * Returns the region the SDK resolves on its own (`AWS_REGION`, then the profile's `region`), or
 * throws the usage error that tells the user how to set one.
 */
export async function resolveDefaultRegion(profile: string | undefined): Promise<string> {
  const client = new EC2Client(profile ? { profile } : {});
  try {
    const region = await client.config.region();
    if (region) return region;
  } catch {
    // Falls through to the message below: the SDK's own says nothing about the CLI's options.
  } finally {
    client.destroy();
  }
  throw new AmiAuditError(
    'NoRegion',
    'No AWS region: pass --region <name> (or --region all), set AWS_REGION, or set region in your AWS profile',
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
  private readonly onCall: ApiCallListener | undefined;

  /**
   * `attributeClient`, when given, sends `DescribeImageAttribute`: EC2 throttles each action in a bucket
   * of its own, so each action gets a client whose rate limiter learns that action's rate.
   */
  constructor(
    client: EC2Client,
    options: { region: string; endpoint?: string; onCall?: ApiCallListener; attributeClient?: EC2Client },
  ) {
    this.client = client;
    this.attributeClient = options.attributeClient ?? client;
    this.region = options.region;
    this.endpoint = options.endpoint;
    this.onCall = options.onCall;
  }

  async *listImages(query: ImageQuery, signal?: AbortSignal): AsyncIterable<ImageRecord[]> {
    const input = describeImagesInput(query);
    // MaxResults cannot be combined with ImageIds: EC2 answers InvalidParameterCombination.
    if (query.imageIds.length === 0) input.MaxResults = MAX_PAGE_SIZE;
    // A loop of our own rather than the SDK's paginator: it takes the scan's abort signal.
    let nextToken: string | undefined;
    do {
      const started = performance.now();
      let output;
      try {
        output = await this.client.send(new DescribeImagesCommand({ ...input, ...(nextToken ? { NextToken: nextToken } : {}) }), { abortSignal: signal });
      } catch (error) {
        this.report('DescribeImages', started, error);
        throw describeAwsError(error, { action: 'DescribeImages', region: this.region, endpoint: this.endpoint });
      }
      this.report('DescribeImages', started, output);
      yield (output.Images ?? []).map((image) => imageRecordFromEc2(image, this.region, null));
      if (output.NextToken !== undefined && output.NextToken === nextToken) {
        throw describeAwsError(new Error(`EC2 returned the same NextToken twice (${output.NextToken})`), { action: 'DescribeImages', region: this.region });
      }
      nextToken = output.NextToken || undefined;
    } while (nextToken);
  }

  async readImageAttribute(imageId: string, attribute: ImageAttributeName, signal?: AbortSignal): Promise<ImageAttributes> {
    const started = performance.now();
    try {
      const output = await this.attributeClient.send(new DescribeImageAttributeCommand({ ImageId: imageId, Attribute: attribute }), { abortSignal: signal });
      this.report('DescribeImageAttribute', started, output, imageId);
      return attributeValue(output, attribute);
    } catch (error) {
      this.report('DescribeImageAttribute', started, error, imageId);
      throw describeAwsError(error, { action: 'DescribeImageAttribute', region: this.region, imageId, endpoint: this.endpoint });
    }
  }

  private report(action: string, started: number, outcome: unknown, imageId?: string): void {
    reportCall(this.onCall, { action, region: this.region, started, ...(imageId ? { imageId } : {}) }, outcome);
  }
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
