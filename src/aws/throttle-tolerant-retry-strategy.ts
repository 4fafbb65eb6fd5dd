import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { DefaultRateLimiter, StandardRetryStrategy } from '@smithy/core/retry';

/**
 * The SDK's client-side rate limiter, as this strategy uses it: the shape of `RateLimiter` in
 * `@smithy/core/retry`, restated so that the library's type declarations need only `@smithy/types`.
 */
export interface RateLimiter {
  getSendToken(): Promise<void>;
  updateClientSendingRate(response: unknown): void;
}
import type { RetryErrorInfo, RetryStrategyV2, StandardRetryToken } from '@smithy/types';

/** Something that lets one request go when the caller's budget allows (a client-side token bucket). */
export interface SendGate {
  take(signal?: AbortSignal): Promise<void>;
}

/** How a client retries: the user's `--max-attempts` and `--retry-mode`, and what it waits on. */
export interface RetryPolicy {
  /** Attempts per call for errors other than throttling (5xx, network errors, request timeouts). */
  maxAttempts: number;
  /**
   * `adaptive`: after the first throttle every request waits on the SDK's own rate limiter, which
   * learns the rate EC2 grants (CUBIC: cut on a throttle, grow on success). `standard`: each throttled
   * call backs off exponentially on its own, as the SDK's standard mode does.
   */
  mode: 'standard' | 'adaptive';
  /** A ceiling every request waits on, the first attempt and each retry (`--attribute-rate`). */
  ceiling?: SendGate;
  /** Aborted when the client is destroyed: waits stop, so a finished scan does not linger on timers. */
  stop?: AbortSignal;
  /** For tests: the limiter (default: the SDK's `DefaultRateLimiter`) and the sleep. */
  limiter?: RateLimiter;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

/** The SDK's back-off for throttled calls in standard mode: full jitter from 1 s, doubling, at most 20 s. */
const THROTTLE_BACKOFF_BASE_MS = 1000;
const MAX_BACKOFF_MS = 20_000;

/**
 * The stop signal of the client whose rate-limiter wait is running, so that the limiter's timers can be
 * told apart from those of other SDK clients in the process.
 */
const waitingFor = new AsyncLocalStorage<AbortSignal>();
const pendingTimers = new WeakMap<AbortSignal, Set<NodeJS.Timeout>>();
type SetTimeoutFn = (fn: () => void, delay: number) => unknown;
const limiterStatics = DefaultRateLimiter as unknown as { setTimeoutFn: SetTimeoutFn };
const sdkSetTimeout = limiterStatics.setTimeoutFn;

/**
 * Why: the SDK's limiter waits in a loop of timers it never cancels, and the retry middleware only
 * stops awaiting them when the scan's --timeout fires. Left alone, those orphaned timers kept the
 * process alive after the scan ended (23 s past a 4 s --timeout, measured: waiters x 1 / the learned
 * rate). A timer made for one of our clients is cleared when that client stops; the orphaned wait then
 * never resolves and holds nothing. Timers of other SDK clients are made as the SDK makes them.
 */
limiterStatics.setTimeoutFn = (fn, delay) => {
  const stop = waitingFor.getStore();
  if (!stop) return sdkSetTimeout(fn, delay);
  if (stop.aborted) return undefined;
  let timers = pendingTimers.get(stop);
  if (!timers) {
    const created = new Set<NodeJS.Timeout>();
    pendingTimers.set(stop, created);
    stop.addEventListener('abort', () => created.forEach(clearTimeout), { once: true });
    timers = created;
  }
  const timer = setTimeout(() => {
    timers.delete(timer);
    fn();
  }, delay);
  timers.add(timer);
  return timer;
};

/** A retry token that also counts the throttled answers its call got (they do not count as attempts). */
class Token implements StandardRetryToken {
  constructor(
    readonly inner: StandardRetryToken,
    readonly throttles: number,
  ) {}

  getRetryCount(): number {
    return this.inner.getRetryCount();
  }

  getRetryDelay(): number {
    return 0;
  }

  getRetryCost(): number | undefined {
    return this.inner.getRetryCost();
  }
}

/**
 * The SDK's retry strategy, except that a throttled answer is not a failed attempt: the call waits
 * (on the adaptive rate limiter, or its own back-off in standard mode) and tries again, for as long as
 * the scan's `--timeout` allows (the SDK's retry middleware races every wait with the call's abort
 * signal). Other errors keep the SDK's standard handling: `maxAttempts`, back-off and retry quota.
 *
 * Why: EC2's token bucket is shared by every caller in the account and region, so how often a call is
 * throttled depends on them, not on this call. With throttles counted as attempts, a busy account
 * lost images however many attempts were allowed (see the README's throttling section).
 */
export class ThrottleTolerantRetryStrategy implements RetryStrategyV2 {
  readonly mode: 'standard' | 'adaptive';
  private readonly standard: StandardRetryStrategy;
  private readonly limiter: RateLimiter | undefined;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;

  constructor(private readonly policy: RetryPolicy) {
    this.mode = policy.mode;
    this.standard = new StandardRetryStrategy(policy.maxAttempts);
    this.limiter = policy.mode === 'adaptive' ? (policy.limiter ?? new DefaultRateLimiter()) : undefined;
    this.sleep = policy.sleep ?? ((ms, signal) => sleep(ms, undefined, signal ? { signal } : undefined));
    this.random = policy.random ?? Math.random;
  }

  async acquireInitialRetryToken(retryTokenScope: string): Promise<Token> {
    const inner = await this.standard.acquireInitialRetryToken(retryTokenScope);
    await this.beforeSend();
    return new Token(inner, 0);
  }

  async refreshRetryTokenForRetry(token: StandardRetryToken, errorInfo: RetryErrorInfo): Promise<Token> {
    const mine = token instanceof Token ? token : new Token(token, 0);
    this.limiter?.updateClientSendingRate(errorInfo);
    if (errorInfo.errorType === 'THROTTLING') {
      if (this.policy.stop?.aborted) throw new Error('No retry token available: the client was closed');
      // Standard mode has no shared limiter: each throttled call backs off on its own, as the SDK does.
      if (!this.limiter) await this.sleep(this.random() * Math.min(THROTTLE_BACKOFF_BASE_MS * 2 ** mine.throttles, MAX_BACKOFF_MS), this.policy.stop);
      await this.beforeSend();
      return new Token(mine.inner, mine.throttles + 1);
    }
    const inner = await this.standard.refreshRetryTokenForRetry(mine.inner, errorInfo);
    await this.beforeSend();
    return new Token(inner, mine.throttles);
  }

  recordSuccess(token: StandardRetryToken): void {
    this.limiter?.updateClientSendingRate({});
    this.standard.recordSuccess(token instanceof Token ? token.inner : token);
  }

  private async beforeSend(): Promise<void> {
    await this.policy.ceiling?.take(this.policy.stop);
    if (!this.limiter) return;
    const stop = this.policy.stop;
    await (stop ? waitingFor.run(stop, () => this.limiter!.getSendToken()) : this.limiter.getSendToken());
  }
}
