// The test knobs: throttling, latency, hangs, injected faults, counters and control endpoints.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DescribeImageAttributeCommand, DescribeImagesCommand, DescribeRegionsCommand } from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { EmulatorStats } from '../../emulator/server.js';
import { ec2, rejectsWith, sts, withEmulator } from './helpers.js';

const IMAGE = 'ami-0a1b2c3d4e5f60001';

test('listens on 127.0.0.1 only', async () => {
  await withEmulator({}, async (emulator) => {
    assert.equal(emulator.url, `http://127.0.0.1:${emulator.port}`);
    assert.ok(emulator.port > 0);
  });
});

test('token bucket of 3: the 4th request within the second is RequestLimitExceeded 503', async () => {
  await withEmulator({ throttle: { capacity: 3, refillPerSecond: 1 } }, async (emulator) => {
    const client = ec2(emulator);
    for (let i = 0; i < 3; i++) await client.send(new DescribeImagesCommand({ Owners: ['self'] }));
    const e = await rejectsWith(client.send(new DescribeImagesCommand({ Owners: ['self'] })), 'RequestLimitExceeded', 503);
    assert.match(e.message, /Request limit exceeded/);
    // Buckets are per action, per region and per account.
    await client.send(new DescribeRegionsCommand({}));
    await ec2(emulator, { region: 'eu-west-1' }).send(new DescribeImagesCommand({ Owners: ['self'] }));
    const stats = emulator.stats();
    assert.equal(stats.throttledByAction.DescribeImages, 1);
    assert.equal(stats.requestsByAction.DescribeImages, 5);

    // A fast time scale: refill 200/s brings tokens back within milliseconds.
    emulator.setOptions({ throttle: { capacity: 1, refillPerSecond: 200 } });
    await client.send(new DescribeImagesCommand({ Owners: ['self'] }));
    await new Promise((r) => setTimeout(r, 20));
    await client.send(new DescribeImagesCommand({ Owners: ['self'] }));
    emulator.setOptions({ throttle: false });
    for (let i = 0; i < 5; i++) await client.send(new DescribeImagesCommand({ Owners: ['self'] }));
  });
});

test('the ec2 throttle preset allows a burst of 100, then 20 a second', async () => {
  await withEmulator({ throttle: 'ec2' }, async (emulator) => {
    const client = ec2(emulator);
    const start = performance.now();
    const results = await Promise.allSettled(Array.from({ length: 120 }, () => client.send(new DescribeRegionsCommand({}))));
    const elapsedSeconds = (performance.now() - start) / 1000;
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    assert.ok(ok >= 100 && ok <= 100 + Math.ceil(20 * elapsedSeconds), `${ok} succeeded in ${elapsedSeconds}s`);
    assert.equal(emulator.stats().throttledByAction.DescribeRegions, 120 - ok);
  });
});

test('latency delays every response and counts as in flight', async () => {
  await withEmulator({ latencyMs: 150 }, async (emulator) => {
    const client = ec2(emulator);
    const start = performance.now();
    await Promise.all(Array.from({ length: 5 }, () => client.send(new DescribeImagesCommand({ Owners: ['self'] }))));
    const elapsed = performance.now() - start;
    assert.ok(elapsed >= 140, `took ${elapsed} ms`);
    assert.ok(elapsed < 1000, `requests ran concurrently (${elapsed} ms)`);
    assert.equal(emulator.stats().maxInFlightByAction.DescribeImages, 5);
    emulator.setOptions({ latencyMs: 0, latencyByAction: { DescribeRegions: 120 } });
    const t0 = performance.now();
    await client.send(new DescribeImagesCommand({ Owners: ['self'] }));
    assert.ok(performance.now() - t0 < 100);
    const t1 = performance.now();
    await client.send(new DescribeRegionsCommand({}));
    assert.ok(performance.now() - t1 >= 110);
  });
});

test('hangAction never answers: the client times out and close() does not hang', async () => {
  await withEmulator({ hangAction: 'DescribeImageAttribute' }, async (emulator) => {
    const client = ec2(emulator, { requestHandler: { requestTimeout: 300, throwOnRequestTimeout: true } });
    const start = performance.now();
    await assert.rejects(client.send(new DescribeImageAttributeCommand({ ImageId: IMAGE, Attribute: 'bootMode' })), (err: Error) => {
      assert.equal(err.name, 'TimeoutError');
      return true;
    });
    assert.ok(performance.now() - start < 2000);
    await client.send(new DescribeImagesCommand({ Owners: ['self'] }));
    assert.equal(emulator.stats().requestsByAction.DescribeImageAttribute, 1);
    // Leave one request hanging on purpose: close() must still finish.
    void ec2(emulator).send(new DescribeImageAttributeCommand({ ImageId: IMAGE, Attribute: 'bootMode' })).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 30));
  });
});

test('failAction and failRegion answer InternalError 500; faults are counted', async () => {
  await withEmulator({ failAction: 'DescribeImageAttribute', failRegion: 'eu-west-1' }, async (emulator) => {
    const client = ec2(emulator);
    await rejectsWith(client.send(new DescribeImageAttributeCommand({ ImageId: IMAGE, Attribute: 'bootMode' })), 'InternalError', 500);
    await client.send(new DescribeImagesCommand({ Owners: ['self'] }));
    await rejectsWith(ec2(emulator, { region: 'eu-west-1' }).send(new DescribeImagesCommand({ Owners: ['self'] })), 'InternalError', 500);
    emulator.setOptions({ failAction: undefined, failRegion: undefined });
    await client.send(new DescribeImageAttributeCommand({ ImageId: IMAGE, Attribute: 'bootMode' }));
    emulator.setOptions({ failAction: ['DescribeRegions'], failError: { code: 'Unavailable', status: 503 } });
    await rejectsWith(client.send(new DescribeRegionsCommand({})), 'Unavailable', 503);
    const stats = emulator.stats();
    assert.equal(stats.faultsByAction.DescribeImageAttribute, 1);
    assert.equal(stats.faultsByAction.DescribeImages, 1);
    assert.equal(stats.faultsByAction.DescribeRegions, 1);
  });
});

test('faultRate injects seeded InternalError/Unavailable', async () => {
  const run = async (): Promise<string[]> =>
    withEmulator({ faultRate: 0.5, faultSeed: 7 }, async (emulator) => {
      const client = ec2(emulator);
      const outcomes: string[] = [];
      for (let i = 0; i < 20; i++) {
        try {
          await client.send(new DescribeRegionsCommand({}));
          outcomes.push('ok');
        } catch (err) {
          const e = err as { name: string; $metadata: { httpStatusCode: number } };
          assert.ok(
            (e.name === 'InternalError' && e.$metadata.httpStatusCode === 500) || (e.name === 'Unavailable' && e.$metadata.httpStatusCode === 503),
            `${e.name} ${e.$metadata.httpStatusCode}`,
          );
          outcomes.push(e.name);
        }
      }
      assert.equal(emulator.stats().faultsByAction.DescribeRegions, outcomes.filter((o) => o !== 'ok').length);
      return outcomes;
    });
  const first = await run();
  assert.deepEqual(await run(), first, 'same seed, same faults');
  assert.ok(first.includes('ok') && first.some((o) => o !== 'ok'));
});

test('region and service come from the credential scope; counters over HTTP', async () => {
  await withEmulator({}, async (emulator) => {
    await ec2(emulator, { region: 'us-east-1' }).send(new DescribeImagesCommand({ Owners: ['self'] }));
    await ec2(emulator, { region: 'us-east-1' }).send(new DescribeRegionsCommand({}));
    await ec2(emulator, { region: 'eu-west-1' }).send(new DescribeImagesCommand({ Owners: ['self'] }));
    await sts(emulator, { region: 'ap-southeast-2' }).send(new GetCallerIdentityCommand({}));
    const stats = emulator.stats();
    assert.deepEqual(stats.requestsByRegion, { 'us-east-1': 2, 'eu-west-1': 1, 'ap-southeast-2': 1 });
    assert.deepEqual(stats.requestsByAction, { DescribeImages: 2, DescribeRegions: 1, GetCallerIdentity: 1 });
    assert.deepEqual(stats.maxInFlightByAction, { DescribeImages: 1, DescribeRegions: 1, GetCallerIdentity: 1 });

    const overHttp = (await (await fetch(`${emulator.url}/__emulator/stats`)).json()) as EmulatorStats;
    assert.deepEqual(overHttp, stats);
    const reset = await fetch(`${emulator.url}/__emulator/reset`, { method: 'POST' });
    assert.equal(reset.status, 200);
    assert.deepEqual(emulator.stats(), { requestsByAction: {}, maxInFlightByAction: {}, throttledByAction: {}, faultsByAction: {}, requestsByRegion: {} });

    const set = await fetch(`${emulator.url}/__emulator/options`, { method: 'POST', body: JSON.stringify({ failAction: 'DescribeRegions' }) });
    assert.equal(set.status, 200);
    await rejectsWith(ec2(emulator).send(new DescribeRegionsCommand({})), 'InternalError', 500);
    const bad = await fetch(`${emulator.url}/__emulator/options`, { method: 'POST', body: JSON.stringify({ faultRate: 3 }) });
    assert.equal(bad.status, 400);
    emulator.resetStats();
    assert.deepEqual(emulator.stats().requestsByAction, {});
  });
});
