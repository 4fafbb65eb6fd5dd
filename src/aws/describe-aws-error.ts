import { AmiAuditError, AwsCallError } from '../errors.js';
import type { ScanError } from '../core/types.js';

/** What went wrong where: enough to name the action and the permission in a message. */
export interface CallContext {
  action: string;
  region: string;
  imageId?: string;
  endpoint?: string;
}

interface SdkErrorLike {
  name?: string;
  message?: string;
  code?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
}

const CREDENTIAL_ERRORS = new Set(['ExpiredToken', 'ExpiredTokenException', 'InvalidClientTokenId', 'UnrecognizedClientException']);
const QUERY_ERRORS = new Set(['InvalidParameterValue', 'InvalidParameterCombination', 'InvalidFilter', 'InvalidAMIID.Malformed', 'InvalidParameter']);
const THROTTLING_ERRORS = new Set(['RequestLimitExceeded', 'Throttling', 'ThrottlingException', 'TooManyRequestsException']);
const TIMEOUT_ERRORS = new Set(['TimeoutError', 'RequestTimeout', 'AbortError', 'ETIMEDOUT']);

/**
 * Returns the error a failed SDK call stands for: an `AmiAuditError` when the fix is in the user's
 * configuration or query (it stops the whole scan, exit 2), otherwise an `AwsCallError` whose
 * `ScanError` marks the scan incomplete (exit 3). Messages name the action and, for a missing
 * permission, the IAM permission to grant. They never include credentials or request headers.
 */
export function describeAwsError(error: unknown, context: CallContext): AmiAuditError | AwsCallError {
  const sdkError = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorLike;
  const awsCode = sdkError.Code ?? sdkError.code ?? sdkError.name ?? 'Error';
  const awsMessage = firstLine(sdkError.message ?? String(error));
  const where = `${context.region}${context.imageId ? ` (${context.imageId})` : ''}`;
  const attempts = sdkError.$metadata?.attempts;
  const afterAttempts = attempts && attempts > 1 ? ` after ${attempts} attempts` : '';
  const scanError = (code: string, message: string): AwsCallError =>
    new AwsCallError(
      { code, message, region: context.region, action: context.action, awsCode, ...(context.imageId ? { imageId: context.imageId } : {}) },
      { cause: error },
    );

  if (sdkError.name === 'CredentialsProviderError' || /could not load credentials/i.test(awsMessage)) {
    return new AmiAuditError(
      'NoCredentials',
      'No AWS credentials found: set AWS_PROFILE or pass --profile, export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run "aws sso login"',
      { cause: error },
    );
  }
  if (CREDENTIAL_ERRORS.has(awsCode)) {
    return new AmiAuditError(
      'InvalidCredentials',
      `AWS rejected the credentials (${awsCode}): refresh them (for example "aws sso login") or choose another --profile`,
      { cause: error },
    );
  }
  if (QUERY_ERRORS.has(awsCode) && context.action === 'DescribeImages') {
    return new AmiAuditError(
      'Usage',
      `EC2 rejected the image query (${awsCode}: ${awsMessage}): check --filter names and values, --owners and --image-ids`,
      { cause: error },
    );
  }
  if (awsCode === 'UnauthorizedOperation' || awsCode === 'AccessDenied' || awsCode === 'AccessDeniedException') {
    return scanError(
      'AccessDenied',
      `Not authorized to call ${context.action} in ${where}: grant the IAM permission ec2:${context.action}`,
    );
  }
  if (awsCode === 'OptInRequired') {
    return scanError('OptInRequired', `Region ${context.region} is not enabled for this account (OptInRequired): enable it or leave it out of --region`);
  }
  if (awsCode === 'AuthFailure') {
    return scanError('AuthFailure', `AWS refused ${context.action} in ${where} (AuthFailure: ${awsMessage})`);
  }
  if (THROTTLING_ERRORS.has(awsCode)) {
    // Throttled calls wait (they spend no attempt) until the scan's --timeout: only more time or a
    // quieter account helps; fewer calls in flight or more attempts did not (see the README).
    return scanError('Throttled', `${context.action} in ${where} was still throttled when the scan stopped: throttled calls wait for as long as --timeout allows, so raise --timeout or scan when fewer callers share the account's EC2 request limits`);
  }
  if (TIMEOUT_ERRORS.has(awsCode) || /timed? ?out/i.test(awsMessage)) {
    return scanError('Timeout', `${context.action} in ${where} timed out${afterAttempts}: raise --request-timeout or check the network`);
  }
  if (awsCode.startsWith('InvalidAMIID')) {
    return scanError('NotFound', `${context.action} in ${where}: ${awsCode}: ${awsMessage}`);
  }
  const status = sdkError.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500) {
    return scanError('ServiceError', `${context.action} in ${where} failed${afterAttempts} with ${awsCode} (HTTP ${status})`);
  }
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|socket hang up/.test(`${awsCode} ${awsMessage}`)) {
    return scanError('NetworkError', `Could not reach EC2 for ${context.action} in ${context.region}${context.endpoint ? ` at ${context.endpoint}` : ''}: ${awsMessage}`);
  }
  return scanError('AwsError', `${context.action} in ${where} failed: ${awsCode}: ${awsMessage}`);
}

/** Returns the first line of a message, so an error stays one line. */
function firstLine(message: string): string {
  return message.split('\n', 1)[0]!.trim();
}

export type { ScanError };
