import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { describeAwsError, retriesStoppedBy } from '../../src/aws/describe-aws-error.js';
import { AwsCallError, isAmiAuditError } from '../../src/errors.js';

/** An error shaped as the SDK throws it: name/Code, message, $metadata. */
function sdkError(code: string, message: string, metadata: { httpStatusCode?: number; attempts?: number } = {}): Error {
  return Object.assign(new Error(message), { name: code, Code: code, $metadata: metadata });
}

/** The `ScanError` message describeAwsError makes of an error (it must not stop the whole scan). */
function scanMessage(error: Error, context: Parameters<typeof describeAwsError>[1]): string {
  const described = describeAwsError(error, context);
  assert.ok(described instanceof AwsCallError, `expected a scan error, got ${described.message}`);
  return described.scanError.message;
}

describe('describeAwsError: a role that cannot be assumed', () => {
  test('names sts:AssumeRole, the role, the caller and the trust policy, not ec2:DescribeImages', () => {
    // GIVEN STS's refusal, surfacing through the DescribeImages call that needed the credentials
    const error = sdkError('AccessDenied', 'User: arn:aws:iam::111122223333:user/ci is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::999999999999:role/audit', { httpStatusCode: 403, attempts: 1 });
    // WHEN it is described
    const message = scanMessage(error, { action: 'DescribeImages', region: 'us-east-1', maxAttempts: 10 });
    // THEN
    assert.equal(
      message,
      "Could not assume role arn:aws:iam::999999999999:role/audit: AccessDenied: grant sts:AssumeRole on it to arn:aws:iam::111122223333:user/ci, and check the role's trust policy (and --external-id)",
    );
    assert.doesNotMatch(message, /ec2:/);
  });

  test('an EC2 refusal still names the EC2 permission', () => {
    const message = scanMessage(sdkError('UnauthorizedOperation', 'You are not authorized to perform this operation.', { httpStatusCode: 403 }), { action: 'DescribeImageAttribute', region: 'eu-west-1' });
    assert.match(message, /grant the IAM permission ec2:DescribeImageAttribute$/);
  });
});

describe('describeAwsError: which limit stopped the retries', () => {
  test('fewer attempts than --max-attempts: the SDK retry quota ran out', () => {
    const message = scanMessage(sdkError('InternalError', 'An internal error has occurred', { httpStatusCode: 500, attempts: 2 }), { action: 'DescribeImages', region: 'eu-west-1', maxAttempts: 10 });
    assert.equal(message, "DescribeImages in eu-west-1 failed after 2 attempts (the SDK's retry quota for this region ran out after many failed calls, before --max-attempts 10) with InternalError (HTTP 500)");
  });

  test('every attempt used: --max-attempts', () => {
    const message = scanMessage(sdkError('Unavailable', 'overloaded', { httpStatusCode: 503, attempts: 3 }), { action: 'DescribeImages', region: 'eu-west-1', maxAttempts: 3 });
    assert.equal(message, 'DescribeImages in eu-west-1 failed after 3 attempts (--max-attempts 3) with Unavailable (HTTP 503)');
  });

  test('a timeout and a network error say the same', () => {
    const timeout = Object.assign(new Error('Request timed out'), { name: 'TimeoutError', $metadata: { attempts: 1 } });
    assert.match(scanMessage(timeout, { action: 'DescribeImageAttribute', region: 'us-east-1', imageId: 'ami-1', maxAttempts: 10 }), /timed out after 1 attempt \(the SDK's retry quota .* before --max-attempts 10\): raise --request-timeout/);
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED', $metadata: { attempts: 4 } });
    assert.match(scanMessage(refused, { action: 'DescribeImages', region: 'us-east-1', maxAttempts: 4 }), /after 4 attempts \(--max-attempts 4\): connect ECONNREFUSED/);
  });

  test('a status the SDK does not retry claims no limit', () => {
    const message = scanMessage(sdkError('NotImplemented', 'no', { httpStatusCode: 501, attempts: 1 }), { action: 'DescribeImages', region: 'us-east-1', maxAttempts: 10 });
    assert.equal(message, 'DescribeImages in us-east-1 failed with NotImplemented (HTTP 501)');
  });

  test('retriesStoppedBy without a known limit only counts the attempts', () => {
    assert.equal(retriesStoppedBy(3, undefined), ' after 3 attempts');
    assert.equal(retriesStoppedBy(1, undefined), '');
    assert.equal(retriesStoppedBy(undefined, 10), '');
  });
});

describe('describeAwsError: no credential in a message', () => {
  const token = 'IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDexample+token/value==';
  const signature = 'fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024';
  const echo = `Bad request; headers: {"authorization":"AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261128/us-east-1/ec2/aws4_request, SignedHeaders=host;x-amz-date, Signature=${signature}","x-amz-security-token":"${token}"}`;

  test('an error message that echoes the request headers is stored redacted (errors[].message)', () => {
    const message = scanMessage(sdkError('InvalidRequest', echo, { httpStatusCode: 400 }), { action: 'DescribeImages', region: 'us-east-1' });
    for (const secret of [token, signature, 'AKIAIOSFODNN7EXAMPLE']) assert.ok(!message.includes(secret), message);
    assert.match(message, /^DescribeImages in us-east-1 failed: InvalidRequest: Bad request; headers: /);
  });

  test('a rejected query quoting the headers is a usage error, redacted too', () => {
    const described = describeAwsError(sdkError('InvalidParameterValue', echo), { action: 'DescribeImages', region: 'us-east-1' });
    assert.ok(isAmiAuditError(described));
    assert.ok(!described.message.includes(token) && !described.message.includes(signature), described.message);
  });

  test('the password of --endpoint-url is not repeated', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const message = scanMessage(refused, { action: 'DescribeImages', region: 'us-east-1', endpoint: 'http://user:PASSWORD@127.0.0.1:1' });
    assert.equal(message, 'Could not reach EC2 for DescribeImages in us-east-1 at http://user:***@127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1');
  });
});
