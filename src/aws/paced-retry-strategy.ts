import { StandardRetryStrategy } from '@smithy/core/retry';
import type { RetryErrorInfo, RetryStrategyV2, StandardRetryToken } from '@smithy/types';
import type { TokenBucket } from './token-bucket.js';

/**
 * The SDK's standard retry strategy, except for throttling: a throttled call is retried as soon as the
 * region's token bucket gives it a turn, instead of after an exponential back-off.
 *
 * Why: when every first attempt is paced by the bucket, a rare throttle (the client's and EC2's
 * buckets drift by a few milliseconds) should cost one token, not a back-off of up to seconds that
 * holds a concurrency slot while the bucket fills unused. Adaptive mode is worse here: one throttle
 * cuts its own send rate far below EC2's refill rate (measured in `npm run bench`).
 */
export class PacedRetryStrategy implements RetryStrategyV2 {
  readonly mode = 'standard';
  private readonly standard: StandardRetryStrategy;

  constructor(
    private readonly maxAttempts: number,
    private readonly bucket: TokenBucket,
  ) {
    this.standard = new StandardRetryStrategy(maxAttempts);
  }

  acquireInitialRetryToken(retryTokenScope: string): Promise<StandardRetryToken> {
    return this.standard.acquireInitialRetryToken(retryTokenScope);
  }

  async refreshRetryTokenForRetry(token: StandardRetryToken, errorInfo: RetryErrorInfo): Promise<StandardRetryToken> {
    if (errorInfo.errorType !== 'THROTTLING') return this.standard.refreshRetryTokenForRetry(token, errorInfo);
    const retryCount = token.getRetryCount() + 1;
    if (retryCount >= this.maxAttempts) throw new Error('No retry token available');
    await this.bucket.take();
    return { getRetryCount: () => retryCount, getRetryDelay: () => 0, getRetryCost: () => 0 };
  }

  recordSuccess(token: StandardRetryToken): void {
    this.standard.recordSuccess(token);
  }
}
