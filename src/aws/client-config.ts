/** How to reach EC2: the settings a user gives on the command line, in the AWS CLI's terms. */
export interface AwsClientSettings {
  profile?: string;
  endpointUrl?: string;
  /** Attempts per call, the first included; the SDK retries throttling, 5xx and network errors. */
  maxAttempts: number;
  retryMode: 'standard' | 'adaptive';
  /** Milliseconds one attempt may take before it is abandoned (and retried). */
  requestTimeoutMs: number;
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
