import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeEach, describe, test } from 'node:test';
import {
  DescribeImageAttributeCommand,
  DescribeImagesCommand,
  EC2Client,
  EC2ServiceException,
  type Image,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { SdkEc2Port } from '../../src/aws/ec2-sdk.js';
import type { AccountPort, Ec2Port, ImageQuery } from '../../src/core/ports.js';
import { DEFAULT_CHECKS, type CheckName } from '../../src/core/rules.js';
import { scan } from '../../src/core/scan.js';
import type { ImageAttributeName } from '../../src/core/types.js';
import { isAmiAuditError } from '../../src/errors.js';
import { NOW } from '../helpers/builders.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const ec2 = mockClient(EC2Client);

const defaultQuery: ImageQuery = { owners: ['self'], executableUsers: [], imageIds: [], filters: [], includeDeprecated: false, includeDisabled: false };

function sdkImage(index: number, overrides: Partial<Image> = {}): Image {
  return {
    ImageId: `ami-${index.toString(16).padStart(17, '0')}`,
    Name: `image-${index}`,
    OwnerId: '111122223333',
    Public: false,
    Architecture: 'x86_64',
    State: 'available',
    ImdsSupport: index % 2 === 0 ? 'v2.0' : undefined,
    BootMode: 'uefi',
    ...overrides,
  };
}

function awsError(name: string, httpStatusCode: number, message = `${name} happened`): EC2ServiceException {
  return new EC2ServiceException({ name, $fault: httpStatusCode >= 500 ? 'server' : 'client', $metadata: { httpStatusCode, attempts: 3 }, message });
}

async function runScan(options: { query?: Partial<ImageQuery>; checks?: CheckName[]; attributes?: ImageAttributeName[]; concurrency?: number; regions?: string[] } = {}) {
  const client = new EC2Client({ region: 'us-east-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } });
  return scan(
    {
      regions: options.regions ?? ['us-east-1'],
      query: { ...defaultQuery, ...options.query },
      checks: options.checks ?? DEFAULT_CHECKS,
      attributes: options.attributes ?? [],
      concurrency: options.concurrency ?? 10,
      regionConcurrency: 4,
    },
    { accounts: [anAccount((region) => new SdkEc2Port(client, { region }))], now: NOW },
  );
}

beforeEach(() => ec2.reset());

/** An account whose identity is known; its regions are served by the given ports. */
function anAccount(ec2Port: (region: string) => Ec2Port): AccountPort {
  return {
    label: 'default',
    identify: async () => '111122223333',
    listRegions: async () => [],
    ec2: (region) => ec2Port(region),
  };
}

/**
 * Records each DescribeImages input as it was when sent. The SDK's paginator reuses one input object
 * and sets NextToken on it, so the mock's own call log shows only the last token.
 */
function recordDescribeImages() {
  const inputs: Record<string, unknown>[] = [];
  return {
    inputs,
    record: (output: object) => (input: Record<string, unknown>) => {
      inputs.push(Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)));
      return output;
    },
  };
}

describe('listing with DescribeImages', () => {
  test('reads every page, following NextToken, 1,000 images a page', async () => {
    // GIVEN three pages of images
    const pages = [0, 1, 2].map((page) => Array.from({ length: page < 2 ? 1000 : 500 }, (_, i) => sdkImage(page * 1000 + i)));
    const seen = recordDescribeImages();
    ec2
      .on(DescribeImagesCommand)
      .callsFakeOnce(seen.record({ Images: pages[0], NextToken: 'token-1' }))
      .callsFakeOnce(seen.record({ Images: pages[1], NextToken: 'token-2' }))
      .callsFakeOnce(seen.record({ Images: pages[2] }));
    // WHEN the scan runs
    const result = await runScan();
    // THEN every image is reported exactly once, with three calls whose tokens chain
    assert.equal(result.images.length, 2500);
    assert.equal(new Set(result.images.map((image) => image.imageId)).size, 2500);
    assert.deepEqual(seen.inputs.map((input) => [input.MaxResults, input.NextToken]), [
      [1000, undefined],
      [1000, 'token-1'],
      [1000, 'token-2'],
    ]);
    assert.equal(ec2.commandCalls(DescribeImageAttributeCommand).length, 0);
    assert.equal(result.summary.byReadiness.ready, 1250);
  });

  test('passes every query parameter to DescribeImages', async () => {
    const seen = recordDescribeImages();
    ec2.on(DescribeImagesCommand).callsFake(seen.record({ Images: [] }));
    await runScan({
      query: {
        owners: ['self', '123456789012'],
        executableUsers: ['all'],
        filters: [
          { name: 'architecture', values: ['x86_64', 'arm64'] },
          { name: 'tag:Team', values: ['web'] },
        ],
        includeDeprecated: true,
        includeDisabled: true,
      },
    });
    assert.deepEqual(seen.inputs[0], {
      Owners: ['self', '123456789012'],
      ExecutableUsers: ['all'],
      Filters: [
        { Name: 'architecture', Values: ['x86_64', 'arm64'] },
        { Name: 'tag:Team', Values: ['web'] },
      ],
      IncludeDeprecated: true,
      IncludeDisabled: true,
      MaxResults: 1000,
    });
  });

  test('does not send MaxResults with ImageIds, which EC2 refuses', async () => {
    const seen = recordDescribeImages();
    ec2.on(DescribeImagesCommand).callsFake(seen.record({ Images: [sdkImage(1)] }));
    await runScan({ query: { owners: [], imageIds: ['ami-00000000000000001'] } });
    assert.deepEqual(seen.inputs[0], { ImageIds: ['ami-00000000000000001'] });
  });

  test('scans each region with its own client region', async () => {
    ec2.on(DescribeImagesCommand).resolves({ Images: [sdkImage(1)] });
    const result = await runScan({ regions: ['us-east-1', 'eu-west-1'] });
    assert.deepEqual(result.images.map((image) => image.region), ['us-east-1', 'eu-west-1']);
  });
});

describe('regions', () => {
  test('no more regions in flight than --region-concurrency, each region listed once', async () => {
    let listing = 0;
    let maxListing = 0;
    const listed: string[] = [];
    const port = (region: string): Ec2Port => ({
      region,
      async *listImages() {
        listing += 1;
        maxListing = Math.max(maxListing, listing);
        await sleep(5);
        listed.push(region);
        listing -= 1;
        yield [];
      },
      readImageAttribute: async () => ({}),
    });
    const regions = ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-south-1'];
    const result = await scan(
      { regions, query: defaultQuery, checks: DEFAULT_CHECKS, attributes: [], concurrency: 1, regionConcurrency: 3 },
      { accounts: [anAccount(port)], now: NOW },
    );
    assert.equal(result.errors.length, 0);
    assert.equal(maxListing, 3);
    assert.deepEqual([...listed].sort(), [...regions].sort());
  });

  test('--region all: enabled and opted-in regions are scanned, the others skipped with the account id', async () => {
    const scanned: string[] = [];
    const account: AccountPort = {
      label: 'default',
      identify: async () => '111122223333',
      listRegions: async () => [
        { name: 'us-east-1', optInStatus: 'opt-in-not-required' },
        { name: 'af-south-1', optInStatus: 'opted-in' },
        { name: 'me-south-1', optInStatus: 'not-opted-in' },
      ],
      ec2: (region) => ({
        region,
        async *listImages() {
          scanned.push(region);
          yield [];
        },
        readImageAttribute: async () => ({}),
      }),
    };
    const result = await scan(
      { regions: 'all', query: defaultQuery, checks: DEFAULT_CHECKS, attributes: [], concurrency: 1, regionConcurrency: 2 },
      { accounts: [account], now: NOW },
    );
    assert.deepEqual(scanned.sort(), ['af-south-1', 'us-east-1']);
    assert.deepEqual(result.skipped, [{ accountId: '111122223333', region: 'me-south-1', reason: 'opt-in region not enabled (not-opted-in)' }]);
    assert.deepEqual(result.scope.regions, ['all']);
    assert.equal(result.errors.length, 0);
  });
});

describe('attribute fan-out with DescribeImageAttribute', () => {
  test('never has more calls in flight than --concurrency, and makes one call per image and attribute', async () => {
    ec2.on(DescribeImagesCommand).resolves({ Images: Array.from({ length: 60 }, (_, i) => sdkImage(i)) });
    let inFlight = 0;
    let maxInFlight = 0;
    ec2.on(DescribeImageAttributeCommand).callsFake(async (input: { ImageId: string; Attribute: string }) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await sleep(2);
      inFlight -= 1;
      return input.Attribute === 'imdsSupport' ? { ImageId: input.ImageId, ImdsSupport: { Value: 'v2.0' } } : { ImageId: input.ImageId, BootMode: {} };
    });
    const result = await runScan({ attributes: ['imdsSupport', 'bootMode'], concurrency: 7 });
    assert.equal(ec2.commandCalls(DescribeImageAttributeCommand).length, 120);
    assert.equal(maxInFlight, 7, 'the bound is reached and never passed');
    // The attribute values win: every image now reads v2.0, and an empty BootMode is "unset".
    assert.equal(result.summary.byReadiness.ready, 60);
    assert.ok(result.images.every((image) => image.bootMode === null && image.effectiveBootMode === 'legacy-bios'));
  });

  test('reads only what the selected checks need: uefiData for secure-boot, launchPermission for sharing', async () => {
    ec2.on(DescribeImagesCommand).resolves({ Images: [sdkImage(1, { ImdsSupport: 'v2.0' })] });
    ec2.on(DescribeImageAttributeCommand, { Attribute: 'uefiData' }).resolves({ UefiData: {} });
    ec2.on(DescribeImageAttributeCommand, { Attribute: 'launchPermission' }).resolves({ LaunchPermissions: [{ Group: 'all' }] });
    const result = await runScan({ checks: [...DEFAULT_CHECKS, 'secure-boot', 'sharing'] });
    const attributes = ec2.commandCalls(DescribeImageAttributeCommand).map((call) => call.args[0].input.Attribute).sort();
    assert.deepEqual(attributes, ['launchPermission', 'uefiData']);
    assert.deepEqual(result.images[0]!.findings.map((finding) => finding.ruleId), ['SECURE_BOOT_NOT_CONFIGURED', 'SHARED_OUTSIDE_ACCOUNT']);
    assert.equal(result.images[0]!.public, true);
  });

  test('a failed attribute call makes that image unknown and the scan incomplete; the others are still read', async () => {
    ec2.on(DescribeImagesCommand).resolves({ Images: [sdkImage(2), sdkImage(4)] });
    ec2.on(DescribeImageAttributeCommand).resolves({ ImdsSupport: { Value: 'v2.0' } });
    ec2.on(DescribeImageAttributeCommand, { ImageId: sdkImage(4).ImageId }).rejects(awsError('RequestLimitExceeded', 503, 'Request limit exceeded.'));
    const result = await runScan({ attributes: ['imdsSupport'] });
    assert.deepEqual(result.images.map((image) => image.readiness), ['ready', 'unknown']);
    assert.equal(result.summary.complete, false);
    assert.deepEqual(result.errors, [
      {
        code: 'Throttled',
        message: `DescribeImageAttribute in us-east-1 (${sdkImage(4).ImageId}) was still throttled when the scan stopped: throttled calls wait for as long as --timeout allows, so raise --timeout or scan when fewer callers share the account's EC2 request limits`,
        region: 'us-east-1',
        action: 'DescribeImageAttribute',
        awsCode: 'RequestLimitExceeded',
        imageId: sdkImage(4).ImageId,
        accountId: '111122223333',
      },
    ]);
  });
});

describe('errors', () => {
  test('a missing IAM permission names the action and the permission, and makes the scan incomplete', async () => {
    ec2.on(DescribeImagesCommand).rejects(awsError('UnauthorizedOperation', 403, 'You are not authorized to perform this operation.'));
    const result = await runScan();
    assert.equal(result.summary.complete, false);
    assert.equal(result.errors[0]!.code, 'AccessDenied');
    assert.equal(result.errors[0]!.message, 'Not authorized to call DescribeImages in us-east-1: grant the IAM permission ec2:DescribeImages');
  });

  test('a region that fails does not hide the others', async () => {
    ec2.on(DescribeImagesCommand).resolves({ Images: [sdkImage(2)] });
    const client = new EC2Client({ region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    const failing = new SdkEc2Port(client, { region: 'eu-west-1' });
    failing.listImages = async function* () {
      yield* [];
      throw (await import('../../src/aws/describe-aws-error.js')).describeAwsError(awsError('InternalError', 500), { action: 'DescribeImages', region: 'eu-west-1' });
    };
    const ok = new SdkEc2Port(new EC2Client({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }), { region: 'us-east-1' });
    const result = await scan(
      { regions: ['us-east-1', 'eu-west-1'], query: defaultQuery, checks: DEFAULT_CHECKS, attributes: [], concurrency: 1, regionConcurrency: 2 },
      { accounts: [anAccount((region) => (region === 'eu-west-1' ? failing : ok))], now: NOW },
    );
    assert.equal(result.images.length, 1);
    assert.deepEqual(result.errors.map((error) => [error.code, error.region]), [['ServiceError', 'eu-west-1']]);
    assert.match(result.errors[0]!.message, /DescribeImages in eu-west-1 failed after 3 attempts with InternalError \(HTTP 500\)/);
  });

  test('images listed before a later page fails are kept, and the scan is incomplete', async () => {
    ec2
      .on(DescribeImagesCommand)
      .resolvesOnce({ Images: [sdkImage(2)], NextToken: 't' })
      .rejectsOnce(awsError('Unavailable', 503));
    const result = await runScan();
    assert.equal(result.images.length, 1);
    assert.equal(result.errors[0]!.code, 'ServiceError');
  });

  const fatal: [string, Error, string, RegExp][] = [
    ['no credentials', Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }), 'NoCredentials', /No AWS credentials found: set AWS_PROFILE/],
    ['expired credentials', awsError('ExpiredToken', 400), 'InvalidCredentials', /AWS rejected the credentials \(ExpiredToken\)/],
    ['an unknown filter', awsError('InvalidParameterValue', 400, 'The filter \'colour\' is invalid'), 'Usage', /EC2 rejected the image query \(InvalidParameterValue: The filter 'colour' is invalid\)/],
  ];
  for (const [label, error, code, message] of fatal) {
    test(`${label} stops the scan with a configuration error`, async () => {
      ec2.on(DescribeImagesCommand).rejects(error);
      await assert.rejects(runScan(), (thrown: unknown) => isAmiAuditError(thrown) && thrown.code === code && message.test(thrown.message));
    });
  }

  test('an unknown image id is named and makes the scan incomplete', async () => {
    ec2.on(DescribeImagesCommand).rejects(awsError('InvalidAMIID.NotFound', 400, "The image id '[ami-00000000000000bad]' does not exist"));
    const result = await runScan({ query: { imageIds: ['ami-00000000000000bad'] } });
    assert.equal(result.errors[0]!.code, 'NotFound');
    assert.match(result.errors[0]!.message, /ami-00000000000000bad/);
  });

  test('a timeout says which call and how to raise the limit', async () => {
    ec2.on(DescribeImagesCommand).rejects(Object.assign(new Error('Request timed out'), { name: 'TimeoutError', $metadata: { attempts: 2 } }));
    const result = await runScan();
    assert.equal(result.errors[0]!.code, 'Timeout');
    assert.match(result.errors[0]!.message, /DescribeImages in us-east-1 timed out after 2 attempts: raise --request-timeout/);
  });
});
