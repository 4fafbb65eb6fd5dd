import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generatedEstate } from '../../emulator/generate.js';
import type { RunningEmulator } from '../../emulator/server.js';
import { emulatorFor, jsonOf, scanAgainst } from '../helpers/emulator.js';

const IMAGES = 300;
const BURST_ALREADY_SPENT = { capacity: 20, refillPerSecond: 20 };

describe('a busy account: a DescribeImageAttribute bucket of 20 refilling 20 a second (others spent the burst)', () => {
  let emulator: RunningEmulator;
  before(async () => (emulator = await emulatorFor({ estate: generatedEstate(IMAGES, 11, { allAvailable: true }), latencyMs: 10 })));
  after(() => emulator.close());

  const cases: [string, string[]][] = [
    ['the defaults', []],
    // Throttles are waited out, not counted as attempts: even one attempt per call reads every image.
    ['--max-attempts 1', ['--max-attempts', '1']],
  ];
  for (const [label, args] of cases) {
    test(`${label}: every image is read, no error, exit as the findings say`, async () => {
      // GIVEN a fresh bucket smaller than the --attribute-rate the scan is capped at
      emulator.setOptions({ throttle: BURST_ALREADY_SPENT });
      emulator.resetStats();
      // WHEN the scan reads one attribute per image, 20 calls in flight
      const run = await scanAgainst(emulator, ['--region', 'us-east-1', '--output', 'json', '--attributes', 'imdsSupport', '--concurrency', '20', ...args], {}, 120_000);
      // THEN nothing is lost to throttling
      const document = jsonOf(run);
      assert.deepEqual(document.errors, [], run.stderr);
      assert.equal(document.images.length, IMAGES);
      assert.ok(document.images.every((image) => image.readiness !== 'unknown'), 'every image was read');
      assert.equal(document.summary.complete, true);
      assert.equal(run.code, document.images.some((image) => image.readiness === 'not-ready') ? 1 : 0);
      assert.equal(run.stderr, '');
      const stats = emulator.stats();
      assert.equal(stats.requestsByAction.DescribeImageAttribute! - (stats.throttledByAction.DescribeImageAttribute ?? 0), IMAGES, 'one successful call per image');
      assert.ok((stats.throttledByAction.DescribeImageAttribute ?? 0) > 0, 'the bucket did throttle');
    });
  }
});

describe('an account whose bucket never refills', () => {
  let emulator: RunningEmulator;
  before(async () => (emulator = await emulatorFor({ estate: generatedEstate(50, 12, { allAvailable: true }), throttle: { capacity: 5, refillPerSecond: 0.01 } })));
  after(() => emulator.close());

  test('--timeout ends the throttled waits: exit 3, each unread image named as stopped by --timeout, and the process ends', async () => {
    // WHEN the scan may take 2 s (it is killed if it lingers past 15 s: throttled waits kept it alive 23 s)
    const run = await scanAgainst(emulator, ['--region', 'us-east-1', '--output', 'json', '--attributes', 'imdsSupport', '--concurrency', '20', '--timeout', '2'], {}, 15_000);
    // THEN
    assert.equal(run.code, 3, run.stderr.slice(0, 300));
    const document = jsonOf(run);
    assert.ok(document.errors.length > 0);
    assert.deepEqual([...new Set(document.errors.map((error) => error.code))], ['ScanTimeout']);
  });
});
