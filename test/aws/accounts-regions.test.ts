import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, test } from 'node:test';
import { DescribeImagesCommand, EC2Client, EC2ServiceException, type Image } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { describeAwsError } from '../../src/aws/describe-aws-error.js';
import { missingImageIds, resolveDefaultRegion, SdkEc2Port } from '../../src/aws/ec2-sdk.js';
import type { AccountPort, Ec2Port, ImageQuery } from '../../src/core/ports.js';
import { checkProfilesExist, readSharedConfig, regionFor } from '../../src/aws/shared-config.js';
import { DEFAULT_CHECKS } from '../../src/core/rules.js';
import { scan, type RegionSelection } from '../../src/core/scan.js';
import type { ImageRecord } from '../../src/core/types.js';
import { AwsCallError, isAmiAuditError } from '../../src/errors.js';
import { anImage, NOW } from '../helpers/builders.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const ec2 = mockClient(EC2Client);
beforeEach(() => ec2.reset());

const query: ImageQuery = { owners: ['self'], executableUsers: [], imageIds: [], filters: [], includeDeprecated: false, includeDisabled: false };

/** An account with an id, a home region, and one image per region it is asked about. */
function anAccount(label: string, accountId: string, homeRegion?: string): AccountPort & { listed: string[] } {
  const listed: string[] = [];
  return {
    label,
    listed,
    ...(homeRegion ? { homeRegion } : {}),
    identify: async () => accountId,
    listRegions: async () => [],
    ec2: (region): Ec2Port => ({
      region,
      async *listImages(): AsyncIterable<ImageRecord[]> {
        listed.push(region);
        yield [anImage({ imageId: `ami-${accountId.slice(0, 8)}`, region, accountId: null })];
      },
      readImageAttribute: async () => ({}),
    }),
  };
}

function scanAccounts(accounts: AccountPort[], regions: RegionSelection, imageIds: string[] = []) {
  return scan(
    { regions, query: { ...query, imageIds }, checks: DEFAULT_CHECKS, attributes: [], concurrency: 4, regionConcurrency: 4 },
    { accounts, now: NOW },
  );
}

describe('each account scans its own region', () => {
  test('without --region, each profile brings its own region, and the scope says which', async () => {
    // GIVEN two profiles whose regions differ
    const staging = anAccount('staging', '111111111111', 'eu-west-1');
    const prod = anAccount('prod', '222222222222', 'us-east-2');
    // WHEN the scan names no region
    const result = await scanAccounts([staging, prod], 'home');
    // THEN each account is read in its own region, and nothing else
    assert.deepEqual(staging.listed, ['eu-west-1']);
    assert.deepEqual(prod.listed, ['us-east-2']);
    assert.deepEqual(result.images.map((image) => [image.accountId, image.region]), [
      ['111111111111', 'eu-west-1'],
      ['222222222222', 'us-east-2'],
    ]);
    assert.deepEqual(result.scope.regions, ['eu-west-1', 'us-east-2']);
    assert.deepEqual(result.scope.accountRegions, [
      { account: 'staging', accountId: '111111111111', regions: ['eu-west-1'] },
      { account: 'prod', accountId: '222222222222', regions: ['us-east-2'] },
    ]);
    assert.equal(result.summary.complete, true);
  });

  test('named regions apply to every account', async () => {
    const result = await scanAccounts([anAccount('a', '111111111111', 'eu-west-1'), anAccount('b', '222222222222', 'us-east-2')], ['ap-south-1']);
    assert.deepEqual(result.scope.accountRegions?.map((entry) => entry.regions), [['ap-south-1'], ['ap-south-1']]);
  });

  test('an account without a home region is a configuration error', async () => {
    await assert.rejects(scanAccounts([anAccount('a', '111111111111')], 'home'), (error: unknown) => isAmiAuditError(error) && error.code === 'NoRegion');
  });

  test('two profiles that reach one account read each of its regions once, and say so', async () => {
    // GIVEN two profiles of the same account, one of another
    const first = anAccount('ci', '111111111111');
    const again = anAccount('ci-admin', '111111111111');
    const other = anAccount('prod', '222222222222');
    // WHEN the three are scanned in two regions
    const result = await scanAccounts([first, again, other], ['us-east-1', 'eu-west-1']);
    // THEN the repeated account adds no image and is reported as skipped, not as an error
    assert.deepEqual(again.listed, []);
    assert.equal(result.images.length, 4);
    assert.deepEqual(
      result.skipped.map((skipped) => [skipped.region, skipped.accountId, skipped.reason]),
      [
        ['us-east-1', '111111111111', 'already scanned with ci: ci-admin reaches the same account'],
        ['eu-west-1', '111111111111', 'already scanned with ci: ci-admin reaches the same account'],
      ],
    );
    assert.deepEqual(result.scope.accountRegions?.map((entry) => [entry.account, entry.regions.length]), [
      ['ci', 2],
      ['ci-admin', 0],
      ['prod', 2],
    ]);
    assert.equal(result.summary.complete, true);
  });

  test('two profiles of one account with different home regions read both regions', async () => {
    const result = await scanAccounts([anAccount('a', '111111111111', 'us-east-1'), anAccount('b', '111111111111', 'eu-west-1')], 'home');
    assert.deepEqual(result.images.map((image) => image.region), ['us-east-1', 'eu-west-1']);
    assert.deepEqual(result.skipped, []);
  });
});

function sdkImage(id: string): Image {
  return { ImageId: id, Name: id, OwnerId: '111122223333', Public: false, Architecture: 'x86_64', State: 'available', ImdsSupport: 'v2.0', BootMode: 'uefi' };
}

function notFound(message: string): EC2ServiceException {
  return new EC2ServiceException({ name: 'InvalidAMIID.NotFound', $fault: 'client', $metadata: { httpStatusCode: 400 }, message });
}

describe('--image-ids with ids that do not exist', () => {
  const present = ['ami-00000000000000001', 'ami-00000000000000002'];
  const absent = ['ami-0000000000000dead', 'ami-0000000000000beef'];

  function scanIds(imageIds: string[]) {
    const client = new EC2Client({ region: 'us-east-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } });
    const account: AccountPort = { label: 'default', identify: async () => '111122223333', listRegions: async () => [], ec2: (region) => new SdkEc2Port(client, { region }) };
    return scanAccounts([account], ['us-east-1'], imageIds);
  }

  test('the images that exist are classified; each missing id is a NotFound error', async () => {
    // GIVEN EC2 refusing the whole call while two ids are unknown (its message names them), then answering
    const inputs: string[][] = [];
    ec2
      .on(DescribeImagesCommand)
      .callsFakeOnce((input: { ImageIds: string[] }) => {
        inputs.push([...input.ImageIds]);
        throw notFound(`The image ids '[${absent.join(', ')}]' do not exist`);
      })
      .callsFakeOnce((input: { ImageIds: string[] }) => {
        inputs.push([...input.ImageIds]);
        return { Images: present.map(sdkImage) };
      });
    // WHEN the scan asks for all four
    const result = await scanIds([present[0]!, absent[0]!, present[1]!, absent[1]!]);
    // THEN it asks again without the missing ids, classifies the rest, and names each missing one
    assert.deepEqual(inputs, [[present[0], absent[0], present[1], absent[1]], present]);
    assert.deepEqual(result.images.map((image) => image.imageId), present);
    assert.deepEqual(
      result.errors.map((error) => [error.code, error.imageId, error.region, error.accountId, error.awsCode]),
      absent.map((id) => ['NotFound', id, 'us-east-1', '111122223333', 'InvalidAMIID.NotFound']),
    );
    assert.match(result.errors[0]!.message, /^Image ami-0000000000000dead was not found in us-east-1/);
    assert.equal(result.summary.complete, false);
  });

  test('when every id is missing, no second call is made', async () => {
    ec2.on(DescribeImagesCommand).rejects(notFound(`The image id '[${absent[0]}]' does not exist`));
    const result = await scanIds([absent[0]!]);
    assert.equal(ec2.commandCalls(DescribeImagesCommand).length, 1);
    assert.deepEqual(result.errors.map((error) => error.imageId), [absent[0]]);
  });

  test('a message naming no requested id is not trusted: the call fails as before', async () => {
    ec2.on(DescribeImagesCommand).rejects(notFound("The image id '[ami-0123456789abcdef0]' does not exist"));
    const result = await scanIds([present[0]!]);
    assert.equal(ec2.commandCalls(DescribeImagesCommand).length, 1);
    assert.equal(result.images.length, 0);
    assert.equal(result.errors[0]!.code, 'NotFound');
    assert.equal(result.errors[0]!.imageId, undefined);
  });

  test('with several regions, an id is missing only when no region holds it, and then it is one error', async () => {
    // GIVEN us-east-1 holding the first id and eu-west-1 the second; a third id in neither
    const unknown = absent[0]!;
    const holds: Record<string, string> = { 'us-east-1': present[0]!, 'eu-west-1': present[1]! };
    const account: AccountPort = {
      label: 'default',
      identify: async () => '111122223333',
      listRegions: async () => [],
      ec2: (region): Ec2Port => ({
        region,
        async *listImages(_query, _signal, onNotFound): AsyncIterable<ImageRecord[]> {
          for (const id of [...present, unknown].filter((id) => id !== holds[region])) {
            onNotFound!({ code: 'NotFound', message: `Image ${id} was not found in ${region}`, region, imageId: id, awsCode: 'InvalidAMIID.NotFound' });
          }
          yield [anImage({ imageId: holds[region]!, region, accountId: null })];
        },
        readImageAttribute: async () => ({}),
      }),
    };
    // WHEN both regions are scanned for the three ids
    const result = await scanAccounts([account], ['us-east-1', 'eu-west-1'], [...present, unknown]);
    // THEN both images are classified and only the third id is an error, once, for no one region
    assert.deepEqual(result.images.map((image) => image.imageId), present);
    assert.deepEqual(result.errors.map((error) => [error.code, error.imageId, error.region, error.accountId]), [['NotFound', unknown, undefined, '111122223333']]);
    assert.match(result.errors[0]!.message, /^Image ami-0000000000000dead was not found in any of the 2 regions scanned/);
  });

  test('missingImageIds reads the emulator and EC2 wordings, and only other errors are left alone', () => {
    assert.deepEqual(missingImageIds(notFound("The image id '[ami-00000000000000001, ami-00000000000000002]' does not exist"), present), present);
    assert.deepEqual(missingImageIds(notFound("The image id 'ami-00000000000000002' does not exist"), present), [present[1]]);
    assert.deepEqual(missingImageIds(new EC2ServiceException({ name: 'InvalidAMIID.Malformed', $fault: 'client', $metadata: {}, message: present[0]! }), present), []);
  });
});

describe('regions and profiles from the shared files', () => {
  function files(config: string, credentials = ''): NodeJS.ProcessEnv {
    const dir = mkdtempSync(join(tmpdir(), 'ami-audit-config-'));
    writeFileSync(join(dir, 'config'), config);
    writeFileSync(join(dir, 'credentials'), credentials);
    return { AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials') };
  }
  const config = '[default]\nregion = us-west-2\n\n[profile staging]\nregion = eu-west-1\n\n[profile prod.eu]\nregion = eu-central-1\n\n[sso-session corp]\nsso_region = us-east-1\n';
  const credentials = '[keys-only]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = secret\nregion = ap-south-1\n';

  test('AWS_REGION, then AWS_DEFAULT_REGION, then the profile, as the AWS CLI does', async () => {
    const env = files(config, credentials);
    const shared = await readSharedConfig(env);
    assert.equal(regionFor('staging', shared, env), 'eu-west-1');
    assert.equal(regionFor('prod.eu', shared, env), 'eu-central-1');
    assert.equal(regionFor('keys-only', shared, env), 'ap-south-1');
    assert.equal(regionFor(undefined, shared, env), 'us-west-2');
    assert.equal(regionFor(undefined, shared, { ...env, AWS_PROFILE: 'staging' }), 'eu-west-1');
    assert.equal(regionFor('staging', shared, { ...env, AWS_DEFAULT_REGION: 'sa-east-1' }), 'sa-east-1');
    assert.equal(regionFor('staging', shared, { ...env, AWS_DEFAULT_REGION: 'sa-east-1', AWS_REGION: 'ca-central-1' }), 'ca-central-1');
    assert.equal(await resolveDefaultRegion('staging', { ...env, AWS_DEFAULT_REGION: 'sa-east-1' }), 'sa-east-1');
  });

  test('no region anywhere is a usage error naming the profile', async () => {
    const env = files('[profile bare]\noutput = json\n');
    await assert.rejects(resolveDefaultRegion('bare', env), (error: unknown) => isAmiAuditError(error) && error.code === 'NoRegion' && /for profile "bare"/.test(error.message));
  });

  test('a profile in neither file is named, with the files that were read; sso-session sections are not profiles', async () => {
    const env = files(config, credentials);
    const shared = await readSharedConfig(env);
    checkProfilesExist(['staging', 'keys-only', 'default', 'prod.eu'], shared);
    assert.throws(
      () => checkProfilesExist(['staging', 'prdo'], shared),
      (error: unknown) =>
        isAmiAuditError(error) &&
        error.code === 'Usage' &&
        error.message.startsWith(`AWS profile "prdo" not found in ${env.AWS_CONFIG_FILE} or ${env.AWS_SHARED_CREDENTIALS_FILE} (profiles there: default, keys-only, prod.eu, staging)`) &&
        !error.message.includes('secret'),
    );
    assert.throws(() => checkProfilesExist(['corp'], shared), /AWS profile "corp" not found/);
  });
});

describe('a scan stopped by --timeout', () => {
  test('an abort is a Timeout without an AWS error code: AbortError is the client\'s own name', () => {
    const aborted = describeAwsError(Object.assign(new Error('Request aborted'), { name: 'AbortError' }), { action: 'DescribeImageAttribute', region: 'us-east-1', imageId: 'ami-00000000000000001' });
    assert.ok(aborted instanceof AwsCallError);
    assert.equal(aborted.scanError.code, 'Timeout');
    assert.equal('awsCode' in aborted.scanError, false);
    const throttled = describeAwsError(Object.assign(new Error('slow down'), { name: 'RequestLimitExceeded', $metadata: { httpStatusCode: 503 } }), { action: 'DescribeImages', region: 'us-east-1' });
    assert.equal((throttled as AwsCallError).scanError.awsCode, 'RequestLimitExceeded');
  });

  test('a listing cut by the deadline is a ScanTimeout without awsCode', async () => {
    const account: AccountPort = {
      label: 'default',
      identify: async () => '111122223333',
      listRegions: async () => [],
      ec2: (region): Ec2Port => ({
        region,
        async *listImages(_query, signal): AsyncIterable<ImageRecord[]> {
          await new Promise((_resolve, reject) => signal!.addEventListener('abort', () => reject(describeAwsError(Object.assign(new Error('aborted'), { name: 'AbortError' }), { action: 'DescribeImages', region }))));
        },
        readImageAttribute: async () => ({}),
      }),
    };
    const result = await scan({ regions: ['us-east-1'], query, checks: DEFAULT_CHECKS, attributes: [], concurrency: 1, regionConcurrency: 1, timeoutMs: 1 }, { accounts: [account], now: NOW });
    assert.deepEqual(result.errors.map((error) => [error.code, error.awsCode]), [['ScanTimeout', undefined]]);
  });
});
