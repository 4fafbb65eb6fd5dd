import type { BucketShape } from './token-bucket.js';

/** How to reach EC2: the settings a user gives on the command line, in the AWS CLI's terms. */
export interface AwsClientSettings {
  profile?: string;
  endpointUrl?: string;
  /**
   * Attempts per call for 5xx answers, network errors and request timeouts, the first included.
   * Throttled answers do not count: the call waits and tries again until the scan's abort signal.
   */
  maxAttempts: number;
  /** How a throttled client waits: `adaptive` learns EC2's rate (one limiter per client), `standard` backs off per call. */
  retryMode: 'standard' | 'adaptive';
  /** Milliseconds one attempt may take before it is abandoned (and retried). */
  requestTimeoutMs: number;
  /**
   * A ceiling on `DescribeImageAttribute` calls per region (`--attribute-rate`), to leave part of the
   * account's bucket to other callers. Absent: no ceiling, the rate limiter alone sets the pace.
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
