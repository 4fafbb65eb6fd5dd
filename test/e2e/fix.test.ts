// ami-audit fix, end to end: the built CLI against the emulator, each outcome checked in the output,
// the exit code and the emulator's estate afterwards.

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RunningEmulator } from '../../emulator/server.js';
import { emulatorFor, scanAgainst } from '../helpers/emulator.js';
import { FAKE_AWS_ENV, runCli, type CliRun } from '../helpers/run-cli.js';
import { fixSchemaErrors } from '../helpers/schema.js';

const ME = '111122223333';
const OTHER = '444455556666';
const DENIED_KEY = 'AKIADENIEDEXAMPLE001';

const ID = {
  web: 'ami-0f00000000000a001',
  api: 'ami-0f00000000000a002',
  done: 'ami-0f00000000000a003',
  vendor: 'ami-0f00000000000a004',
  shared: 'ami-0f00000000000a005',
  pending: 'ami-0f00000000000a006',
  legacy: 'ami-0f00000000000a007',
  theirs: 'ami-0f00000000000a008',
  dublin: 'ami-0f00000000000b001',
};

const image = (ImageId: string, Name: string, extra: Record<string, unknown> = {}) => ({ ImageId, Name, OwnerId: ME, State: 'available', Public: false, ...extra });

/** A small estate with one image for each outcome; a fresh copy for every emulator. */
function estate(): object {
  return {
    DefaultAccountId: ME,
    Accounts: [
      { AccountId: ME, AccessKeyIds: [FAKE_AWS_ENV.AWS_ACCESS_KEY_ID] },
      { AccountId: OTHER, AccessKeyIds: [DENIED_KEY], DeniedActions: ['ModifyImageAttribute'] },
    ],
    Regions: {
      'us-east-1': {
        Images: [
          image(ID.web, 'web'),
          image(ID.api, 'api'),
          image(ID.done, 'done', { ImdsSupport: 'v2.0' }),
          image(ID.vendor, 'vendor-base', { OwnerId: '137112412989', Public: true }),
          image(ID.shared, 'shared-in', { OwnerId: OTHER, LaunchPermissions: [{ UserId: ME }] }),
          image(ID.pending, 'pending', { State: 'pending' }),
          image(ID.legacy, 'legacy'),
          image(ID.theirs, 'theirs', { OwnerId: OTHER }),
        ],
      },
      'eu-west-1': { Images: [image(ID.dublin, 'dublin')] },
    },
  };
}

interface FixDocument {
  dryRun: boolean;
  aborted: boolean;
  results: { imageId: string; region: string | null; accountId: string | null; action: string; reason: string; imdsSupportBefore?: string | null; imdsSupportAfter?: string | null; verdict?: string; forced?: boolean }[];
  summary: Record<string, number>;
}

function fixAgainst(emulator: RunningEmulator, args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return runCli(['fix', '--endpoint-url', emulator.url, ...args], { env: { ...FAKE_AWS_ENV, ...env } });
}

/** The JSON document of a run, checked against the schema. */
function documentOf(run: CliRun): FixDocument {
  let document: FixDocument;
  try {
    document = JSON.parse(run.stdout) as FixDocument;
  } catch {
    throw new Error(`stdout is not JSON (exit ${run.code}): ${run.stdout.slice(0, 300)} / stderr: ${run.stderr.slice(0, 500)}`);
  }
  assert.deepEqual(fixSchemaErrors(document), []);
  return document;
}

function resultOf(document: FixDocument, imageId: string) {
  const result = document.results.find((candidate) => candidate.imageId === imageId);
  assert.ok(result, `no result for ${imageId}`);
  return result;
}

function imdsInEstate(emulator: RunningEmulator, imageId: string, region = 'us-east-1'): string | undefined {
  return emulator.estate.regions.get(region)!.images.find((candidate) => candidate.ImageId === imageId)!.ImdsSupport;
}

const directory = mkdtempSync(join(tmpdir(), 'ami-audit-fix-'));
let reports = 0;

/** Writes a report of `ami-audit scan --output json` shape (with evidence when a verdict is given) and returns its path. */
function reportFile(images: { imageId: string; region?: string | null; accountId?: string | null; imdsSupport?: string | null; verdict?: string }[]): string {
  const path = join(directory, `report-${(reports += 1)}.json`);
  const document = {
    schemaVersion: 1,
    tool: { name: 'ami-audit', version: '0.1.0' },
    images: images.map((entry) => ({
      imageId: entry.imageId,
      region: entry.region === undefined ? 'us-east-1' : entry.region,
      accountId: entry.accountId === undefined ? ME : entry.accountId,
      name: null,
      ownerId: ME,
      public: false,
      state: 'available',
      imdsSupport: entry.imdsSupport ?? null,
      findings: [],
      ...(entry.verdict ? { evidence: { verdict: entry.verdict } } : {}),
    })),
    summary: { complete: true },
  };
  writeFileSync(path, JSON.stringify(document));
  return path;
}

describe('ami-audit fix: dry runs and refusals (nothing changes)', () => {
  let emulator: RunningEmulator;
  before(async () => {
    emulator = await emulatorFor({ estate: estate() });
  });
  after(() => emulator.close());

  test('a dry run that EC2 allows: would-flag, exit 0, and the images are unchanged', async () => {
    const run = await fixAgainst(emulator, ['--image-ids', ID.web, ID.api, '--output', 'json']);
    assert.equal(run.code, 0, run.stderr);
    const document = documentOf(run);
    assert.equal(document.dryRun, true);
    assert.deepEqual(document.results.map((result) => [result.imageId, result.action, result.accountId, result.region]), [
      [ID.web, 'would-flag', ME, 'us-east-1'],
      [ID.api, 'would-flag', ME, 'us-east-1'],
    ]);
    assert.match(resultOf(document, ID.web).reason, /DryRunOperation.*--apply/);
    assert.equal(imdsInEstate(emulator, ID.web), undefined);
    assert.equal(imdsInEstate(emulator, ID.api), undefined);
  });

  test('the table says what would change and that nothing did', async () => {
    const run = await fixAgainst(emulator, ['--image-ids', ID.web, ID.done]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /│ Image ID +│ Account +│ Region +│ Name +│ ImdsSupport +│ Action +│/);
    assert.match(run.stdout, new RegExp(`${ID.web} +│ ${ME} +│ us-east-1 +│ web +│ unset +│ would-flag`));
    assert.match(run.stdout, new RegExp(`${ID.done}: already: ImdsSupport is already v2.0`));
    assert.match(run.stdout, /Dry run, nothing was changed: 1 would be flagged, 1 already v2.0, 0 refused, 0 failed\. Run again with --apply/);
  });

  test('a dry run that EC2 refuses (UnauthorizedOperation): refused, naming the IAM permission, exit 1', async () => {
    const run = await fixAgainst(emulator, ['--image-ids', ID.theirs, '--output', 'json'], { AWS_ACCESS_KEY_ID: DENIED_KEY });
    assert.equal(run.code, 1, run.stderr);
    const result = resultOf(documentOf(run), ID.theirs);
    assert.equal(result.action, 'refused');
    assert.equal(result.accountId, OTHER);
    assert.match(result.reason, /UnauthorizedOperation.*ec2:ModifyImageAttribute on arn:aws:ec2:us-east-1::image\/ami-0f00000000000a008/);
  });

  test('already v2.0 is a no-op, reported as such: exit 0', async () => {
    const run = await fixAgainst(emulator, ['--image-ids', ID.done, '--output', 'json']);
    assert.equal(run.code, 0, run.stderr);
    const result = resultOf(documentOf(run), ID.done);
    assert.equal(result.action, 'already');
    assert.equal(result.imdsSupportAfter, 'v2.0');
  });

  test('refused with a reason: not owned, a public image of another owner, not available; exit 1', async () => {
    emulator.resetStats();
    const run = await fixAgainst(emulator, ['--image-ids', ID.shared, ID.vendor, ID.pending, ID.web, '--output', 'json']);
    assert.equal(run.code, 1, run.stderr);
    const document = documentOf(run);
    assert.match(resultOf(document, ID.shared).reason, new RegExp(`owned by ${OTHER}, not by account ${ME}: only the owner`));
    assert.match(resultOf(document, ID.vendor).reason, new RegExp(`a public image owned by 137112412989, not by account ${ME}`));
    assert.match(resultOf(document, ID.pending).reason, /its state is pending, not available/);
    assert.deepEqual(document.results.map((result) => result.action), ['refused', 'refused', 'refused', 'would-flag']);
    assert.deepEqual(document.summary, { requested: 4, flagged: 0, wouldFlag: 1, already: 0, refused: 3, failed: 0, notSelected: 0 });
    // None of the refused images was sent to ModifyImageAttribute: one dry run, for the one image left.
    assert.equal(emulator.stats().requestsByAction.ModifyImageAttribute, 1);
  });

  test('an image id that is not in the region: refused as not found', async () => {
    const run = await fixAgainst(emulator, ['--image-ids', ID.dublin, '--region', 'us-east-1', '--output', 'json']);
    assert.equal(run.code, 1, run.stderr);
    assert.match(resultOf(documentOf(run), ID.dublin).reason, /not found in us-east-1/);
  });

  test('--from with --only safe-to-flag: only those images, each in its report\'s region', async () => {
    const report = reportFile([
      { imageId: ID.web, verdict: 'safe-to-flag' },
      { imageId: ID.api, verdict: 'untested' },
      { imageId: ID.legacy, verdict: 'blocked' },
      { imageId: ID.dublin, region: 'eu-west-1', verdict: 'safe-to-flag' },
    ]);
    const run = await fixAgainst(emulator, ['--from', report, '--only', 'safe-to-flag', '--output', 'json']);
    assert.equal(run.code, 0, run.stderr);
    const document = documentOf(run);
    assert.deepEqual(document.results.map((result) => [result.imageId, result.region, result.action, result.verdict]), [
      [ID.web, 'us-east-1', 'would-flag', 'safe-to-flag'],
      [ID.dublin, 'eu-west-1', 'would-flag', 'safe-to-flag'],
    ]);
    assert.equal(document.summary.notSelected, 2);
  });

  test('--only on a report made without --evidence: each image refused with that reason', async () => {
    const scan = await scanAgainst(emulator, ['--image-ids', ID.web, ID.api, '--output', 'json', '--region', 'us-east-1']);
    const report = join(directory, 'scan.json');
    writeFileSync(report, scan.stdout);
    const run = await fixAgainst(emulator, ['--from', report, '--only', 'safe-to-flag', '--output', 'json']);
    assert.equal(run.code, 1, run.stderr);
    const document = documentOf(run);
    assert.equal(document.results.length, 2);
    for (const result of document.results) {
      assert.equal(result.action, 'refused');
      assert.match(result.reason, /made without "scan --evidence"/);
    }
  });

  test('a report of a real scan, without --only: every image of it is tried', async () => {
    const scan = await scanAgainst(emulator, ['--image-ids', ID.web, ID.done, '--output', 'ndjson', '--region', 'us-east-1']);
    const report = join(directory, 'scan.ndjson');
    writeFileSync(report, scan.stdout);
    const run = await fixAgainst(emulator, ['--from', report, '--output', 'json']);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(documentOf(run).results.map((result) => [result.imageId, result.action]), [
      [ID.web, 'would-flag'],
      [ID.done, 'already'],
    ]);
  });

  test('a report image in an account the credentials are not for: refused, naming both accounts', async () => {
    const report = reportFile([{ imageId: ID.web, accountId: '999999999999', verdict: 'safe-to-flag' }]);
    const run = await fixAgainst(emulator, ['--from', report, '--output', 'json']);
    assert.equal(run.code, 1, run.stderr);
    assert.match(resultOf(documentOf(run), ID.web).reason, /account 999999999999, and the credentials given are for account 111122223333: pass --profile or --role-arn/);
  });

  test('a blocked verdict is refused without --force-blocked, saying what it would break', async () => {
    const report = reportFile([{ imageId: ID.legacy, verdict: 'blocked' }]);
    const run = await fixAgainst(emulator, ['--from', report, '--output', 'json']);
    assert.equal(run.code, 1, run.stderr);
    const result = resultOf(documentOf(run), ID.legacy);
    assert.equal(result.action, 'refused');
    assert.match(result.reason, /blocked: instances launched from it still make IMDSv1 calls.*pass --force-blocked/);
  });

  test('--apply without a terminal and without --yes: exit 2, one line, no call made', async () => {
    emulator.resetStats();
    const run = await fixAgainst(emulator, ['--image-ids', ID.web, '--apply']);
    assert.equal(run.code, 2);
    assert.equal(run.stdout, '');
    assert.equal(run.stderr, 'ami-audit: error: fix --apply asks for confirmation and stdin is not a terminal: pass --yes to confirm in advance (nothing was changed)\n');
    assert.deepEqual(emulator.stats().requestsByAction, {});
    assert.equal(imdsInEstate(emulator, ID.web), undefined);
  });

  test('a --from file that is not a report: one line, exit 2', async () => {
    const missing = await fixAgainst(emulator, ['--from', join(directory, 'nope.json')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^ami-audit: error: Cannot read .*nope\.json: no such file\n$/);
    const notJson = join(directory, 'not.json');
    writeFileSync(notJson, 'images: none\n');
    const bad = await fixAgainst(emulator, ['--from', notJson]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^ami-audit: error: .*not\.json: is not valid JSON .*\n$/);
    const describeImages = join(directory, 'describe-images.json');
    writeFileSync(describeImages, JSON.stringify({ Images: [{ ImageId: ID.web }] }));
    const wrong = await fixAgainst(emulator, ['--from', describeImages]);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /^ami-audit: error: .*is not an ami-audit report \(this looks like "aws ec2 describe-images" output/);
    const badVerdict = join(directory, 'bad-verdict.json');
    writeFileSync(badVerdict, JSON.stringify({ schemaVersion: 1, tool: { name: 'ami-audit' }, images: [{ imageId: ID.web, region: 'us-east-1', accountId: ME, name: null, findings: [], evidence: { verdict: 'go\u009b2J' } }], summary: { complete: true } }));
    const verdict = await fixAgainst(emulator, ['--from', badVerdict]);
    assert.equal(verdict.code, 2);
    assert.match(verdict.stderr, /^ami-audit: error: .*"evidence\.verdict" must be one of safe-to-flag, not-needed, untested, blocked, got "go"\n$/);
  });

  test('with --from, --image-ids choose among the report\'s images: one that is not in it is a usage error', async () => {
    const report = reportFile([{ imageId: ID.web, verdict: 'safe-to-flag' }, { imageId: ID.api, verdict: 'safe-to-flag' }]);
    const chosen = await fixAgainst(emulator, ['--from', report, '--image-ids', ID.api, '--output', 'json']);
    assert.equal(chosen.code, 0, chosen.stderr);
    assert.deepEqual(documentOf(chosen).results.map((result) => result.imageId), [ID.api]);
    const missing = await fixAgainst(emulator, ['--from', report, '--image-ids', ID.done]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^ami-audit: error: --image-ids ami-0f00000000000a003 is not in .*report-\d+\.json: with --from, --image-ids chooses among the report's images\n$/);
  });

  test('fix --help: the options, the exit codes and examples; the root help lists fix', async () => {
    const help = await runCli(['fix', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--force-blocked/);
    assert.match(help.stdout, /Exit codes:\n {2}0 {2}every requested image ended flagged, would-flag \(dry run\) or already v2\.0\n {2}1 /);
    assert.match((await runCli(['--help'])).stdout, /\n {2}fix \[options\] +Set ImdsSupport=v2\.0 on AMIs/);
  });

  test('usage errors: no image named, --only without --from, --yes without --apply', async () => {
    for (const [args, message] of [
      [[], /pass --image-ids <ids\.\.\.> or --from <report\.json>/],
      [['--image-ids', ID.web, '--only', 'safe-to-flag'], /--only .* goes with --from/],
      [['--image-ids', ID.web, '--yes'], /--yes confirms --apply/],
      [['--image-ids', 'ami-nope'], /is not an image id/],
      [['--image-ids', ID.web, '--region', 'us-east-1', 'eu-west-1'], /give one --region/],
    ] as const) {
      const run = await fixAgainst(emulator, [...args]);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
      assert.equal(run.stderr.split('\n').length, 2, 'one line');
    }
  });
});

describe('ami-audit fix --apply (each test on a fresh emulator)', () => {
  test('--apply --yes flags the image, reads it back as v2.0, and warns that it cannot be undone', async () => {
    const emulator = await emulatorFor({ estate: estate() });
    try {
      const run = await fixAgainst(emulator, ['--image-ids', ID.web, ID.done, '--apply', '--yes', '--output', 'json']);
      assert.equal(run.code, 0, run.stderr);
      const document = documentOf(run);
      assert.equal(document.dryRun, false);
      const flagged = resultOf(document, ID.web);
      assert.deepEqual([flagged.action, flagged.imdsSupportBefore, flagged.imdsSupportAfter], ['flagged', null, 'v2.0']);
      assert.match(flagged.reason, /set to v2\.0 and read back as v2\.0/);
      assert.equal(resultOf(document, ID.done).action, 'already');
      assert.equal(imdsInEstate(emulator, ID.web), 'v2.0');
      assert.equal(imdsInEstate(emulator, ID.api), undefined, 'an image not named is left alone');
      assert.match(run.stderr, /will set ImdsSupport=v2\.0 on 1 image:\n {2}ami-0f00000000000a001 web \(account 111122223333, us-east-1\), ImdsSupport unset\n/);
      assert.match(run.stderr, /WARNING: This cannot be undone/);
      // Only the image to flag was written: ModifyImageAttribute once, never for the image already v2.0.
      assert.equal(emulator.stats().requestsByAction.ModifyImageAttribute, 1);
    } finally {
      await emulator.close();
    }
  });

  test('a stale report (unset there, v2.0 now): the re-read decides, nothing is written', async () => {
    const emulator = await emulatorFor({ estate: estate() });
    try {
      const report = reportFile([{ imageId: ID.api, imdsSupport: null, verdict: 'safe-to-flag' }]);
      // Someone flagged it after the report was made.
      emulator.estate.regions.get('us-east-1')!.images.find((candidate) => candidate.ImageId === ID.api)!.ImdsSupport = 'v2.0';
      const run = await fixAgainst(emulator, ['--from', report, '--only', 'safe-to-flag', '--apply', '--yes', '--output', 'json']);
      assert.equal(run.code, 0, run.stderr);
      const result = resultOf(documentOf(run), ID.api);
      assert.equal(result.action, 'already');
      assert.match(result.reason, /the report said unset: the image changed since/);
      assert.equal(emulator.stats().requestsByAction.ModifyImageAttribute, undefined);
    } finally {
      await emulator.close();
    }
  });

  test('a stale report (the image changed hands): refused on what EC2 says now', async () => {
    const emulator = await emulatorFor({ estate: estate() });
    try {
      const report = reportFile([{ imageId: ID.web, verdict: 'safe-to-flag' }]);
      emulator.estate.regions.get('us-east-1')!.images.find((candidate) => candidate.ImageId === ID.web)!.State = 'deregistered';
      const run = await fixAgainst(emulator, ['--from', report, '--apply', '--yes', '--output', 'json']);
      assert.equal(run.code, 1, run.stderr);
      assert.match(resultOf(documentOf(run), ID.web).reason, /its state is deregistered, not available/);
      assert.equal(emulator.stats().requestsByAction.ModifyImageAttribute, undefined);
    } finally {
      await emulator.close();
    }
  });

  test('--force-blocked flags a blocked image, and says again what it may break', async () => {
    const emulator = await emulatorFor({ estate: estate() });
    try {
      const report = reportFile([{ imageId: ID.legacy, verdict: 'blocked' }]);
      const run = await fixAgainst(emulator, ['--from', report, '--force-blocked', '--apply', '--yes', '--output', 'json']);
      assert.equal(run.code, 0, run.stderr);
      const result = resultOf(documentOf(run), ID.legacy);
      assert.deepEqual([result.action, result.forced, result.verdict], ['flagged', true, 'blocked']);
      assert.match(result.reason, /forced with --force-blocked: .*may fail to read its metadata/);
      assert.match(run.stderr, /WARNING: ami-0f00000000000a007 is flagged only because of --force-blocked/);
      assert.equal(imdsInEstate(emulator, ID.legacy), 'v2.0');
    } finally {
      await emulator.close();
    }
  });

  test('a write that fails: failed with the error, exit 3, and the other images still done', async () => {
    const emulator = await emulatorFor({ estate: estate(), failAction: 'ModifyImageAttribute', failError: { code: 'InternalError' } });
    try {
      const run = await fixAgainst(emulator, ['--image-ids', ID.web, ID.done, ID.shared, '--apply', '--yes', '--max-attempts', '1', '--output', 'json']);
      assert.equal(run.code, 3, run.stderr);
      const document = documentOf(run);
      assert.deepEqual(document.results.map((result) => result.action), ['failed', 'already', 'refused']);
      assert.match(resultOf(document, ID.web).reason, /ModifyImageAttribute in us-east-1 \(ami-0f00000000000a001\) failed .*InternalError/);
      assert.equal(imdsInEstate(emulator, ID.web), undefined);
    } finally {
      await emulator.close();
    }
  });

  test('--timeout stops a write that hangs: failed, saying the image may or may not have changed, exit 3', async () => {
    const emulator = await emulatorFor({ estate: estate(), hangAction: 'ModifyImageAttribute' });
    try {
      const run = await fixAgainst(emulator, ['--image-ids', ID.web, '--apply', '--yes', '--timeout', '1', '--output', 'json']);
      assert.equal(run.code, 3, run.stderr);
      assert.match(resultOf(documentOf(run), ID.web).reason, /^--timeout reached: the write was stopped before EC2 answered: the image may or may not have been changed/);
    } finally {
      await emulator.close();
    }
  });
});
