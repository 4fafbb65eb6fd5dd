// EC2-style request throttling: a token bucket per account, region and action. A request takes
// one token; tokens refill continuously at `refillPerSecond` up to `capacity`. An empty bucket
// means HTTP 503 RequestLimitExceeded. Capacity and refill are free numbers so benchmarks can
// run on a compressed time scale (e.g. capacity 100, refill 200/s).

export interface BucketConfig {
  capacity: number;
  refillPerSecond: number;
}

export interface ThrottleConfig extends BucketConfig {
  /** Overrides for some actions (EC2 gives mutating actions other budgets). */
  byAction?: Record<string, BucketConfig>;
}

/** The budget EC2 documents for most Describe* actions: a burst of 100, refilling 20 a second. */
export const EC2_THROTTLE_PRESET: ThrottleConfig = { capacity: 100, refillPerSecond: 20 };

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly config: BucketConfig,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.tokens = config.capacity;
    this.last = clock();
  }

  /** Takes one token if there is one. */
  tryTake(): boolean {
    const now = this.clock();
    const elapsedSeconds = Math.max(0, now - this.last) / 1000;
    this.last = now;
    this.tokens = Math.min(this.config.capacity, this.tokens + elapsedSeconds * this.config.refillPerSecond);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }
}

/** The buckets of one emulator, created on first use per account/region/action. */
export class Throttle {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly config: ThrottleConfig,
    private readonly clock?: () => number,
  ) {}

  tryTake(accountId: string, region: string, action: string): boolean {
    const key = `${accountId}|${region}|${action}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.config.byAction?.[action] ?? this.config, this.clock);
      this.buckets.set(key, bucket);
    }
    return bucket.tryTake();
  }
}

/** Parses `ec2`, `off` or `<capacity>:<refillPerSecond>`; throws on anything else. */
export function parseThrottleSpec(spec: string): ThrottleConfig | undefined {
  if (spec === 'ec2') return { ...EC2_THROTTLE_PRESET };
  if (spec === 'off' || spec === 'none') return undefined;
  const m = /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(spec);
  if (!m) throw new Error(`invalid throttle "${spec}": use ec2, off or <capacity>:<refillPerSecond>`);
  const capacity = Number(m[1]);
  const refillPerSecond = Number(m[2]);
  if (capacity < 1) throw new Error(`invalid throttle "${spec}": capacity must be at least 1`);
  return { capacity, refillPerSecond };
}
