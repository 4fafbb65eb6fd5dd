import { setTimeout as sleep } from 'node:timers/promises';

/** A bucket shape: how many calls may go at once, and how many more each second after that. */
export interface BucketShape {
  capacity: number;
  refillPerSecond: number;
}

/**
 * A client-side token bucket, the same shape as the one EC2 throttles with: the ceiling that
 * `--attribute-rate` puts on a client's sends, so that a scan leaves part of the account's budget to
 * other callers. It does not pace the scan to EC2: the rate limiter of the retry strategy does that,
 * because EC2's bucket is shared and what is left of it for this scan cannot be known in advance.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private turn: Promise<void> = Promise.resolve();

  constructor(
    private readonly shape: BucketShape,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = shape.capacity;
    this.last = now();
  }

  /** Resolves when a call may go; callers are served in the order they asked. */
  take(signal?: AbortSignal): Promise<void> {
    const mine = this.turn.then(() => this.waitForToken(signal));
    this.turn = mine.catch(() => undefined);
    return mine;
  }

  private async waitForToken(signal?: AbortSignal): Promise<void> {
    this.refill();
    if (this.tokens < 1) {
      await sleep(((1 - this.tokens) / this.shape.refillPerSecond) * 1000, undefined, signal ? { signal } : undefined);
      this.refill();
    }
    this.tokens -= 1;
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.shape.capacity, this.tokens + ((now - this.last) / 1000) * this.shape.refillPerSecond);
    this.last = now;
  }
}
