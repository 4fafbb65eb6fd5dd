import type { ScanError } from './core/types.js';
import { redactSecrets } from './redact-secrets.js';

/** Codes of the errors that stop ami-audit before or during a scan; the CLI maps them to exit statuses. */
export type AmiAuditErrorCode =
  | 'Usage'
  | 'InvalidInput'
  | 'NoRegion'
  | 'NoCredentials'
  | 'InvalidCredentials'
  | 'Internal';

/**
 * An error ami-audit expects and can explain in one line. The message names the problem and the fix;
 * the CLI prints it without a stack trace unless `--debug`.
 */
export class AmiAuditError extends Error {
  readonly code: AmiAuditErrorCode;

  constructor(code: AmiAuditErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AmiAuditError';
    this.code = code;
  }
}

/** Returns true for an `AmiAuditError`, also across bundle boundaries (brand check, not `instanceof`). */
export function isAmiAuditError(error: unknown): error is AmiAuditError {
  return error instanceof Error && error.name === 'AmiAuditError' && typeof (error as AmiAuditError).code === 'string';
}

/**
 * An AWS call that failed after the SDK's retries. It carries the `ScanError` that the report shows, so
 * the core can turn it into data without knowing about the SDK.
 */
export class AwsCallError extends Error {
  readonly scanError: ScanError;

  constructor(scanError: ScanError, options?: { cause?: unknown }) {
    super(scanError.message, options);
    this.name = 'AwsCallError';
    this.scanError = scanError;
  }
}

/** Returns the `ScanError` for anything a scan step threw; an unexpected error's message has its credentials redacted. */
export function toScanError(error: unknown, context: Partial<ScanError> = {}): ScanError {
  if (error instanceof AwsCallError) return { ...context, ...error.scanError };
  const message = error instanceof Error ? error.message : String(error);
  return { ...context, code: 'InternalError', message: redactSecrets(message) };
}
