import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RawScanOptions } from '../../src/cli/options.js';
import { validateScanOptions } from '../../src/cli/validate-options.js';

const defaults: RawScanOptions = {
  owners: ['self'],
  checks: ['imds', 'tpm', 'boot', 'lifecycle', 'consistency'],
  concurrency: 10,
  regionConcurrency: 4,
  output: 'table',
  failOn: 'high',
  color: true,
  requestTimeout: 20,
  attributeRate: 'off',
};

describe('validateScanOptions', () => {
  test('splits comma lists, parses filters and applies defaults', () => {
    const settings = validateScanOptions(
      { ...defaults, region: ['us-east-1,eu-west-1'], owners: ['self', 'amazon'], filter: ['Name=architecture,Values=arm64'], attributes: ['imdssupport', 'bootMode'] },
      {},
    );
    assert.deepEqual(settings.regions, ['us-east-1', 'eu-west-1']);
    assert.deepEqual(settings.query.owners, ['self', 'amazon']);
    assert.deepEqual(settings.query.filters, [{ name: 'architecture', values: ['arm64'] }]);
    assert.deepEqual(settings.attributes, ['imdsSupport', 'bootMode']);
    assert.equal(settings.maxAttempts, 10);
    assert.equal(settings.retryMode, 'adaptive');
    assert.equal(settings.requestTimeoutMs, 20_000);
    assert.equal(settings.attributeRate, undefined, 'no ceiling: the pace adapts to what EC2 grants');
  });

  test('--attribute-rate sets a ceiling, off (the default) none', () => {
    assert.equal(validateScanOptions({ ...defaults, attributeRate: 'off' }, {}).attributeRate, undefined);
    assert.equal(validateScanOptions({ ...defaults, attributeRate: undefined as unknown as string }, {}).attributeRate, undefined);
    assert.deepEqual(validateScanOptions({ ...defaults, attributeRate: '50:10' }, {}).attributeRate, { capacity: 50, refillPerSecond: 10 });
    assert.deepEqual(validateScanOptions({ ...defaults, attributeRate: '500:250.5' }, {}).attributeRate, { capacity: 500, refillPerSecond: 250.5 });
  });

  test('owners default to self, except when image ids or executable users already narrow the listing', () => {
    const { owners: _owners, ...withoutOwners } = defaults;
    assert.deepEqual(validateScanOptions(withoutOwners, {}).query.owners, ['self']);
    assert.deepEqual(validateScanOptions({ ...withoutOwners, imageIds: ['ami-0123456789abcdef0'] }, {}).query.owners, []);
    assert.deepEqual(validateScanOptions({ ...withoutOwners, executableUsers: ['all'] }, {}).query.owners, []);
    assert.deepEqual(validateScanOptions({ ...withoutOwners, executableUsers: ['all'], owners: ['amazon'] }, {}).query.owners, ['amazon']);
  });

  test('reads AWS_MAX_ATTEMPTS and AWS_RETRY_MODE when the options are absent', () => {
    const settings = validateScanOptions(defaults, { AWS_MAX_ATTEMPTS: '4', AWS_RETRY_MODE: 'standard' });
    assert.equal(settings.maxAttempts, 4);
    assert.equal(settings.retryMode, 'standard');
  });

  test('regions, profiles, role ARNs and image ids named twice are used once, in their first order', () => {
    const settings = validateScanOptions(
      {
        ...defaults,
        region: ['us-east-1,us-east-1', 'eu-west-1', 'us-east-1'],
        profile: ['a', 'b', 'a'],
        roleArn: ['arn:aws:iam::111122223333:role/audit', 'arn:aws:iam::111122223333:role/audit'],
        imageIds: ['ami-0123456789abcdef0', 'ami-0123456789abcdef0', 'ami-12345678'],
      },
      {},
    );
    assert.deepEqual(settings.regions, ['us-east-1', 'eu-west-1']);
    assert.deepEqual(settings.profiles, ['a', 'b']);
    assert.deepEqual(settings.roleArns, ['arn:aws:iam::111122223333:role/audit']);
    assert.deepEqual(settings.query.imageIds, ['ami-0123456789abcdef0', 'ami-12345678']);
  });

  test('a region-shaped name that is not known yet is accepted: AWS adds regions', () => {
    assert.deepEqual(validateScanOptions({ ...defaults, region: ['xx-middle-9', 'eu-wset-1', 'us-gov-west-1', 'cn-northwest-1', 'eusc-de-east-1', 'us-isob-east-1'] }, {}).regions, [
      'xx-middle-9',
      'eu-wset-1',
      'us-gov-west-1',
      'cn-northwest-1',
      'eusc-de-east-1',
      'us-isob-east-1',
    ]);
    assert.equal(validateScanOptions({ ...defaults, region: ['all'] }, {}).regions, 'all');
  });

  const bad: [Partial<RawScanOptions>, RegExp][] = [
    [{ region: ['us-east1'] }, /^--region "us-east1" is not a region name: did you mean us-east-1\?/],
    [{ region: ['US-EAST-2'] }, /did you mean us-east-2\?/],
    [{ region: ['us-east-1;rm -rf'] }, /^--region "us-east-1;rm -rf" is not a region name: did you mean us-east-1\?/],
    [{ region: ['us-east-1\u001b[2J'] }, /^--region "us-east-1" is not a region name/],
    [{ region: [''] }, /^--region has an empty name/],
    [{ region: ['us-east-1,'] }, /^--region has an empty name/],
    [{ region: ['all', 'us-east-1'] }, /--region all scans every enabled region: give it alone/],
    [{ profile: [''] }, /^--profile has an empty name/],
    [{ imageIds: ['ami-xyz'] }, /^--image-ids "ami-xyz" is not an image id: expected ami- and 8 or 17 lower-case hex digits/],
    [{ imageIds: ['0123456789abcdef0'] }, /--image-ids "0123456789abcdef0" is not an image id/],
    [{ attributes: ['blockDeviceMapping'] }, /^--attributes blockDeviceMapping cannot be read: EC2 answers AuthFailure for it by design .*DescribeImages already returns/],
    [{ attributes: ['imdsSupport', 'colour'] }, /Unknown name "colour" in --attributes: choose from description, /],
    [{ checks: ['imds', 'speed'] }, /Unknown name "speed" in --checks/],
    [{ concurrency: '0' }, /--concurrency "0" is not valid: give a whole number from 1 to 100/],
    [{ concurrency: '101' }, /--concurrency "101"/],
    [{ concurrency: 'ten' }, /--concurrency "ten"/],
    [{ output: 'xml' }, /--output "xml" is not valid: choose table, json/],
    [{ failOn: 'severe' }, /--fail-on "severe" is not a severity/],
    [{ endpointUrl: 'localhost:4566' }, /--endpoint-url "localhost:4566" must start with http/],
    [{ endpointUrl: 'not a url' }, /is not a URL/],
    [{ retryMode: 'legacy' }, /--retry-mode "legacy"/],
    [{ attributeRate: 'fast' }, /--attribute-rate "fast" is not valid: give <burst>:<per-second>/],
    [{ attributeRate: '0:20' }, /--attribute-rate "0:20"/],
    [{ input: 'x.json', attributes: ['uefiData'] }, /--input cannot read attributes/],
    [{ input: 'x.json', filter: ['Name=a,Values=b'] }, /do not apply to --input/],
  ];
  for (const [options, message] of bad) {
    test(`rejects ${JSON.stringify(options)}`, () => {
      assert.throws(
        () => validateScanOptions({ ...defaults, ...options }, {}),
        (error: Error & { code?: string }) => error.code === 'Usage' && message.test(error.message),
      );
    });
  }
});

describe('validateScanOptions: --org and its options', () => {
  const usage = (raw: Partial<RawScanOptions>, pattern: RegExp) => assert.throws(() => validateScanOptions({ ...defaults, ...raw }, {}), (error: Error & { code?: string }) => error.code === 'Usage' && pattern.test(error.message) && !error.message.includes('\n'));

  test('--org takes the default role, the accounts, the exclusions and a shard', () => {
    const settings = validateScanOptions({ ...defaults, org: true, accounts: ['111122223333,444455556666'], excludeAccounts: ['444455556666'], shard: '2/3', externalId: 'ext' }, {});
    assert.deepEqual(settings.org, { role: 'OrganizationAccountAccessRole', include: ['111122223333', '444455556666'], exclude: ['444455556666'], shard: { index: 2, count: 3 } });
    assert.equal(settings.externalId, 'ext');
    assert.equal(settings.accountConcurrency, 8);
    assert.equal(validateScanOptions({ ...defaults, org: true, orgRole: 'audit/ami-audit-read', accountConcurrency: '16' }, {}).org!.role, 'audit/ami-audit-read');
    assert.equal(validateScanOptions(defaults, {}).org, undefined);
  });

  test('bad values are one line naming the option and the fix', () => {
    usage({ org: true, shard: '3/2' }, /^--shard "3\/2" is not valid: give <i>\/<n> with 1 <= i <= n/);
    usage({ org: true, shard: '0/2' }, /^--shard "0\/2"/);
    usage({ org: true, shard: 'two' }, /^--shard "two"/);
    usage({ org: true, accounts: ['12345'] }, /^--accounts "12345" is not an AWS account id: give 12 digits/);
    usage({ org: true, excludeAccounts: ['1111222233334'] }, /^--exclude-accounts "1111222233334" is not an AWS account id/);
    usage({ org: true, orgRole: 'arn:aws:iam::111122223333:role/x' }, /^--org-role "arn:aws:iam::111122223333:role\/x" is not an IAM role name/);
    usage({ accountConcurrency: '0' }, /^--account-concurrency "0" is not valid: give a whole number from 1 to 64/);
  });

  test('--org refuses what contradicts it, and its options refuse to go without it', () => {
    usage({ org: true, roleArn: ['arn:aws:iam::111122223333:role/audit'] }, /^--org and --role-arn do not go together/);
    usage({ org: true, profile: ['a', 'b'] }, /^--org lists the organization with one set of credentials: give at most one --profile/);
    usage({ accounts: ['111122223333'] }, /^--accounts goes with --org/);
    usage({ shard: '1/2', excludeAccounts: ['111122223333'] }, /^--exclude-accounts, --shard go with --org/);
    usage({ orgRole: 'ami-audit-read' }, /^--org-role goes with --org/);
    usage({ externalId: 'x' }, /^--external-id goes with --role-arn or --org/);
    usage({ org: true, input: 'images.json' }, /--org need AWS/);
    assert.equal(validateScanOptions({ ...defaults, org: true, profile: ['management'] }, {}).profiles[0], 'management');
  });
});
