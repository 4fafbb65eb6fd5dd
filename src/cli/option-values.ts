/**
 * Parsers of option values that more than one command takes (`scan`, `fix`): each checks one value and
 * returns it in the form the command needs, or throws the one-line usage error that names the option,
 * the value and what to give instead. Values are made safe before they are repeated.
 */
import { AmiAuditError } from '../errors.js';
import { redactUrl } from '../redact-secrets.js';
import { stripControlSequences } from '../render/sanitize.js';

/** An IAM role ARN, in any partition. */
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
/** EC2 image ids: `ami-` and 8 or 17 lower-case hex digits; anything else EC2 answers InvalidAMIID.Malformed. */
const IMAGE_ID = /^ami-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

/** Throws the usage error (exit 2) with this message. */
export function usage(message: string): never {
  throw new AmiAuditError('Usage', message);
}

/** Returns the value when it is one of the choices. */
export function oneOf<T extends string>(value: string, choices: readonly T[], flag: string): T {
  if ((choices as readonly string[]).includes(value)) return value as T;
  return usage(`${flag} "${stripControlSequences(value)}" is not valid: choose ${choices.join(', ')}`);
}

/** Returns a whole number from `min` to `max`. */
export function integerIn(value: string | number, min: number, max: number, flag: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) {
    return usage(`${flag} "${stripControlSequences(String(value))}" is not valid: give a whole number from ${min} to ${max}`);
  }
  return number;
}

/** Returns a number of seconds from `min` to `max`. */
export function secondsIn(value: string | number, min: number, max: number, flag: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number < min || number > max) {
    return usage(`${flag} "${stripControlSequences(String(value))}" is not valid: give a number of seconds from ${min} to ${max}`);
  }
  return number;
}

/** Checks `--endpoint-url`; its messages never repeat a password or token given in the URL's userinfo. */
export function endpointUrl(value: string): string {
  const shown = redactUrl(value);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return usage(`--endpoint-url "${shown}" is not a URL: give one such as http://127.0.0.1:4566`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') usage(`--endpoint-url "${shown}" must start with http:// or https://`);
  return value;
}

/** Returns the role ARNs when each one is an IAM role ARN. */
export function roleArns(values: readonly string[]): string[] {
  for (const roleArn of values) {
    if (!ROLE_ARN.test(roleArn)) usage(`--role-arn "${stripControlSequences(roleArn)}" is not an IAM role ARN: expected arn:aws:iam::<12-digit account>:role/<name>`);
  }
  return [...values];
}

/** Returns the image ids when each one is an EC2 image id: a malformed id is a usage error, not a failed call. */
export function imageIdList(values: readonly string[]): string[] {
  for (const id of values) {
    if (!IMAGE_ID.test(id)) usage(`--image-ids "${stripControlSequences(id)}" is not an image id: expected ami- and 8 or 17 lower-case hex digits, such as ami-0123456789abcdef0`);
  }
  return [...values];
}

/** `--retry-mode`, then `AWS_RETRY_MODE`, then adaptive, as the AWS CLI reads them. */
export function retryMode(value: string | undefined, env: NodeJS.ProcessEnv): 'standard' | 'adaptive' {
  return oneOf(value ?? env.AWS_RETRY_MODE ?? 'adaptive', ['standard', 'adaptive'] as const, '--retry-mode');
}

/** `--max-attempts`, then `AWS_MAX_ATTEMPTS`, then 10. */
export function maxAttempts(value: string | undefined, env: NodeJS.ProcessEnv): number {
  return integerIn(value ?? env.AWS_MAX_ATTEMPTS ?? 10, 1, 50, '--max-attempts');
}
