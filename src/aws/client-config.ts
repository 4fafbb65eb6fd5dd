import type { BucketShape } from './token-bucket.js';

/** How to reach EC2: the settings a user gives on the command line, in the AWS CLI's terms. */
export interface AwsClientSettings {
  profile?: string;
  endpointUrl?: string;
  /** Attempts per call, the first included; the SDK retries throttling, 5xx and network errors. */
  maxAttempts: number;
  retryMode: 'standard' | 'adaptive';
  /** Milliseconds one attempt may take before it is abandoned (and retried). */
  requestTimeoutMs: number;
  /**
   * The pace of `DescribeImageAttribute` calls per region: EC2's own bucket for non-mutating calls
   * (100, then 20 a second) unless the account's limits were raised. Absent: as fast as the scan's
   * concurrency allows, throttling left to the SDK's retries.
   */
  attributeRate?: BucketShape;
}

/** One finished API call, for `--debug`/`--verbose` logs. Carries no credentials and no headers. */
export interface ApiCallEvent {
  action: string;
  region: string;
  durationMs: number;
  attempts: number;
  requestId?: string;
  errorCode?: string;
  imageId?: string;
}

export type ApiCallListener = (event: ApiCallEvent) => void;

/**
 * Tells a listener about one finished call. `outcome` is the SDK's output or error: both carry
 * `$metadata` (attempts, request id); an error adds its code.
 */
export function reportCall(
  onCall: ApiCallListener | undefined,
  call: { action: string; region: string; started: number; imageId?: string },
  outcome: unknown,
): void {
  if (!onCall) return;
  const metadata = (outcome as { $metadata?: { attempts?: number; requestId?: string } } | undefined)?.$metadata;
  const errorCode = outcome instanceof Error ? ((outcome as { Code?: string }).Code ?? outcome.name) : undefined;
  onCall({
    action: call.action,
    region: call.region,
    durationMs: Math.round(performance.now() - call.started),
    attempts: metadata?.attempts ?? 1,
    ...(metadata?.requestId ? { requestId: metadata.requestId } : {}),
    ...(errorCode ? { errorCode } : {}),
    ...(call.imageId ? { imageId: call.imageId } : {}),
  });
}
