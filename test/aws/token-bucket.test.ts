import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TokenBucket } from '../../src/aws/token-bucket.js';

test('the burst goes at once, and the rest no faster than the refill rate', async () => {
  // GIVEN a bucket of 5 that refills 50 a second
  const bucket = new TokenBucket({ capacity: 5, refillPerSecond: 50 });
  const started = performance.now();
  const times: number[] = [];
  // WHEN 15 calls ask for a token at once
  await Promise.all(Array.from({ length: 15 }, () => bucket.take().then(() => times.push(performance.now() - started))));
  // THEN the first five need no wait, and the last ten need at least 10 / 50 s (a lower bound cannot be noisy)
  assert.ok(times.slice(0, 5).every((time) => time < 150), `burst at ${times.slice(0, 5).map(Math.round)}`);
  assert.ok(times[14]! >= 190, `15th token at ${Math.round(times[14]!)} ms`);
});

test('a fake clock shows the refill arithmetic: tokens accrue with time up to the capacity', async () => {
  let now = 0;
  const bucket = new TokenBucket({ capacity: 2, refillPerSecond: 10 }, () => now);
  await bucket.take();
  await bucket.take();
  now = 10_000; // ten seconds later the bucket is full again, not 100 tokens deep
  await bucket.take();
  await bucket.take();
  let third = false;
  void bucket.take().then(() => (third = true));
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(third, false, 'the bucket holds at most its capacity');
});
