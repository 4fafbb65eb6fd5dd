// DescribeRegions, opt-in regions, GetInstanceMetadataDefaults, DescribeInstances,
// STS GetCallerIdentity, and requests the emulator must refuse like EC2 does.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeRegionsCommand,
  GetInstanceMetadataDefaultsCommand,
  paginateDescribeInstances,
} from '@aws-sdk/client-ec2';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { RichEstateDocument } from '../../emulator/estate.js';
import { startEmulator, type RunningEmulator } from '../../emulator/server.js';
import { KEYS, RICH_ESTATE, ec2, rawQuery, rejectsWith, sts, withEmulator } from './helpers.js';

describe('with examples/emulator-estate.json', () => {
  let emulator: RunningEmulator;
  before(async () => {
    emulator = await startEmulator({ estate: RICH_ESTATE });
  });
  after(() => emulator.close());

  test('DescribeRegions lists enabled regions; AllRegions adds the not-opted-in ones', async () => {
    const prod = ec2(emulator, { accessKeyId: KEYS.prod });
    const enabled = (await prod.send(new DescribeRegionsCommand({}))).Regions ?? [];
    const names = enabled.map((r) => r.RegionName);
    assert.ok(names.includes('us-east-1') && names.includes('eu-south-1'));
    assert.ok(!names.includes('ap-east-1'));
    assert.deepEqual(enabled.find((r) => r.RegionName === 'us-east-1'), {
      RegionName: 'us-east-1', Endpoint: 'ec2.us-east-1.amazonaws.com', OptInStatus: 'opt-in-not-required',
    });
    assert.equal(enabled.find((r) => r.RegionName === 'eu-south-1')?.OptInStatus, 'opted-in');
    assert.equal(enabled.length, 18);

    const all = (await prod.send(new DescribeRegionsCommand({ AllRegions: true }))).Regions ?? [];
    assert.equal(all.length, 32);
    assert.equal(all.find((r) => r.RegionName === 'ap-east-1')?.OptInStatus, 'not-opted-in');

    const filtered = await prod.send(new DescribeRegionsCommand({ AllRegions: true, Filters: [{ Name: 'opt-in-status', Values: ['opted-in'] }] }));
    assert.deepEqual(filtered.Regions?.map((r) => r.RegionName), ['eu-south-1']);
    const dev = (await ec2(emulator, { accessKeyId: KEYS.dev }).send(new DescribeRegionsCommand({}))).Regions ?? [];
    assert.equal(dev.length, 17, 'the dev account has not enabled eu-south-1');
  });

  test('calls into a region the account has not enabled fail with AuthFailure', async () => {
    await rejectsWith(ec2(emulator, { region: 'ap-east-1' }).send(new DescribeImagesCommand({ Owners: ['self'] })), 'AuthFailure', 401);
    await rejectsWith(ec2(emulator, { region: 'eu-south-1', accessKeyId: KEYS.dev }).send(new DescribeImagesCommand({})), 'AuthFailure', 401);
    const images = await ec2(emulator, { region: 'eu-south-1', accessKeyId: KEYS.prod }).send(new DescribeImagesCommand({ Owners: ['self'] }));
    assert.deepEqual(images.Images?.map((i) => i.ImageId), ['ami-0f2a3b4c5d6e60001']);
  });

  test('GetInstanceMetadataDefaults per account and region', async () => {
    const euWest = await ec2(emulator, { region: 'eu-west-1', accessKeyId: KEYS.prod }).send(new GetInstanceMetadataDefaultsCommand({}));
    assert.deepEqual(euWest.AccountLevel, {
      HttpTokens: 'required', HttpPutResponseHopLimit: 2, HttpEndpoint: 'enabled', InstanceMetadataTags: 'disabled', HttpTokensEnforced: 'enabled',
    });
    const usEast = await ec2(emulator, { accessKeyId: KEYS.prod }).send(new GetInstanceMetadataDefaultsCommand({}));
    assert.deepEqual(usEast.AccountLevel, {}, 'no defaults: empty accountLevel');
    const dev = await ec2(emulator, { region: 'ap-south-1', accessKeyId: KEYS.dev }).send(new GetInstanceMetadataDefaultsCommand({}));
    assert.deepEqual(dev.AccountLevel, { HttpTokens: 'required', HttpPutResponseHopLimit: 1 }, '"*" applies to every region');
  });

  test('DescribeInstances: the caller\'s instances with metadata options, filters by image-id and state', async () => {
    const prod = ec2(emulator, { accessKeyId: KEYS.prod });
    const out = await prod.send(new DescribeInstancesCommand({}));
    const instances = (out.Reservations ?? []).flatMap((r) => r.Instances ?? []);
    assert.deepEqual(instances.map((i) => i.InstanceId), ['i-0d1e2f3a4b5c60001', 'i-0d1e2f3a4b5c60002', 'i-0d1e2f3a4b5c60003']);
    assert.equal(out.Reservations?.[0]?.OwnerId, '111122223333');
    const first = instances[0]!;
    assert.equal(first.ImageId, 'ami-0b1c2d3e4f5a60001');
    assert.deepEqual(first.State, { Code: 16, Name: 'running' });
    assert.equal(first.InstanceType, 'm7i.large');
    assert.ok(first.LaunchTime instanceof Date);
    assert.deepEqual(first.MetadataOptions, {
      State: 'applied', HttpTokens: 'required', HttpPutResponseHopLimit: 2, HttpEndpoint: 'enabled', HttpProtocolIpv6: 'disabled', InstanceMetadataTags: 'disabled',
    }, 'an ImdsSupport=v2.0 image launches IMDSv2-only with hop limit 2');
    assert.equal(instances[1]!.MetadataOptions?.HttpTokens, 'optional');
    assert.deepEqual(first.Tags, [{ Key: 'Name', Value: 'web-1' }]);

    const byImage = await prod.send(new DescribeInstancesCommand({ Filters: [{ Name: 'image-id', Values: ['ami-0b1c2d3e4f5a60002'] }] }));
    assert.equal(byImage.Reservations?.flatMap((r) => r.Instances ?? []).length, 2);
    const running = await prod.send(new DescribeInstancesCommand({
      Filters: [{ Name: 'image-id', Values: ['ami-0b1c2d3e4f5a60002'] }, { Name: 'instance-state-name', Values: ['running'] }],
    }));
    assert.deepEqual(running.Reservations?.flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId), ['i-0d1e2f3a4b5c60002']);
    const optional = await prod.send(new DescribeInstancesCommand({ Filters: [{ Name: 'metadata-options.http-tokens', Values: ['optional'] }] }));
    assert.equal(optional.Reservations?.length, 1);

    await rejectsWith(prod.send(new DescribeInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'] })), 'InvalidInstanceID.NotFound', 400);
    await rejectsWith(prod.send(new DescribeInstancesCommand({ InstanceIds: ['i-xyz'] })), 'InvalidInstanceID.Malformed', 400);
    await rejectsWith(prod.send(new DescribeInstancesCommand({ Filters: [{ Name: 'imds', Values: ['x'] }] })), 'InvalidParameterValue', 400);
    await rejectsWith(prod.send(new DescribeInstancesCommand({ MaxResults: 3 })), 'InvalidParameterValue', 400);
  });

  test('GetCallerIdentity answers the account of the access key; unknown keys are the default account', async () => {
    const prod = await sts(emulator, { accessKeyId: KEYS.prod }).send(new GetCallerIdentityCommand({}));
    assert.equal(prod.Account, '111122223333');
    assert.equal(prod.Arn, 'arn:aws:iam::111122223333:user/ci-audit');
    assert.ok(prod.UserId);
    const dev = await sts(emulator, { accessKeyId: KEYS.dev, region: 'eu-west-1' }).send(new GetCallerIdentityCommand({}));
    assert.equal(dev.Account, '444455556666');
    assert.equal(dev.Arn, 'arn:aws:sts::444455556666:assumed-role/Auditor/session');
    const unknown = await sts(emulator, { accessKeyId: 'AKIDUNKNOWN' }).send(new GetCallerIdentityCommand({}));
    assert.equal(unknown.Account, '111122223333');
    assert.ok(emulator.stats().requestsByAction.GetCallerIdentity! >= 3);
  });

  test('AssumeRole returns credentials that act as the role\'s account; an unknown account is AccessDenied', async () => {
    const client = sts(emulator, { accessKeyId: KEYS.prod });
    const assumed = await client.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::444455556666:role/Auditor', RoleSessionName: 'ami-audit-1', ExternalId: 'x' }));
    assert.match(assumed.Credentials!.AccessKeyId!, /^ASIA[0-9A-F]{16}$/);
    assert.ok(assumed.Credentials!.SecretAccessKey && assumed.Credentials!.SessionToken);
    assert.ok(assumed.Credentials!.Expiration instanceof Date && assumed.Credentials!.Expiration.getTime() > Date.now());
    assert.equal(assumed.AssumedRoleUser!.Arn, 'arn:aws:sts::444455556666:assumed-role/Auditor/ami-audit-1');
    const asRole = await sts(emulator, { accessKeyId: assumed.Credentials!.AccessKeyId! }).send(new GetCallerIdentityCommand({}));
    assert.equal(asRole.Account, '444455556666');
    await rejectsWith(client.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::000000000000:role/Nope', RoleSessionName: 's' })), 'AccessDenied', 403);
  });
});

test('GetCallerIdentity on the sample estate and its STS XML', async () => {
  await withEmulator({}, async (emulator) => {
    const out = await sts(emulator).send(new GetCallerIdentityCommand({}));
    assert.equal(out.Account, '111122223333');
    const raw = await rawQuery(emulator, 'Action=GetCallerIdentity&Version=2011-06-15', { service: 'sts' });
    assert.match(raw.text, /<GetCallerIdentityResponse xmlns="https:\/\/sts.amazonaws.com\/doc\/2011-06-15\/">\s*<GetCallerIdentityResult>/);
    assert.match(raw.text, /<ResponseMetadata>\s*<RequestId>[0-9a-f-]{36}<\/RequestId>/);
  });
});

test('unknown and missing actions: InvalidAction / MissingAction in the EC2 and STS envelopes', async () => {
  await withEmulator({}, async (emulator) => {
    const ec2Raw = await rawQuery(emulator, 'Action=DescribeVpcs&Version=2016-11-15');
    assert.equal(ec2Raw.status, 400);
    assert.match(
      ec2Raw.text,
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<Response>\s*<Errors>\s*<Error>\s*<Code>InvalidAction<\/Code>\s*<Message>[^<]*DescribeVpcs[^<]*<\/Message>\s*<\/Error>\s*<\/Errors>\s*<RequestID>[0-9a-f-]{36}<\/RequestID>\s*<\/Response>$/,
    );
    const missing = await rawQuery(emulator, 'Version=2016-11-15');
    assert.equal(missing.status, 400);
    assert.match(missing.text, /<Code>MissingAction<\/Code>/);
    const stsRaw = await rawQuery(emulator, 'Action=GetSessionToken&Version=2011-06-15', { service: 'sts' });
    assert.equal(stsRaw.status, 400);
    assert.match(stsRaw.text, /<ErrorResponse xmlns="https:\/\/sts.amazonaws.com\/doc\/2011-06-15\/">\s*<Error>\s*<Type>Sender<\/Type>\s*<Code>InvalidAction<\/Code>/);
  });
});

test('OptInRequired can replace AuthFailure for not-opted-in regions', async () => {
  const estate: RichEstateDocument = {
    NotOptedInError: 'OptInRequired',
    Accounts: [{ AccountId: '123456789012' }],
    Regions: { 'us-east-1': { Images: [] } },
  };
  await withEmulator({ estate }, async (emulator) => {
    await rejectsWith(ec2(emulator, { region: 'me-south-1' }).send(new DescribeRegionsCommand({})), 'OptInRequired', 401);
  });
});

test('DescribeInstances paginates with MaxResults and NextToken', async () => {
  const instances = Array.from({ length: 12 }, (_, n) => ({
    InstanceId: `i-0aaaaaaaaaaaaa${n.toString(16).padStart(3, '0')}`,
    ImageId: 'ami-0aaaaaaaaaaaaaaa1',
    ReservationId: `r-0bbbbbbbbbbbbbb${Math.floor(n / 2).toString(16).padStart(2, '0')}`,
    State: n % 3 === 0 ? 'stopped' : 'running',
  }));
  const estate: RichEstateDocument = {
    Accounts: [{ AccountId: '123456789012' }],
    Regions: { 'us-west-2': { Images: [{ ImageId: 'ami-0aaaaaaaaaaaaaaa1', OwnerId: '123456789012', Name: 'base' }], Instances: instances } },
  };
  await withEmulator({ estate }, async (emulator) => {
    const client = ec2(emulator, { region: 'us-west-2' });
    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginateDescribeInstances({ client, pageSize: 5 }, {})) {
      pages++;
      for (const r of page.Reservations ?? []) {
        assert.equal(r.OwnerId, '123456789012');
        seen.push(...(r.Instances ?? []).map((i) => i.InstanceId!));
      }
    }
    assert.equal(pages, 3);
    assert.deepEqual(seen, instances.map((i) => i.InstanceId));
    const running = await client.send(new DescribeInstancesCommand({ Filters: [{ Name: 'instance-state-name', Values: ['running'] }] }));
    assert.equal(running.Reservations?.flatMap((r) => r.Instances ?? []).length, 8);
    assert.equal(running.NextToken, undefined);
  });
});
