import { AmiAuditError, AwsCallError } from '../errors.js';
import type { ScanError } from '../core/types.js';
import { redactSecrets, redactUrl } from '../redact-secrets.js';

/** What went wrong where: enough to name the action and the permission in a message. */
export interface CallContext {
  action: string;
  region: string;
  imageId?: string;
  /** The service of the action, for the IAM permission a refusal names (default `ec2`). */
  service?: 'ec2' | 'cloudwatch' | 'sts' | 'organizations';
  endpoint?: string;
  /** The client's `--max-attempts`: tells a spent attempt limit from a spent SDK retry quota. */
  maxAttempts?: number;
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
const LOCAL_TIMEOUTS = new Set(['TimeoutError', 'AbortError', 'ETIMEDOUT']);

const SERVICE_NAMES = { ec2: 'EC2', cloudwatch: 'CloudWatch', sts: 'STS', organizations: 'Organizations' } as const;

/**
 * Returns the error a failed SDK call stands for: an `AmiAuditError` when the fix is in the user's
 * configuration or query (it stops the whole scan, exit 2), otherwise an `AwsCallError` whose
 * `ScanError` marks the scan incomplete (exit 3). Messages name the action and, for a missing
 * permission, the IAM permission to grant. Every message, and the text it quotes from AWS, has its
 * credentials redacted (`redactSecrets`): an endpoint or a proxy may echo request headers.
 */
export function describeAwsError(error: unknown, context: CallContext): AmiAuditError | AwsCallError {
  // Already described where it happened (an assumed role's credentials, refused by STS).
  if (error instanceof AwsCallError || error instanceof AmiAuditError) return error;
  const sdkError = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorLike;
  const awsCode = redactSecrets(sdkError.Code ?? sdkError.code ?? sdkError.name ?? 'Error');
  const awsMessage = redactSecrets(firstLine(sdkError.message ?? String(error)));
  const where = `${context.region}${context.imageId ? ` (${context.imageId})` : ''}`;
  const attempts = sdkError.$metadata?.attempts;
  // An abort (the scan's --timeout) ends the retries, not a limit.
  const stoppedAfter = awsCode === 'AbortError' ? '' : retriesStoppedBy(attempts, context.maxAttempts);
  const scanError = (code: string, message: string): AwsCallError =>
    new AwsCallError(
      { code, message: redactSecrets(message), region: context.region, action: context.action, awsCode, ...(context.imageId ? { imageId: context.imageId } : {}) },
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
      redactSecrets(`EC2 rejected the image query (${awsCode}: ${awsMessage}): check --filter names and values, --owners and --image-ids`),
      { cause: error },
    );
  }
  const roleFailure = assumeRoleFailure(awsMessage);
  if (roleFailure) {
    // The credential provider's AssumeRole call failed; it surfaces through the EC2 or STS call that
    // needed the credentials, so the action in the context is not the one that was refused.
    return scanError(
      'AccessDenied',
      `Could not assume role ${roleFailure.roleArn ?? '(see --role-arn)'}: ${awsCode}: grant sts:AssumeRole on it to ${roleFailure.caller ?? 'the caller'}, and check the role's trust policy (and --external-id)`,
    );
  }
  if (awsCode === 'UnauthorizedOperation' || awsCode === 'AccessDenied' || awsCode === 'AccessDeniedException') {
    return scanError(
      'AccessDenied',
      `Not authorized to call ${context.action} in ${where}: grant the IAM permission ${context.service ?? 'ec2'}:${context.action}`,
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
    const timedOut = scanError('Timeout', `${context.action} in ${where} timed out${stoppedAfter}: raise --request-timeout or check the network`);
    // AbortError, TimeoutError and ETIMEDOUT are names the client gives its own abort or timeout, not
    // codes EC2 answered with: awsCode stays for what AWS said.
    if (LOCAL_TIMEOUTS.has(awsCode)) delete timedOut.scanError.awsCode;
    return timedOut;
  }
  if (awsCode.startsWith('InvalidAMIID')) {
    return scanError('NotFound', `${context.action} in ${where}: ${awsCode}: ${awsMessage}`);
  }
  const status = sdkError.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500) {
    // The SDK retries only these statuses: after another one, a single attempt is no limit's doing.
    const retried = [500, 502, 503, 504].includes(status);
    return scanError('ServiceError', `${context.action} in ${where} failed${retried ? stoppedAfter : ''} with ${awsCode} (HTTP ${status})`);
  }
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|socket hang up/.test(`${awsCode} ${awsMessage}`)) {
    return scanError('NetworkError', `Could not reach ${SERVICE_NAMES[context.service ?? 'ec2']} for ${context.action} in ${context.region}${context.endpoint ? ` at ${redactUrl(context.endpoint)}` : ''}${stoppedAfter}: ${awsMessage}`);
  }
  return scanError('AwsError', `${context.action} in ${where} failed: ${awsCode}: ${awsMessage}`);
}

/**
 * Returns " after N attempts (<the limit that stopped the retries>)" for a failure the SDK retries
 * (5xx, timeout, network error). Two limits can stop them: `--max-attempts`, and the retry quota that
 * the SDK's standard strategy (which adaptive mode wraps) keeps per client: 500 tokens, of which a
 * retry of a 5xx or network error costs 14 and a success gives some back. Once the quota is spent a
 * failing call is not retried at all, however high `--max-attempts` is, and the SDK says so only
 * through `$metadata.attempts`: fewer attempts than the limit means the quota stopped it.
 */
export function retriesStoppedBy(attempts: number | undefined, maxAttempts: number | undefined): string {
  if (attempts === undefined) return '';
  const tried = ` after ${attempts} ${attempts === 1 ? 'attempt' : 'attempts'}`;
  // One attempt of one allowed needs no explanation: the user asked for no retries.
  if (maxAttempts === undefined || maxAttempts === 1) return attempts > 1 ? tried : '';
  if (attempts >= maxAttempts) return `${tried} (--max-attempts ${maxAttempts})`;
  return `${tried} (the SDK's retry quota for this region ran out after many failed calls, before --max-attempts ${maxAttempts})`;
}

/** The role and the caller named in STS's refusal ("User: <caller> is not authorized to perform: sts:AssumeRole on resource: <role>"). */
function assumeRoleFailure(awsMessage: string): { roleArn?: string; caller?: string } | undefined {
  if (!/\bsts:AssumeRole\b/.test(awsMessage)) return undefined;
  const roleArn = /on resource:\s*(arn:[^\s,;]+)/.exec(awsMessage)?.[1];
  const caller = /User:\s*(arn:[^\s,;]+)/.exec(awsMessage)?.[1];
  return { ...(roleArn ? { roleArn } : {}), ...(caller ? { caller } : {}) };
}

/** Returns the first line of a message, so an error stays one line. */
function firstLine(message: string): string {
  return message.split('\n', 1)[0]!.trim();
}

export type { ScanError };
