// DescribeLaunchTemplates and DescribeLaunchTemplateVersions through the real EC2 client.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DescribeLaunchTemplatesCommand,
  DescribeLaunchTemplateVersionsCommand,
  paginateDescribeLaunchTemplateVersions,
  type LaunchTemplateVersion,
} from '@aws-sdk/client-ec2';
import { parseEstate, type RichEstateDocument } from '../../emulator/estate.js';
import { ec2, rejectsWith, withEmulator } from './helpers.js';

const OWNER = '111122223333';
const OTHER = '444455556666';
const KEYS = { owner: 'AKIAOWNEREXAMPLE0001', other: 'AKIAOTHEREXAMPLE0002' };
const WEB = 'lt-0aaaaaaaaaaaaaaa1';
const BATCH = 'lt-0bbbbbbbbbbbbbbb2';
const SSM = 'lt-0ccccccccccccccc3';

function estate(): RichEstateDocument {
  const many = Array.from({ length: 30 }, (_, i) => ({
    LaunchTemplateId: `lt-1${String(i).padStart(16, '0')}`,
    LaunchTemplateName: `many-${i}`,
    Versions: [{ VersionNumber: 1, ImageId: 'ami-0123456789abcdef0' }],
  }));
  return {
    Accounts: [
      { AccountId: OWNER, AccessKeyIds: [KEYS.owner] },
      { AccountId: OTHER, AccessKeyIds: [KEYS.other] },
    ],
    Regions: {
      'us-east-1': {
        LaunchTemplates: [
          {
            // $Default (2) and $Latest (3) disagree.
            LaunchTemplateId: WEB,
            LaunchTemplateName: 'web',
            DefaultVersionNumber: 2,
            CreateTime: '2026-03-01T00:00:00Z',
            Tags: [{ Key: 'Team', Value: 'web' }],
            Versions: [
              { VersionNumber: 1, ImageId: 'ami-0123456789abcdef0' },
              { VersionNumber: 2, ImageId: 'ami-0123456789abcdef0', MetadataOptions: { HttpTokens: 'optional', HttpPutResponseHopLimit: 1 } },
              { VersionNumber: 3, ImageId: 'ami-0fedcba9876543210', MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled' } },
            ],
          },
          // One version that is both $Latest and $Default.
          { LaunchTemplateId: BATCH, LaunchTemplateName: 'batch', Versions: [{ VersionNumber: 1, ImageId: 'ami-0fedcba9876543210' }] },
          { LaunchTemplateId: SSM, LaunchTemplateName: 'golden', Versions: [{ VersionNumber: 1, ImageId: 'resolve:ssm:/golden/ami' }] },
          { LaunchTemplateId: 'lt-0ddddddddddddddd4', LaunchTemplateName: 'theirs', OwnerId: OTHER, Versions: [{ VersionNumber: 1 }] },
          ...many,
        ],
      },
    },
  };
}

const key = (v: LaunchTemplateVersion) => `${v.LaunchTemplateName}:${v.VersionNumber}`;

test('$Latest and $Default without a template id cover every template of the account, each version once', async () => {
  await withEmulator({ estate: estate() }, async (emulator) => {
    // GIVEN the owner's client
    const client = ec2(emulator, { accessKeyId: KEYS.owner });
    // WHEN it pages through $Latest and $Default of all its templates, 7 at a time
    const versions: LaunchTemplateVersion[] = [];
    let pages = 0;
    for await (const page of paginateDescribeLaunchTemplateVersions({ client, pageSize: 7 }, { Versions: ['$Latest', '$Default'] })) {
      pages++;
      versions.push(...(page.LaunchTemplateVersions ?? []));
    }
    // THEN web gives 2 and 3, batch and golden 1 each, the 30 others 1 each; the other account's is absent
    assert.equal(versions.length, 2 + 1 + 1 + 30);
    assert.equal(pages, 5);
    assert.equal(new Set(versions.map(key)).size, versions.length, 'no version twice');
    assert.ok(!versions.some((v) => v.LaunchTemplateName === 'theirs'));
    const web3 = versions.find((v) => key(v) === 'web:3')!;
    assert.deepEqual(web3, {
      LaunchTemplateId: WEB,
      LaunchTemplateName: 'web',
      VersionNumber: 3,
      CreateTime: new Date('2026-03-03T00:00:00Z'),
      CreatedBy: `arn:aws:iam::${OWNER}:root`,
      DefaultVersion: false,
      LaunchTemplateData: { ImageId: 'ami-0fedcba9876543210', MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled' } },
    });
    const web2 = versions.find((v) => key(v) === 'web:2')!;
    assert.equal(web2.DefaultVersion, true);
    assert.deepEqual(web2.LaunchTemplateData?.MetadataOptions, { HttpTokens: 'optional', HttpPutResponseHopLimit: 1 });
    const batch = versions.find((v) => v.LaunchTemplateName === 'batch')!;
    assert.equal(batch.DefaultVersion, true);
    assert.equal(batch.LaunchTemplateData?.MetadataOptions, undefined, 'a template that sets nothing has no metadata options');
    assert.equal(versions.find((v) => v.LaunchTemplateName === 'golden')?.LaunchTemplateData?.ImageId, 'resolve:ssm:/golden/ami');

    // Only $Default: web's version 2 and no version 3.
    const defaults = await client.send(new DescribeLaunchTemplateVersionsCommand({ Versions: ['$Default'], MaxResults: 200 }));
    assert.ok(defaults.LaunchTemplateVersions?.some((v) => key(v) === 'web:2'));
    assert.ok(!defaults.LaunchTemplateVersions?.some((v) => key(v) === 'web:3'));
    // Filters apply to the versions.
    const optional = await client.send(new DescribeLaunchTemplateVersionsCommand({
      Versions: ['$Latest', '$Default'], Filters: [{ Name: 'http-tokens', Values: ['optional'] }],
    }));
    assert.deepEqual(optional.LaunchTemplateVersions?.map(key), ['web:2']);
  });
});

test('with a template id or name: every version (newest first), numbers, MinVersion/MaxVersion', async () => {
  await withEmulator({ estate: estate() }, async (emulator) => {
    const client = ec2(emulator, { accessKeyId: KEYS.owner });
    const all = await client.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: WEB }));
    assert.deepEqual(all.LaunchTemplateVersions?.map(key), ['web:3', 'web:2', 'web:1']);
    const some = await client.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateName: 'web', Versions: ['1', '$Latest'] }));
    assert.deepEqual(some.LaunchTemplateVersions?.map(key), ['web:3', 'web:1']);
    const range = await client.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: WEB, MinVersion: '2', MaxVersion: '2' }));
    assert.deepEqual(range.LaunchTemplateVersions?.map(key), ['web:2']);
  });
});

test('unknown, malformed or foreign templates and bad requests answer as EC2 does', async () => {
  await withEmulator({ estate: estate() }, async (emulator) => {
    const client = ec2(emulator, { accessKeyId: KEYS.owner });
    const e = await rejectsWith(client.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: 'lt-0eeeeeeeeeeeeeee5' })), 'InvalidLaunchTemplateId.NotFound', 400);
    assert.match(e.message, /lt-0eeeeeeeeeeeeeee5/);
    // Another account's template does not exist for the caller.
    await rejectsWith(client.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: 'lt-0ddddddddddddddd4' })), 'InvalidLaunchTemplateId.NotFound', 400);
    await rejectsWith(client.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateName: 'nope' })), 'InvalidLaunchTemplateName.NotFoundException', 400);
    await rejectsWith(client.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: 'lt-123' })), 'InvalidLaunchTemplateId.Malformed', 400);
    await rejectsWith(client.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: WEB, Versions: ['9'] })), 'InvalidLaunchTemplateId.VersionNotFound', 400);
    await rejectsWith(client.send(new DescribeLaunchTemplateVersionsCommand({ Versions: ['1'] })), 'InvalidParameterValue', 400);
    await rejectsWith(client.send(new DescribeLaunchTemplateVersionsCommand({})), 'MissingParameter', 400);
    await rejectsWith(client.send(new DescribeLaunchTemplateVersionsCommand({ Versions: ['$Latest'], MaxResults: 201 })), 'InvalidParameterValue', 400);
    await rejectsWith(client.send(new DescribeLaunchTemplateVersionsCommand({ Versions: ['$Latest'], Filters: [{ Name: 'imds', Values: ['x'] }] })), 'InvalidParameterValue', 400);
  });
});

test('DescribeLaunchTemplates: the caller\'s templates with default and latest version numbers', async () => {
  await withEmulator({ estate: estate() }, async (emulator) => {
    const client = ec2(emulator, { accessKeyId: KEYS.owner });
    const web = await client.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: [WEB] }));
    assert.deepEqual(web.LaunchTemplates, [{
      LaunchTemplateId: WEB,
      LaunchTemplateName: 'web',
      CreateTime: new Date('2026-03-01T00:00:00Z'),
      CreatedBy: `arn:aws:iam::${OWNER}:root`,
      DefaultVersionNumber: 2,
      LatestVersionNumber: 3,
      Tags: [{ Key: 'Team', Value: 'web' }],
    }]);
    const page = await client.send(new DescribeLaunchTemplatesCommand({ MaxResults: 10 }));
    assert.equal(page.LaunchTemplates?.length, 10);
    assert.ok(page.NextToken);
    const named = await client.send(new DescribeLaunchTemplatesCommand({ Filters: [{ Name: 'launch-template-name', Values: ['many-1*'] }] }));
    assert.equal(named.LaunchTemplates?.length, 11);
    const theirs = await ec2(emulator, { accessKeyId: KEYS.other }).send(new DescribeLaunchTemplatesCommand({}));
    assert.deepEqual(theirs.LaunchTemplates?.map((t) => t.LaunchTemplateName), ['theirs']);
    await rejectsWith(client.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateNames: ['nope'] })), 'InvalidLaunchTemplateName.NotFoundException', 400);
  });
});

test('the estate refuses bad launch templates, naming each problem', () => {
  assert.throws(
    () =>
      parseEstate({
        Regions: {
          'us-east-1': {
            LaunchTemplates: [
              { LaunchTemplateId: 'lt-x', LaunchTemplateName: 'ok-name', DefaultVersionNumber: 4, Versions: [{ VersionNumber: 1, ImageId: 'nope', MetadataOptions: { HttpTokens: 'maybe', HttpPutResponseHopLimit: 99 } }] },
              { LaunchTemplateId: 'lt-0aaaaaaaaaaaaaaa1', LaunchTemplateName: 'x', Versions: [] },
            ],
          },
        },
      }),
    (err: Error) => {
      for (const expected of [
        'Regions.us-east-1.LaunchTemplates[0].LaunchTemplateId: must look like lt-0123456789abcdef0',
        'Regions.us-east-1.LaunchTemplates[0].DefaultVersionNumber: 4 is not one of Versions[].VersionNumber',
        'Regions.us-east-1.LaunchTemplates[0].Versions[0].ImageId: must be an AMI id or resolve:ssm:<parameter>',
        'Regions.us-east-1.LaunchTemplates[0].Versions[0].MetadataOptions.HttpTokens: must be optional or required',
        'Regions.us-east-1.LaunchTemplates[0].Versions[0].MetadataOptions.HttpPutResponseHopLimit: must be an integer from 1 to 64',
        'Regions.us-east-1.LaunchTemplates[1].LaunchTemplateName: must be 3 to 128',
        'Regions.us-east-1.LaunchTemplates[1].Versions: must be a non-empty array',
      ]) {
        assert.ok(err.message.includes(expected), `${expected}\nin\n${err.message}`);
      }
      return true;
    },
  );
});
