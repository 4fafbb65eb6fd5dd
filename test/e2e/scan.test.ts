import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { generatedEstate } from '../../emulator/generate.js';
import type { RunningEmulator } from '../../emulator/server.js';
import { emulatorFor, emulatorImageIds, jsonOf, scanAgainst } from '../helpers/emulator.js';
import { runCli } from '../helpers/run-cli.js';
import { schemaErrors } from '../helpers/schema.js';

const SAMPLE_IDS = (JSON.parse(readFileSync(new URL('../../examples/estate.json', import.meta.url), 'utf8')).Images as { ImageId: string; State: string }[]);

describe('the sample estate through the real SDK', () => {
  let emulator: RunningEmulator;
  before(async () => (emulator = await emulatorFor()));
  after(() => emulator.close());

  test('table: one row per listed image, summary, exit 1 for the high findings', async () => {
    const run = await scanAgainst(emulator, ['--region', 'us-east-1']);
    assert.equal(run.code, 1, run.stderr);
    assert.equal(run.stderr, '');
    // Disabled images are hidden unless --include-disabled, as EC2 does; deprecated ones are the caller's own.
    const listed = SAMPLE_IDS.filter((image) => image.State !== 'disabled');
    for (const image of listed) assert.ok(run.stdout.includes(image.ImageId), image.ImageId);
    assert.ok(!run.stdout.includes('ami-0a1b2c3d4e5f6000c'), 'the disabled image is not listed');
    assert.match(run.stdout, new RegExp(`${listed.length} images: .* scan complete\\n$`));
    assert.match(run.stdout, /│ us-east-1 │/);
    // The hostile name carries C1 CSI (sent as &#x9B;, decoded by the SDK) and bidi controls: none reaches the terminal.
    assert.doesNotMatch(run.stdout, /[\x1b\x80-\x9f\u202a-\u202e\u2066-\u2069]/, 'control characters from AWS are stripped');
    assert.match(run.stdout, /intruder-READY-click/);
  });

  test('json: validates against the schema, equals the offline scan of the same estate, and carries the account id', async () => {
    const run = await scanAgainst(emulator, ['--region', 'us-east-1', '--include-disabled', '--output', 'json']);
    assert.equal(run.code, 1, run.stderr);
    const document = jsonOf(run);
    assert.deepEqual(schemaErrors(document), []);
    assert.equal(document.images.length, 16);
    assert.ok(document.images.every((image) => image.accountId === '111122223333' && image.region === 'us-east-1'));
    const offline = JSON.parse((await runCli(['scan', '--input', 'examples/estate.json', '--region', 'us-east-1', '--output', 'json'])).stdout);
    const strip = (images: Record<string, unknown>[]) => images.map(({ accountId: _accountId, ...rest }) => rest);
    assert.deepEqual(strip(document.images as never), strip(offline.images));
  });

  test('--attributes imdsSupport bootMode tpmSupport verifies DescribeImages one attribute at a time: they agree', async () => {
    emulator.resetStats();
    const run = await scanAgainst(emulator, ['--region', 'us-east-1', '--output', 'json', '--attributes', 'imdsSupport,bootMode,tpmSupport']);
    assert.equal(run.code, 1, run.stderr);
    const document = jsonOf(run) as unknown as { images: { imageId: string; readiness: string; findings: { ruleId: string }[]; attributes: Record<string, unknown> }[] };
    assert.equal(emulator.stats().requestsByAction.DescribeImageAttribute, document.images.length * 3);
    assert.ok(document.images.every((image) => !image.findings.some((finding) => finding.ruleId === 'ATTRIBUTE_MISMATCH')));
    const intruder = document.images.find((image) => image.imageId === 'ami-0a1b2c3d4e5f6000f')!;
    assert.deepEqual(intruder.attributes, { imdsSupport: null, bootMode: null, tpmSupport: null });
    const plain = jsonOf(await scanAgainst(emulator, ['--region', 'us-east-1', '--output', 'json']));
    assert.deepEqual(document.images.map((image) => image.readiness), plain.images.map((image) => image.readiness));
  });

  test('each exit code: 0 with --fail-on none, 1 with findings, 2 for a bad option, 3 when a region fails', async () => {
    assert.equal((await scanAgainst(emulator, ['--region', 'us-east-1', '--fail-on', 'none'])).code, 0);
    assert.equal((await scanAgainst(emulator, ['--region', 'us-east-1', '--fail-on', 'critical'])).code, 1);
    const bad = await scanAgainst(emulator, ['--region', 'us-east-1', '--filter', 'Name=colour,Values=red']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^ami-audit: error: EC2 rejected the image query \(InvalidParameterValue: .*colour/);
    const unknownImage = await scanAgainst(emulator, ['--region', 'us-east-1', '--image-ids', 'ami-0ffffffffffffffff']);
    assert.equal(unknownImage.code, 3);
    assert.match(unknownImage.stderr, /ami-0ffffffffffffffff was not found in us-east-1.*InvalidAMIID\.NotFound/);
  });
});

describe('pagination: 2,500 images', () => {
  let emulator: RunningEmulator;
  before(async () => (emulator = await emulatorFor({ estate: generatedEstate(2500, 7, { allAvailable: true }) })));
  after(() => emulator.close());

  test('three DescribeImages pages, every image exactly once, no attribute call', async () => {
    emulator.resetStats();
    const run = await scanAgainst(emulator, ['--region', 'us-east-1', '--output', 'json', '--fail-on', 'none']);
    assert.equal(run.code, 0, run.stderr);
    const ids = jsonOf(run).images.map((image) => image.imageId);
    assert.equal(ids.length, 2500);
    assert.equal(new Set(ids).size, 2500);
    assert.deepEqual([...ids].sort(), await emulatorImageIds(emulator, { Owners: ['self'] }));
    const stats = emulator.stats();
    assert.equal(stats.requestsByAction.DescribeImages, 3 + 1, 'three pages, plus the reference listing above');
    assert.equal(stats.requestsByAction.DescribeImageAttribute ?? 0, 0);
  });
});

describe('queries give the same set as the emulator’s own answer', () => {
  let emulator: RunningEmulator;
  before(async () => (emulator = await emulatorFor({ estate: generatedEstate(300, 11) })));
  after(() => emulator.close());

  const cases: [string, string[], Parameters<typeof emulatorImageIds>[1]][] = [
    ['owners', ['--owners', 'self'], { Owners: ['self'] }],
    ['executable users', ['--owners', 'self', '--executable-users', 'all'], { Owners: ['self'], ExecutableUsers: ['all'] }],
    ['filters, AND and OR with wildcards', ['--filter', 'Name=architecture,Values=arm64', '--filter', 'Name=name,Values=*web*,*api*'], { Owners: ['self'], Filters: [{ Name: 'architecture', Values: ['arm64'] }, { Name: 'name', Values: ['*web*', '*api*'] }] }],
    ['a tag filter', ['--filter', 'Name=tag:Team,Values=web'], { Owners: ['self'], Filters: [{ Name: 'tag:Team', Values: ['web'] }] }],
    ['deprecated and disabled included', ['--include-deprecated', '--include-disabled'], { Owners: ['self'], IncludeDeprecated: true, IncludeDisabled: true }],
  ];
  for (const [label, args, input] of cases) {
    test(label, async () => {
      const run = await scanAgainst(emulator, ['--region', 'us-east-1', '--output', 'json', '--fail-on', 'none', ...args]);
      assert.equal(run.code, 0, run.stderr);
      const expected = await emulatorImageIds(emulator, input);
      assert.ok(expected.length > 0, 'the query selects something');
      assert.deepEqual(jsonOf(run).images.map((image) => image.imageId).sort(), expected);
    });
  }

  test('image ids', async () => {
    const all = await emulatorImageIds(emulator, { Owners: ['self'] });
    const chosen = [all[3]!, all[50]!, all[99]!];
    const run = await scanAgainst(emulator, ['--region', 'us-east-1', '--output', 'json', '--fail-on', 'none', '--owners', 'self', '--image-ids', ...chosen]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(jsonOf(run).images.map((image) => image.imageId).sort(), [...chosen].sort());
  });
});

describe('attribute fan-out', () => {
  let emulator: RunningEmulator;
  before(async () => (emulator = await emulatorFor({ estate: generatedEstate(120, 3, { allAvailable: true }), latencyMs: 5 })));
  after(() => emulator.close());

  for (const concurrency of [1, 4, 16]) {
    test(`never more than --concurrency ${concurrency} calls in flight at the emulator`, async () => {
      emulator.resetStats();
      const run = await scanAgainst(emulator, ['--region', 'us-east-1', '--output', 'json', '--fail-on', 'none', '--attributes', 'imdsSupport', '--concurrency', String(concurrency)]);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stderr, '', 'nothing on stderr: no warning leaks from Node or the SDK');
      const stats = emulator.stats();
      assert.equal(stats.requestsByAction.DescribeImageAttribute, 120);
      assert.ok(stats.maxInFlightByAction.DescribeImageAttribute! <= concurrency, `max in flight ${stats.maxInFlightByAction.DescribeImageAttribute}`);
      assert.ok(stats.maxInFlightByAction.DescribeImageAttribute! >= Math.min(concurrency, 2), 'calls do overlap');
    });
  }
});

describe('throttling at EC2’s rate (a bucket of 100 refilling 20 a second)', () => {
  let emulator: RunningEmulator;
  before(async () => (emulator = await emulatorFor({ estate: generatedEstate(160, 5, { allAvailable: true }), throttle: 'ec2' })));
  after(() => emulator.close());

  const cases: [string, string[], boolean][] = [
    ['the defaults: the pace adapts to what EC2 grants', ['--concurrency', '20'], true],
    ['capped at EC2\'s own bucket (--attribute-rate 100:20)', ['--attribute-rate', '100:20'], false],
    ['--retry-mode standard: each throttled call backs off on its own', ['--retry-mode', 'standard', '--concurrency', '20'], true],
  ];
  for (const [label, args, mustThrottle] of cases) {
    test(`${label}: the scan completes with every image read, and exits as the findings say`, async () => {
      emulator.resetStats();
      await new Promise((resolve) => setTimeout(resolve, 1000)); // a full bucket for each case
      const run = await scanAgainst(emulator, ['--region', 'us-east-1', '--output', 'json', '--attributes', 'imdsSupport', ...args], {}, 90_000);
      const document = jsonOf(run);
      assert.deepEqual(document.errors, []);
      assert.equal(document.images.length, 160);
      assert.ok(document.images.every((image) => image.readiness !== 'unknown'));
      assert.equal(run.code, document.images.some((image) => image.readiness === 'not-ready') ? 1 : 0);
      if (mustThrottle) assert.ok((emulator.stats().throttledByAction.DescribeImageAttribute ?? 0) > 0, 'the bucket did throttle');
    });
  }
});

describe('failures end in exit 3, named, within a bounded time, and nothing unread is called ready', () => {
  let emulator: RunningEmulator;
  before(async () => (emulator = await emulatorFor({ estate: generatedEstate(30, 9, { allAvailable: true }) })));
  after(() => emulator.close());

  test('a region that fails', async () => {
    emulator.setOptions({ failRegion: 'eu-west-1' });
    try {
      const run = await scanAgainst(emulator, ['--region', 'us-east-1', 'eu-west-1', '--output', 'json', '--max-attempts', '2']);
      assert.equal(run.code, 3);
      const document = jsonOf(run);
      assert.equal(document.summary.complete, false);
      assert.deepEqual(document.errors.map((error) => [error.code, error.region]), [['ServiceError', 'eu-west-1']]);
      assert.match(run.stderr, /^ami-audit: error: DescribeImages in eu-west-1 failed after 2 attempts \(--max-attempts 2\) with InternalError \(HTTP 500\)$/m);
      assert.equal(document.images.length, 30, 'the healthy region is still reported');
    } finally {
      emulator.setOptions({ failRegion: [] });
    }
  });

  test('a call that hangs past --request-timeout', async () => {
    emulator.setOptions({ hangAction: 'DescribeImageAttribute' });
    try {
      const run = await scanAgainst(emulator, ['--region', 'us-east-1', '--output', 'json', '--attributes', 'imdsSupport', '--request-timeout', '0.3', '--max-attempts', '2', '--concurrency', '30'], {}, 30_000);
      assert.equal(run.code, 3, run.stderr);
      assert.ok(run.durationMs < 15_000, `took ${run.durationMs} ms`);
      const document = jsonOf(run);
      assert.equal(document.images.length, 30);
      assert.ok(document.images.every((image) => image.readiness === 'unknown'), 'no image whose attribute was not read is ready');
      assert.equal(document.errors.length, 30);
      assert.ok(document.errors.every((error) => error.code === 'Timeout'));
      assert.match(run.stderr, /DescribeImageAttribute in us-east-1 \(ami-[0-9a-f]+\) timed out after 2 attempts \(--max-attempts 2\): raise --request-timeout/);
    } finally {
      emulator.setOptions({ hangAction: [] });
    }
  });

  test('5xx beyond the retries', async () => {
    emulator.setOptions({ failAction: 'DescribeImages', failError: { code: 'Unavailable', status: 503 } });
    try {
      const run = await scanAgainst(emulator, ['--region', 'us-east-1', '--max-attempts', '3', '--retry-mode', 'standard']);
      assert.equal(run.code, 3);
      assert.match(run.stderr, /DescribeImages in us-east-1 failed after 3 attempts \(--max-attempts 3\) with Unavailable \(HTTP 503\)/);
      assert.match(run.stdout, /^No images were read\.\n0 images: .*SCAN INCOMPLETE: 1 error$/m);
    } finally {
      emulator.setOptions({ failAction: [] });
    }
  });

  test('a missing IAM permission names the permission', async () => {
    const denied = await emulatorFor({ estate: { Accounts: [{ AccountId: '111122223333', DeniedActions: ['DescribeImageAttribute'] }], Regions: { 'us-east-1': { Images: generatedEstate(3, 1).Images } } } });
    try {
      const run = await scanAgainst(denied, ['--region', 'us-east-1', '--checks', 'imds', 'secure-boot']);
      assert.equal(run.code, 3);
      assert.match(run.stderr, /Not authorized to call DescribeImageAttribute in us-east-1 \(ami-[0-9a-f]+\): grant the IAM permission ec2:DescribeImageAttribute/);
      assert.match(run.stdout, /UNKNOWN/);
    } finally {
      await denied.close();
    }
  });
});
