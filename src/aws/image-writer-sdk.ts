import { ModifyImageAttributeCommand, type EC2Client } from '@aws-sdk/client-ec2';
import type { ImageWriterPort } from '../core/ports.js';
import { reportCall, type ApiCallListener } from './client-config.js';
import { describeAwsError } from './describe-aws-error.js';
import type { BucketShape } from './token-bucket.js';
import { AwsCallError } from '../errors.js';

/**
 * EC2's bucket for mutating calls such as `ModifyImageAttribute`: 50 at once, then 5 a second (the
 * documented default; an account's own may be larger). The writer's client never sends faster, and
 * below it the adaptive rate limiter learns what EC2 actually grants, since other callers share it.
 */
export const MUTATING_CALL_BUCKET: BucketShape = { capacity: 50, refillPerSecond: 5 };

/** An `ImageWriterPort` backed by the AWS SDK for one region of one account. */
export class SdkImageWriter implements ImageWriterPort {
  readonly region: string;

  constructor(
    private readonly client: EC2Client,
    private readonly options: { region: string; endpoint?: string; maxAttempts?: number; onCall?: ApiCallListener },
  ) {
    this.region = options.region;
  }

  async setImdsV2(imageId: string, dryRun: boolean, signal?: AbortSignal): Promise<void> {
    const started = performance.now();
    try {
      const output = await this.client.send(new ModifyImageAttributeCommand({ ImageId: imageId, ImdsSupport: { Value: 'v2.0' }, DryRun: dryRun }), { abortSignal: signal });
      reportCall(this.options.onCall, { action: 'ModifyImageAttribute', region: this.region, started, imageId }, output);
    } catch (error) {
      reportCall(this.options.onCall, { action: 'ModifyImageAttribute', region: this.region, started, imageId }, error);
      // A dry run that would succeed is answered as an error: DryRunOperation is EC2's "allowed".
      if (dryRun && errorCode(error) === 'DryRunOperation') return;
      const described = describeAwsError(error, { action: 'ModifyImageAttribute', region: this.region, imageId, ...(this.options.endpoint ? { endpoint: this.options.endpoint } : {}), ...(this.options.maxAttempts ? { maxAttempts: this.options.maxAttempts } : {}) });
      if (described instanceof AwsCallError && described.scanError.awsCode === 'UnauthorizedOperation') {
        // The permission alone is not enough to act on: say which resource the policy must cover.
        throw new AwsCallError(
          { ...described.scanError, message: `Not authorized to call ModifyImageAttribute on ${imageId} in ${this.region} (UnauthorizedOperation): grant the IAM permission ec2:ModifyImageAttribute on arn:aws:ec2:${this.region}::image/${imageId} (see "IAM policy for fix" in the README)` },
          { cause: error },
        );
      }
      throw described;
    }
    // EC2 answers a dry run with an error whether or not it is allowed; a success means the endpoint ignored DryRun.
    if (dryRun) throw describeAwsError(new Error('EC2 answered a dry run without DryRunOperation: the endpoint may have made the change'), { action: 'ModifyImageAttribute', region: this.region, imageId });
  }
}

function errorCode(error: unknown): string | undefined {
  const sdkError = (typeof error === 'object' && error !== null ? error : {}) as { name?: string; Code?: string };
  return sdkError.Code ?? sdkError.name;
}
