import assert from 'node:assert/strict';
import { afterEach, mock, test } from 'node:test';
import type { RetryErrorInfo, StandardRetryToken } from '@smithy/types';
import { ThrottleTolerantRetryStrategy } from '../../src/aws/throttle-tolerant-retry-strategy.js';
import { TokenBucket as Ec2Bucket } from '../../emulator/token-bucket.js';

const THROTTLED: RetryErrorInfo = { errorType: 'THROTTLING' };
const SERVER_ERROR: RetryErrorInfo = { errorType: 'TRANSIENT' };

/** A limiter that records what the strategy tells it and lets every send go at once. */
function recordingLimiter() {
  const calls: string[] = [];
  return {
    calls,
    getSendToken: async () => void calls.push('send'),
    updateClientSendingRate: (info: { errorType?: string }) => void calls.push(info.errorType ?? 'success'),
  };
}

afterEach(() => mock.timers.reset());

test('throttled answers do not spend attempts: 50 of them in a row, and the call still has its --max-attempts', async () => {
  // GIVEN two attempts per call, and a call that EC2 throttles 50 times
  const strategy = new ThrottleTolerantRetryStrategy({ maxAttempts: 2, mode: 'adaptive', limiter: recordingLimiter() });
  let token: StandardRetryToken = await strategy.acquireInitialRetryToken('');
  for (let i = 0; i < 50; i++) token = await strategy.refreshRetryTokenForRetry(token, THROTTLED);
  // THEN it is still on its first attempt
  assert.equal(token.getRetryCount(), 0);
  // AND a server error spends the one retry it has, and a second one ends the call
  mock.timers.enable({ apis: ['setTimeout'] });
  const retry = strategy.refreshRetryTokenForRetry(token, SERVER_ERROR);
  await new Promise((resolve) => setImmediate(resolve));
  mock.timers.tick(1000); // the SDK's own back-off before a retry
  token = await retry;
  assert.equal(token.getRetryCount(), 1);
  await assert.rejects(strategy.refreshRetryTokenForRetry(token, SERVER_ERROR), /No retry token available/);
});

test('adaptive mode: every send, retries included, waits on the rate limiter, which hears of each throttle and success', async () => {
  const limiter = recordingLimiter();
  const strategy = new ThrottleTolerantRetryStrategy({ maxAttempts: 3, mode: 'adaptive', limiter });
  let token: StandardRetryToken = await strategy.acquireInitialRetryToken('');
  token = await strategy.refreshRetryTokenForRetry(token, THROTTLED);
  token = await strategy.refreshRetryTokenForRetry(token, THROTTLED);
  strategy.recordSuccess(token);
  assert.deepEqual(limiter.calls, ['send', 'THROTTLING', 'send', 'THROTTLING', 'send', 'success']);
});

test('standard mode: a throttled call backs off on its own, from 1 s doubling to at most 20 s, without spending attempts', async () => {
  const slept: number[] = [];
  const strategy = new ThrottleTolerantRetryStrategy({ maxAttempts: 1, mode: 'standard', sleep: async (ms) => void slept.push(ms), random: () => 1 });
  let token: StandardRetryToken = await strategy.acquireInitialRetryToken('');
  for (let i = 0; i < 7; i++) token = await strategy.refreshRetryTokenForRetry(token, THROTTLED);
  assert.deepEqual(slept, [1000, 2000, 4000, 8000, 16_000, 20_000, 20_000]);
  assert.equal(token.getRetryCount(), 0);
});

test('a ceiling (--attribute-rate) is taken before every send, the first attempt and each retry', async () => {
  let taken = 0;
  const strategy = new ThrottleTolerantRetryStrategy({ maxAttempts: 3, mode: 'adaptive', limiter: recordingLimiter(), ceiling: { take: async () => void taken++ } });
  const token = await strategy.acquireInitialRetryToken('');
  await strategy.refreshRetryTokenForRetry(token, THROTTLED);
  assert.equal(taken, 2);
});

test('once the client is closed, a throttled call stops waiting and fails', async () => {
  const stop = new AbortController();
  const strategy = new ThrottleTolerantRetryStrategy({ maxAttempts: 3, mode: 'adaptive', limiter: recordingLimiter(), stop: stop.signal });
  const token = await strategy.acquireInitialRetryToken('');
  stop.abort();
  await assert.rejects(strategy.refreshRetryTokenForRetry(token, THROTTLED), /No retry token available/);
});

test("with the SDK's own rate limiter and a fake clock, 400 calls through a 20:20 bucket all succeed, near the bucket's bound", async () => {
  // GIVEN EC2's bucket already spent down to 20, refilling 20 a second, on a fake clock
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
  const ec2 = new Ec2Bucket({ capacity: 20, refillPerSecond: 20 }, () => Date.now());
  const strategy = new ThrottleTolerantRetryStrategy({ maxAttempts: 3, mode: 'adaptive' });
  let throttled = 0;
  let done = 0;
  const LATENCY_MS = 10;
  const answer = () => new Promise((resolve) => setTimeout(resolve, LATENCY_MS));
  // WHEN 400 calls go, 20 at a time, each retrying its throttled answers as the SDK's middleware does
  const call = async (): Promise<void> => {
    let token: StandardRetryToken = await strategy.acquireInitialRetryToken('');
    for (;;) {
      await answer();
      if (ec2.tryTake()) {
        strategy.recordSuccess(token);
        done++;
        return;
      }
      throttled++;
      token = await strategy.refreshRetryTokenForRetry(token, THROTTLED);
      assert.equal(token.getRetryCount(), 0, 'no attempt spent on a throttle');
    }
  };
  const queue = Array.from({ length: 400 }, () => call);
  const workers = Array.from({ length: 20 }, async () => {
    for (let next = queue.shift(); next; next = queue.shift()) await next();
  });
  const started = Date.now();
  const all = Promise.all(workers);
  while (done < 400 && Date.now() - started < 120_000) {
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    mock.timers.tick(5);
  }
  await all;
  // THEN every call succeeded, in simulated time within 1.25 × the bound (the target)
  const boundMs = ((400 - 20) / 20) * 1000 + LATENCY_MS;
  const tookMs = Date.now() - started;
  assert.equal(done, 400);
  assert.ok(throttled > 0, 'the bucket did throttle');
  assert.ok(tookMs <= 1.25 * boundMs, `took ${tookMs} ms for a bound of ${boundMs} ms (${throttled} throttled)`);
});

test('a wait on the rate limiter holds no timer once its client stops, so a scan stopped by --timeout exits at once', async () => {
  // GIVEN a client whose limiter was cut to its slowest rate by throttles, with calls waiting on it
  const stop = new AbortController();
  const strategy = new ThrottleTolerantRetryStrategy({ maxAttempts: 3, mode: 'adaptive', stop: stop.signal });
  const timers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
  const before = timers();
  const token = await strategy.acquireInitialRetryToken('');
  const waits = Array.from({ length: 5 }, () => strategy.refreshRetryTokenForRetry(token, THROTTLED));
  await new Promise((resolve) => setImmediate(resolve));
  assert.ok(timers() > before, 'the calls wait on timers');
  // WHEN the client stops
  stop.abort();
  // THEN no timer is left to keep the process alive (the orphaned waits never resolve)
  assert.equal(timers(), before);
  void waits;
});
