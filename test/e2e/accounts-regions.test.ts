import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { generateImages } from '../../emulator/generate.js';
import type { RichEstateDocument } from '../../emulator/estate.js';
import type { RunningEmulator } from '../../emulator/server.js';
import { emulatorFor, jsonOf, scanAgainst } from '../helpers/emulator.js';
import { schemaErrors } from '../helpers/schema.js';

const STAGING = '111122223333';
const PROD = '444455556666';

/** Two accounts; each holds images in its own region and in us-east-1. */
const estate: RichEstateDocument = {
  DefaultAccountId: STAGING,
  Accounts: [
    { AccountId: STAGING, AccessKeyIds: ['AKIDSTAGINGAAAAAAAAA'] },
    { AccountId: PROD, AccessKeyIds: ['AKIDPRODBBBBBBBBBBBB'] },
  ],
  Regions: {
    'us-east-1': { Images: [...generateImages(5, 1, { ownerId: STAGING, allAvailable: true }), ...generateImages(4, 2, { ownerId: PROD, allAvailable: true })] },
    'eu-west-1': { Images: generateImages(3, 3, { ownerId: STAGING, allAvailable: true }) },
    'ap-southeast-2': { Images: generateImages(6, 4, { ownerId: PROD, allAvailable: true }) },
  },
};

/**
 * AWS config and credentials files as a user would have them: staging in eu-west-1, prod in
 * ap-southeast-2, and a second profile of the staging account. No AWS_REGION, no keys in the environment.
 */
function awsFiles(): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'ami-audit-aws-'));
  writeFileSync(
    join(dir, 'credentials'),
    '[staging]\naws_access_key_id = AKIDSTAGINGAAAAAAAAA\naws_secret_access_key = secret-s\n\n' +
      '[staging-admin]\naws_access_key_id = AKIDSTAGINGAAAAAAAAA\naws_secret_access_key = secret-s\n\n' +
      '[prod]\naws_access_key_id = AKIDPRODBBBBBBBBBBBB\naws_secret_access_key = secret-p\n',
  );
  writeFileSync(join(dir, 'config'), '[profile staging]\nregion = eu-west-1\n\n[profile staging-admin]\nregion = eu-west-1\n\n[profile prod]\nregion = ap-southeast-2\n');
  return {
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
    AWS_CONFIG_FILE: join(dir, 'config'),
    AWS_ACCESS_KEY_ID: '',
    AWS_SECRET_ACCESS_KEY: '',
    AWS_REGION: '',
  };
}

interface ScopeDocument {
  scope: { regions: string[]; accountRegions: { account: string; accountId: string | null; regions: string[] }[] };
}

describe('accounts and their regions', () => {
  let emulator: RunningEmulator;
  let env: Record<string, string>;
  before(async () => {
    emulator = await emulatorFor({ estate });
    env = awsFiles();
  });
  after(() => emulator.close());

  const count = (document: ReturnType<typeof jsonOf>, account: string, region: string) =>
    document.images.filter((image) => image.accountId === account && image.region === region).length;

  test('--profile staging prod without --region: each profile scans its own region, and the scope says so', async () => {
    const run = await scanAgainst(emulator, ['--profile', 'staging', 'prod', '--output', 'json', '--fail-on', 'none'], env);
    assert.equal(run.code, 0, run.stderr);
    const document = jsonOf(run);
    assert.deepEqual([count(document, STAGING, 'eu-west-1'), count(document, PROD, 'ap-southeast-2')], [3, 6]);
    assert.equal(document.images.length, 9, 'no region of the other profile');
    const { scope } = JSON.parse(run.stdout) as ScopeDocument;
    assert.deepEqual(scope.accountRegions, [
      { account: 'staging', accountId: STAGING, regions: ['eu-west-1'] },
      { account: 'prod', accountId: PROD, regions: ['ap-southeast-2'] },
    ]);
    assert.deepEqual(scope.regions, ['eu-west-1', 'ap-southeast-2']);
    assert.deepEqual(schemaErrors(JSON.parse(run.stdout)), []);
  });

  test('AWS_DEFAULT_REGION is honoured after AWS_REGION, before the profile\'s region', async () => {
    const byDefault = jsonOf(await scanAgainst(emulator, ['--profile', 'staging', '--output', 'json', '--fail-on', 'none'], { ...env, AWS_DEFAULT_REGION: 'us-east-1' }));
    assert.deepEqual([byDefault.images.length, count(byDefault, STAGING, 'us-east-1')], [5, 5]);
    const byRegion = jsonOf(await scanAgainst(emulator, ['--profile', 'staging', '--output', 'json', '--fail-on', 'none'], { ...env, AWS_DEFAULT_REGION: 'us-east-1', AWS_REGION: 'eu-west-1' }));
    assert.deepEqual([byRegion.images.length, count(byRegion, STAGING, 'eu-west-1')], [3, 3]);
  });

  test('a profile that does not exist: named with the files read, exit 2, no request sent', async () => {
    emulator.resetStats();
    const run = await scanAgainst(emulator, ['--profile', 'staging', 'prdo', '--region', 'us-east-1'], env);
    assert.equal(run.code, 2, run.stderr);
    assert.equal(
      run.stderr,
      `ami-audit: error: AWS profile "prdo" not found in ${env.AWS_CONFIG_FILE} or ${env.AWS_SHARED_CREDENTIALS_FILE} (profiles there: prod, staging, staging-admin): check the name, or set AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE to the files that define it\n`,
    );
    assert.deepEqual(emulator.stats().requestsByAction, {});
  });

  test('a region typo: exit 2 naming the closest region, before any request', async () => {
    emulator.resetStats();
    for (const region of ['us-east1', 'us-east-1;rm -rf', '']) {
      const run = await scanAgainst(emulator, ['--region', region], env);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, region === '' ? /^ami-audit: error: --region has an empty name/ : /^ami-audit: error: --region ".*" is not a region name: did you mean us-east-1\?/);
      assert.equal(run.stdout, '');
    }
    assert.deepEqual(emulator.stats().requestsByAction, {});
  });

  test('a region, a profile or an account named twice is read once', async () => {
    const repeated = await scanAgainst(emulator, ['--profile', 'staging', 'staging', '--region', 'us-east-1,us-east-1', '--output', 'json', '--fail-on', 'none'], env);
    assert.equal(repeated.code, 0, repeated.stderr);
    assert.equal(jsonOf(repeated).images.length, 5);
    // Two profiles, one account: its images are counted once, and stderr says why the second adds nothing.
    const sameAccount = await scanAgainst(emulator, ['--profile', 'staging', 'staging-admin', 'prod', '--region', 'us-east-1', '--output', 'json', '--fail-on', 'none'], env);
    assert.equal(sameAccount.code, 0, sameAccount.stderr);
    const document = jsonOf(sameAccount);
    assert.deepEqual([count(document, STAGING, 'us-east-1'), count(document, PROD, 'us-east-1')], [5, 4]);
    assert.equal(document.images.length, 9);
    assert.match(sameAccount.stderr, /^ami-audit: skipped us-east-1 in 111122223333: already scanned with staging: staging-admin reaches the same account$/m);
  });

  test('--image-ids with an unknown id: the others are classified, the unknown one is an error, exit 3', async () => {
    const [first, second] = estate.Regions!['us-east-1']!.Images!.map((image) => image.ImageId);
    const unknown = 'ami-0ffffffffffffffff';
    const run = await scanAgainst(emulator, ['--profile', 'staging', '--region', 'us-east-1', '--image-ids', first!, unknown, second!, '--output', 'json', '--fail-on', 'none'], env);
    assert.equal(run.code, 3, run.stderr);
    const document = jsonOf(run);
    assert.deepEqual(document.images.map((image) => image.imageId).sort(), [first, second].sort());
    assert.ok(document.images.every((image) => image.readiness !== 'unknown'));
    assert.deepEqual(document.errors.map((error) => [error.code, error.imageId, error.region]), [['NotFound', unknown, 'us-east-1']]);
    assert.match(run.stderr, /^ami-audit: error: Image ami-0ffffffffffffffff was not found in us-east-1: check the id and the region \(InvalidAMIID\.NotFound\)$/m);
  });

  test('--attributes blockDeviceMapping and a malformed image id are refused before any request', async () => {
    emulator.resetStats();
    const attribute = await scanAgainst(emulator, ['--region', 'us-east-1', '--attributes', 'blockDeviceMapping'], env);
    assert.equal(attribute.code, 2);
    assert.match(attribute.stderr, /^ami-audit: error: --attributes blockDeviceMapping cannot be read: EC2 answers AuthFailure for it by design/);
    const malformed = await scanAgainst(emulator, ['--region', 'us-east-1', '--image-ids', 'ami-nothex'], env);
    assert.equal(malformed.code, 2);
    assert.match(malformed.stderr, /^ami-audit: error: --image-ids "ami-nothex" is not an image id/);
    assert.deepEqual(emulator.stats().requestsByAction, {});
  });
});

describe('a scan stopped by --timeout', () => {
  let emulator: RunningEmulator;
  before(async () => (emulator = await emulatorFor({ estate: { Images: generateImages(300, 9, { allAvailable: true }) } })));
  after(() => emulator.close());

  test('stderr has one line for the unread images of a region; the JSON keeps one error per image, without awsCode', async () => {
    // 300 images, 10 reads a second: the 3 s deadline leaves most of them unread, on any machine.
    emulator.setOptions({ latencyByAction: { DescribeImageAttribute: 500 } });
    try {
      const run = await scanAgainst(emulator, ['--region', 'us-east-1', '--output', 'json', '--attributes', 'imdsSupport', '--concurrency', '5', '--timeout', '3'], {}, 30_000);
      assert.equal(run.code, 3, run.stderr);
      const document = jsonOf(run);
      const unread = document.errors.filter((error) => error.code === 'ScanTimeout');
      assert.ok(unread.length > 100, `${unread.length} unread`);
      assert.ok(unread.every((error) => error.imageId && !('awsCode' in error)));
      const lines = run.stderr.trimEnd().split('\n');
      assert.deepEqual(lines, [
        `ami-audit: error: us-east-1: ${unread.length.toLocaleString('en-US')} images not fully read, the scan reached --timeout first (${unread
          .slice(0, 3)
          .map((error) => error.imageId)
          .join(', ')} and ${(unread.length - 3).toLocaleString('en-US')} more; --output json lists each)`,
      ]);
    } finally {
      emulator.setOptions({ latencyByAction: {} });
    }
  });
});
