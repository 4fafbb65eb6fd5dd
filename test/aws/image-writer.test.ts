import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { EC2Client, EC2ServiceException, ModifyImageAttributeCommand } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { createAccountPorts } from '../../src/aws/accounts.js';
import { MUTATING_CALL_BUCKET, SdkImageWriter } from '../../src/aws/image-writer-sdk.js';
import { AwsCallError } from '../../src/errors.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const ec2 = mockClient(EC2Client);
const IMAGE = 'ami-0123456789abcdef0';

function ec2Error(name: string, httpStatusCode: number, message: string): EC2ServiceException {
  return new EC2ServiceException({ name, $fault: httpStatusCode >= 500 ? 'server' : 'client', $metadata: { httpStatusCode, attempts: 1 }, message });
}

function aWriter(): SdkImageWriter {
  return new SdkImageWriter(new EC2Client({ region: 'eu-west-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' }, maxAttempts: 1 }), { region: 'eu-west-1', maxAttempts: 1 });
}

async function rejection(promise: Promise<unknown>): Promise<AwsCallError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof AwsCallError, `expected an AwsCallError, got ${String(error)}`);
    return error;
  }
  return assert.fail('expected a rejection');
}

describe('SdkImageWriter', () => {
  beforeEach(() => ec2.reset());

  test('a dry run sends ImdsSupport=v2.0 with DryRun, and DryRunOperation means allowed', async () => {
    ec2.on(ModifyImageAttributeCommand).rejects(ec2Error('DryRunOperation', 412, 'Request would have succeeded, but DryRun flag is set.'));
    await aWriter().setImdsV2(IMAGE, true);
    assert.deepEqual(ec2.commandCalls(ModifyImageAttributeCommand)[0]!.args[0].input, { ImageId: IMAGE, ImdsSupport: { Value: 'v2.0' }, DryRun: true });
  });

  test('UnauthorizedOperation names the IAM permission and the image\'s ARN', async () => {
    ec2.on(ModifyImageAttributeCommand).rejects(ec2Error('UnauthorizedOperation', 403, 'You are not authorized to perform this operation.'));
    const error = await rejection(aWriter().setImdsV2(IMAGE, true));
    assert.equal(error.scanError.code, 'AccessDenied');
    assert.equal(
      error.message,
      `Not authorized to call ModifyImageAttribute on ${IMAGE} in eu-west-1 (UnauthorizedOperation): grant the IAM permission ec2:ModifyImageAttribute on arn:aws:ec2:eu-west-1::image/${IMAGE} (see "IAM policy for fix" in the README)`,
    );
  });

  test('AuthFailure (someone else\'s image) keeps its code; a dry run answered as a success is an error', async () => {
    ec2.on(ModifyImageAttributeCommand).rejects(ec2Error('AuthFailure', 401, `Not authorized for image:${IMAGE}`));
    assert.equal((await rejection(aWriter().setImdsV2(IMAGE, false))).scanError.code, 'AuthFailure');
    ec2.on(ModifyImageAttributeCommand).resolves({});
    assert.match((await rejection(aWriter().setImdsV2(IMAGE, true))).message, /without DryRunOperation/);
  });

  test('a write sends DryRun=false and resolves', async () => {
    ec2.on(ModifyImageAttributeCommand).resolves({});
    await aWriter().setImdsV2(IMAGE, false);
    assert.equal(ec2.commandCalls(ModifyImageAttributeCommand)[0]!.args[0].input.DryRun, false);
  });
});

test('an account has one writer per region, paced under EC2\'s documented bucket for mutating calls', () => {
  assert.deepEqual(MUTATING_CALL_BUCKET, { capacity: 50, refillPerSecond: 5 });
  const [account] = createAccountPorts({ profiles: [], roleArns: [] }, { maxAttempts: 1, retryMode: 'adaptive', requestTimeoutMs: 1000 }, 'us-east-1');
  assert.equal(account!.imageWriter('us-east-1'), account!.imageWriter('us-east-1'));
  assert.notEqual(account!.imageWriter('us-east-1'), account!.imageWriter('eu-west-1'));
  account!.destroy();
});
