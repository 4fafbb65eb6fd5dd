import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { generateImages } from '../../emulator/generate.js';
import type { RichEstateDocument } from '../../emulator/estate.js';
import { roleSessions } from '../../emulator/actions/assume-role.js';
import type { RunningEmulator } from '../../emulator/server.js';
import { emulatorFor, jsonOf, scanAgainst } from '../helpers/emulator.js';
import { lineSchemaErrors } from '../helpers/schema.js';
import { runCli } from '../helpers/run-cli.js';

const ACCOUNT_A = '111122223333';
const ACCOUNT_B = '444455556666';

/** Two accounts; images in three regions; eu-west-1 will fail; af-south-1 is an opt-in region only B enabled. */
const estate: RichEstateDocument = {
  DefaultAccountId: ACCOUNT_A,
  Accounts: [
    { AccountId: ACCOUNT_A, AccessKeyIds: ['AKIDACCOUNTAAAAAAAAA'] },
    { AccountId: ACCOUNT_B, AccessKeyIds: ['AKIDACCOUNTBBBBBBBBB'], Regions: { 'af-south-1': 'opted-in' } },
  ],
  Regions: {
    'us-east-1': { Images: [...generateImages(5, 1, { ownerId: ACCOUNT_A, allAvailable: true }), ...generateImages(4, 2, { ownerId: ACCOUNT_B, allAvailable: true })] },
    'eu-west-1': { Images: generateImages(3, 3, { ownerId: ACCOUNT_A, allAvailable: true }) },
    'ap-southeast-2': { Images: [...generateImages(2, 4, { ownerId: ACCOUNT_A, allAvailable: true }), ...generateImages(6, 5, { ownerId: ACCOUNT_B, allAvailable: true })] },
    'af-south-1': { Images: generateImages(7, 6, { ownerId: ACCOUNT_B, allAvailable: true }) },
  },
};

/** An AWS config directory with one profile per account, as a user would have. */
function awsFiles(): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'ami-audit-aws-'));
  writeFileSync(join(dir, 'credentials'), `[team-a]\naws_access_key_id = AKIDACCOUNTAAAAAAAAA\naws_secret_access_key = secret-a\n\n[team-b]\naws_access_key_id = AKIDACCOUNTBBBBBBBBB\naws_secret_access_key = secret-b\n`);
  writeFileSync(join(dir, 'config'), '[profile team-a]\nregion = us-east-1\n\n[profile team-b]\nregion = us-east-1\n\n[profile nobody]\nregion = us-east-1\n');
  return { AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'), AWS_CONFIG_FILE: join(dir, 'config'), AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' };
}

describe('several accounts and every region', () => {
  let emulator: RunningEmulator;
  let env: Record<string, string>;
  before(async () => {
    emulator = await emulatorFor({ estate });
    env = awsFiles();
  });
  after(() => emulator.close());

  test('two profiles, three named regions: every image carries its account; a failing region makes the scan incomplete', async () => {
    emulator.setOptions({ failRegion: 'eu-west-1' });
    try {
      const run = await scanAgainst(emulator, ['--profile', 'team-a', 'team-b', '--region', 'us-east-1', 'eu-west-1', 'ap-southeast-2', '--output', 'json', '--max-attempts', '1'], env);
      assert.equal(run.code, 3, run.stderr);
      const document = jsonOf(run);
      const count = (account: string, region: string) => document.images.filter((image) => image.accountId === account && image.region === region).length;
      assert.deepEqual(
        [count(ACCOUNT_A, 'us-east-1'), count(ACCOUNT_B, 'us-east-1'), count(ACCOUNT_A, 'ap-southeast-2'), count(ACCOUNT_B, 'ap-southeast-2')],
        [5, 4, 2, 6],
      );
      assert.deepEqual(
        document.errors.map((error) => [error.code, error.region, (error as { accountId?: string }).accountId]).sort(),
        [
          ['ServiceError', 'eu-west-1', ACCOUNT_A],
          ['ServiceError', 'eu-west-1', ACCOUNT_B],
        ],
      );
      assert.match(run.stderr, /DescribeImages in eu-west-1 failed with InternalError \(HTTP 500\) \[account 111122223333\]/);
    } finally {
      emulator.setOptions({ failRegion: [] });
    }
  });

  test('--region all: enabled regions are scanned, opt-in regions not enabled are skipped, not errors', async () => {
    const run = await scanAgainst(emulator, ['--profile', 'team-a', 'team-b', '--region', 'all', '--output', 'json', '--fail-on', 'none'], env);
    assert.equal(run.code, 0, run.stderr);
    const document = jsonOf(run);
    assert.deepEqual(document.errors, []);
    assert.equal(document.images.filter((image) => image.region === 'af-south-1').length, 7, 'B opted in to af-south-1');
    assert.ok(document.images.filter((image) => image.region === 'af-south-1').every((image) => image.accountId === ACCOUNT_B));
    assert.ok(document.skipped.some((skipped) => skipped.region === 'af-south-1' && skipped.accountId === ACCOUNT_A), 'A has not enabled af-south-1');
    assert.ok(!document.skipped.some((skipped) => skipped.region === 'af-south-1' && skipped.accountId === ACCOUNT_B));
    assert.equal(document.images.length, 5 + 4 + 3 + 2 + 6 + 7);
    assert.match(run.stderr, /^ami-audit: skipped af-south-1 in 111122223333: opt-in region not enabled \(not-opted-in\)$/m);
  });

  test('an account whose credentials fail is named, and the other is still reported', async () => {
    // "nobody" is a profile with a region and no credentials.
    const broken = { ...env, AWS_SHARED_CREDENTIALS_FILE: env.AWS_SHARED_CREDENTIALS_FILE! };
    const run = await scanAgainst(emulator, ['--profile', 'team-a', 'nobody', '--region', 'us-east-1', '--output', 'json'], broken);
    assert.equal(run.code, 3, run.stderr);
    const document = jsonOf(run);
    assert.equal(document.images.length, 5);
    assert.match(run.stderr, /Account nobody: /);
  });
});

describe('assuming a role in each account', () => {
  let emulator: RunningEmulator;
  before(async () => (emulator = await emulatorFor({ estate })));
  after(() => emulator.close());

  test('--role-arn: the account of each role is scanned, with the external id and a session name that says ami-audit', async () => {
    const before = roleSessions.length;
    const roles = [`arn:aws:iam::${ACCOUNT_A}:role/audit`, `arn:aws:iam::${ACCOUNT_B}:role/audit`];
    const run = await scanAgainst(emulator, ['--role-arn', ...roles, '--external-id', 'ext-42', '--region', 'us-east-1', '--output', 'json', '--fail-on', 'none']);
    assert.equal(run.code, 0, run.stderr);
    const document = jsonOf(run);
    assert.equal(document.images.filter((image) => image.accountId === ACCOUNT_A).length, 5);
    assert.equal(document.images.filter((image) => image.accountId === ACCOUNT_B).length, 4);
    const sessions = roleSessions.slice(before);
    assert.deepEqual(sessions.map((session) => session.roleArn).sort(), roles);
    assert.ok(sessions.every((session) => session.externalId === 'ext-42' && /^ami-audit-/.test(session.sessionName)));
  });

  test('a role that cannot be assumed is named; the other account is still reported', async () => {
    const run = await scanAgainst(emulator, ['--role-arn', `arn:aws:iam::${ACCOUNT_A}:role/audit`, 'arn:aws:iam::999999999999:role/audit', '--region', 'us-east-1', '--output', 'json']);
    assert.equal(run.code, 3, run.stderr);
    assert.equal(jsonOf(run).images.length, 5);
    assert.match(run.stderr, /arn:aws:iam::999999999999:role\/audit/);
  });

  test('a malformed role ARN is a usage error', async () => {
    const run = await scanAgainst(emulator, ['--role-arn', 'audit-role', '--region', 'us-east-1']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^ami-audit: error: --role-arn "audit-role" is not an IAM role ARN/);
  });
});

describe('streaming NDJSON and time bounds', () => {
  let emulator: RunningEmulator;
  before(async () => (emulator = await emulatorFor({ estate: { Images: generateImages(1500, 8, { allAvailable: true }) } })));
  after(() => emulator.close());

  test('--output ndjson: a valid line per image, then one summary line', async () => {
    const run = await scanAgainst(emulator, ['--region', 'us-east-1', '--output', 'ndjson', '--fail-on', 'none']);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trimEnd().split('\n').map((line) => JSON.parse(line));
    assert.equal(lines.length, 1501);
    for (const line of [lines[0], lines[777], lines.at(-1)]) assert.deepEqual(lineSchemaErrors(line), []);
    assert.ok(lines.slice(0, -1).every((line) => line.type === 'image'));
    assert.equal(lines.at(-1).type, 'summary');
    assert.equal(lines.at(-1).summary.images, 1500);
    assert.equal(new Set(lines.slice(0, -1).map((line) => line.imageId)).size, 1500);
  });

  test('--timeout ends the scan cleanly with exit 3, the images read, and the ones not read named', async () => {
    emulator.setOptions({ latencyByAction: { DescribeImageAttribute: 200 } });
    try {
      // 1,500 attribute reads at 200 ms, 10 at a time, take 30 s: a 4 s timeout stops them whatever the machine.
      const run = await scanAgainst(emulator, ['--region', 'us-east-1', '--output', 'json', '--attributes', 'imdsSupport', '--concurrency', '10', '--timeout', '4'], {}, 30_000);
      assert.equal(run.code, 3, run.stderr);
      assert.ok(run.durationMs < 15_000, `took ${run.durationMs} ms`);
      const document = jsonOf(run);
      const read = document.images.filter((image) => image.readiness !== 'unknown').length;
      assert.ok(read > 0 && read < document.images.length, `read ${read} of ${document.images.length}`);
      const timeouts = document.errors.filter((error) => error.code === 'ScanTimeout');
      // On a slow machine the timeout may come before the second page is listed: then that is named too.
      const listingStopped = timeouts.filter((error) => /^Listing us-east-1 .*stopped at --timeout after 1000 images/.test(error.message));
      assert.equal(document.images.length, listingStopped.length === 1 ? 1000 : 1500);
      assert.equal(timeouts.length - listingStopped.length, document.images.length - read, 'every image not fully read is named');
      assert.match(run.stderr, /^ami-audit: error: us-east-1: [\d,]+ images not fully read, the scan reached --timeout first \(ami-[0-9a-f]+, /m);
    } finally {
      emulator.setOptions({ latencyByAction: {} });
    }
  });

  test('no progress line when stderr is not a terminal; --verbose logs each call without credentials', async () => {
    const quiet = await scanAgainst(emulator, ['--region', 'us-east-1', '--output', 'json', '--fail-on', 'none']);
    assert.equal(quiet.stderr, '');
    const verbose = await scanAgainst(emulator, ['--region', 'us-east-1', '--output', 'json', '--fail-on', 'none', '--verbose']);
    assert.match(verbose.stderr, /^\[api\] GetCallerIdentity us-east-1 \d+ms attempts=1 requestId=/m);
    assert.match(verbose.stderr, /^\[api\] DescribeImages us-east-1 \d+ms attempts=1 requestId=/m);
    assert.doesNotMatch(verbose.stderr, /AKIDEXAMPLE|wJalrXUtnFEMI|Signature=|Authorization/);
  });

  test('a --region all run without any region set uses us-east-1 for the account calls', async () => {
    const run = await runCli(['scan', '--endpoint-url', emulator.url, '--region', 'all', '--output', 'json', '--fail-on', 'none', '--quiet'], {
      env: { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'x' },
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(jsonOf(run).images.length, 1500);
  });
});
