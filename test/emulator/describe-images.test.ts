// DescribeImages fidelity: what a real EC2Client reads back from the emulator.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { DescribeImagesCommand, paginateDescribeImages, type EC2Client, type Image } from '@aws-sdk/client-ec2';
import { generatedEstate } from '../../emulator/generate.js';
import { startEmulator, type RunningEmulator } from '../../emulator/server.js';
import { ACCOUNT, KEYS, RICH_ESTATE, SAMPLE_ESTATE, ec2, rawQuery, rejectsWith, withEmulator, xmlWellFormednessError } from './helpers.js';

const NOW = '2026-11-27T00:00:00Z';
const sampleImages = (JSON.parse(readFileSync(SAMPLE_ESTATE, 'utf8')) as { Images: Image[] }).Images;
const ids = (images: Image[] | undefined) => (images ?? []).map((i) => i.ImageId).sort();

describe('DescribeImages on the sample estate', () => {
  let emulator: RunningEmulator;
  let client: EC2Client;
  before(async () => {
    emulator = await startEmulator({ now: NOW });
    client = ec2(emulator);
  });
  after(() => emulator.close());

  test('round-trips every field of examples/estate.json exactly', async () => {
    const out = await client.send(new DescribeImagesCommand({ Owners: ['self'], IncludeDeprecated: true, IncludeDisabled: true }));
    assert.equal(out.Images?.length, sampleImages.length);
    assert.equal(out.NextToken, undefined);
    for (const [i, expected] of sampleImages.entries()) {
      assert.deepStrictEqual(out.Images![i], expected, `image ${expected.ImageId}`);
    }
  });

  test('hostile text XML allows (C1 CSI, bidi overrides) survives exactly; the answer is well-formed XML 1.0', async () => {
    const intruder = sampleImages.find((i) => i.ImageId === 'ami-0a1b2c3d4e5f6000f')!;
    assert.ok(intruder.Name!.includes('\u009b2J') && intruder.Name!.includes('\u202e'));
    const raw = await rawQuery(emulator, 'Action=DescribeImages&Version=2016-11-15&ImageId.1=ami-0a1b2c3d4e5f6000f');
    assert.equal(raw.status, 200);
    assert.ok(raw.text.includes('intruder-&#x9B;2J&#x9B;31mREADY'), 'C1 CSI sent as &#x9B;');
    assert.equal(xmlWellFormednessError(raw.text), undefined);
    const out = await client.send(new DescribeImagesCommand({ ImageIds: ['ami-0a1b2c3d4e5f6000f'] }));
    const img = out.Images![0]!;
    assert.equal(img.Name, intruder.Name);
    assert.equal(img.Description, intruder.Description);
    assert.deepStrictEqual(img.Tags, intruder.Tags);
  });

  test('every DescribeImages answer of the sample estates passes a strict XML 1.0 parser (the AWS CLI would accept it)', async () => {
    // GIVEN the default estate and the richer one, WHEN every image each caller may see is listed
    const answers = [await rawQuery(emulator, 'Action=DescribeImages&Version=2016-11-15&IncludeDeprecated=true&IncludeDisabled=true')];
    await withEmulator({ estate: RICH_ESTATE, now: NOW }, async (rich) => {
      for (const accessKeyId of Object.values(KEYS)) {
        for (const region of ['us-east-1', 'eu-west-1']) {
          answers.push(await rawQuery(rich, 'Action=DescribeImages&Version=2016-11-15&IncludeDeprecated=true&IncludeDisabled=true', { accessKeyId, region }));
        }
      }
    });
    // THEN each answer is well-formed, including the hostile image of the default estate
    assert.ok(answers[0]!.text.includes('ami-0a1b2c3d4e5f6000f'));
    for (const answer of answers) assert.equal(xmlWellFormednessError(answer.text), undefined, answer.text.slice(0, 200));
  });

  test('an error that echoes a forbidden character from the request is still well-formed: the character reads as U+FFFD', async () => {
    const raw = await rawQuery(emulator, `Action=DescribeImages&Version=2016-11-15&ImageId.1=${encodeURIComponent('ami-\u001b[2Jx')}`);
    assert.equal(raw.status, 400);
    assert.equal(xmlWellFormednessError(raw.text), undefined);
    assert.ok(raw.text.includes('ami-\ufffd[2Jx'), raw.text);
  });

  test('answers EC2 XML: declaration, namespaced root, UUID requestId, item lists, lower-case booleans', async () => {
    const raw = await rawQuery(emulator, 'Action=DescribeImages&Version=2016-11-15&Owner.1=self&Filter.1.Name=image-id&Filter.1.Value.1=ami-0a1b2c3d4e5f60007');
    assert.equal(raw.status, 200);
    assert.match(raw.headers.get('content-type') ?? '', /^text\/xml/);
    assert.ok(raw.text.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<DescribeImagesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'));
    assert.match(raw.text, /<requestId>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}<\/requestId>/);
    assert.match(raw.text, /<imagesSet>\s*<item>\s*<imageId>ami-0a1b2c3d4e5f60007<\/imageId>/);
    assert.match(raw.text, /<isPublic>true<\/isPublic>/);
    assert.match(raw.text, /<imageState>available<\/imageState>/);
    assert.match(raw.text, /<imageOwnerId>111122223333<\/imageOwnerId>/);
    assert.match(raw.text, /<tagSet>\s*<item>\s*<key>Team<\/key>/);
    assert.ok(!raw.text.includes('<nextToken>'), 'no nextToken without MaxResults');
    assert.equal(raw.headers.get('x-amzn-requestid'), /<requestId>(.*)<\/requestId>/.exec(raw.text)![1]);
  });

  test('disabled images only with IncludeDisabled; the owner always sees his deprecated images', async () => {
    const plain = await client.send(new DescribeImagesCommand({ Owners: ['self'] }));
    assert.equal(plain.Images?.length, 15);
    assert.ok(!ids(plain.Images).includes('ami-0a1b2c3d4e5f6000c'), 'disabled image hidden');
    assert.ok(ids(plain.Images).includes('ami-0a1b2c3d4e5f60008'), 'own deprecated image listed');
    const withDisabled = await client.send(new DescribeImagesCommand({ Owners: ['self'], IncludeDisabled: true }));
    assert.equal(withDisabled.Images?.length, 16);
    const noOwner = await client.send(new DescribeImagesCommand({}));
    assert.equal(noOwner.Images?.length, 15, 'default visibility: every launchable image');
  });

  test('ImageIds: found, not found (400 naming the id), malformed', async () => {
    const out = await client.send(new DescribeImagesCommand({ ImageIds: ['ami-0a1b2c3d4e5f60003', 'ami-0a1b2c3d4e5f60005'] }));
    assert.deepEqual(ids(out.Images), ['ami-0a1b2c3d4e5f60003', 'ami-0a1b2c3d4e5f60005']);
    const e = await rejectsWith(client.send(new DescribeImagesCommand({ ImageIds: ['ami-0123456789abcdef0'] })), 'InvalidAMIID.NotFound', 400);
    assert.match(e.message, /ami-0123456789abcdef0/);
    await rejectsWith(client.send(new DescribeImagesCommand({ ImageIds: ['ami-xyz'] })), 'InvalidAMIID.Malformed', 400);
    await rejectsWith(client.send(new DescribeImagesCommand({ ImageIds: ['i-0123456789abcdef0'] })), 'InvalidAMIID.Malformed', 400);
  });

  test('filters: wildcards, values OR, filters AND, tags, booleans', async () => {
    const q = async (Filters: { Name: string; Values: string[] }[]) =>
      ids((await client.send(new DescribeImagesCommand({ Owners: ['self'], Filters }))).Images);
    assert.deepEqual(await q([{ Name: 'name', Values: ['web-*'] }]), ['ami-0a1b2c3d4e5f60001', 'ami-0a1b2c3d4e5f60002', 'ami-0a1b2c3d4e5f60010']);
    assert.deepEqual(await q([{ Name: 'name', Values: ['web-al?-2024.06.1'] }]), ['ami-0a1b2c3d4e5f60002']);
    assert.deepEqual(await q([{ Name: 'name', Values: ['web-al?-*'] }]), ['ami-0a1b2c3d4e5f60002'], '? is exactly one character');
    assert.deepEqual(await q([{ Name: 'architecture', Values: ['arm64'] }]), ['ami-0a1b2c3d4e5f60005', 'ami-0a1b2c3d4e5f60006', 'ami-0a1b2c3d4e5f6000e']);
    assert.deepEqual(
      await q([{ Name: 'boot-mode', Values: ['legacy-bios', 'uefi-preferred'] }]),
      ['ami-0a1b2c3d4e5f60003', 'ami-0a1b2c3d4e5f60009', 'ami-0a1b2c3d4e5f6000e'],
      'several values OR',
    );
    assert.deepEqual(
      await q([{ Name: 'architecture', Values: ['arm64'] }, { Name: 'tag:Environment', Values: ['staging'] }]),
      ['ami-0a1b2c3d4e5f60006', 'ami-0a1b2c3d4e5f6000e'],
      'several filters AND',
    );
    assert.deepEqual(await q([{ Name: 'tag:Team', Values: ['ba*'] }]), ['ami-0a1b2c3d4e5f60003', 'ami-0a1b2c3d4e5f60004']);
    assert.equal((await q([{ Name: 'tag-key', Values: ['Team'] }])).length, 15);
    assert.deepEqual(await q([{ Name: 'is-public', Values: ['true'] }]), ['ami-0a1b2c3d4e5f60007']);
    assert.deepEqual(await q([{ Name: 'platform', Values: ['windows'] }]), ['ami-0a1b2c3d4e5f60009']);
    assert.deepEqual(await q([{ Name: 'state', Values: ['pending', 'failed'] }]), ['ami-0a1b2c3d4e5f6000a', 'ami-0a1b2c3d4e5f6000b']);
    assert.deepEqual(await q([{ Name: 'creation-date', Values: ['2024-06-11T*'] }]), ['ami-0a1b2c3d4e5f60002']);
    assert.equal((await q([{ Name: 'root-device-type', Values: ['ebs'] }])).length, 15);
    assert.equal((await q([{ Name: 'name', Values: ['WEB-*'] }])).length, 0, 'case-sensitive');
  });

  test('an unknown filter name is InvalidParameterValue', async () => {
    const e = await rejectsWith(
      client.send(new DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: 'imds-support', Values: ['v2.0'] }] })),
      'InvalidParameterValue',
      400,
    );
    assert.match(e.message, /imds-support/);
  });

  test('Owners: self, account id, alias; malformed owner', async () => {
    assert.equal((await client.send(new DescribeImagesCommand({ Owners: [ACCOUNT] }))).Images?.length, 15);
    assert.equal((await client.send(new DescribeImagesCommand({ Owners: ['123456789012'] }))).Images?.length, 0);
    assert.equal((await client.send(new DescribeImagesCommand({ Owners: ['amazon'] }))).Images?.length, 0);
    await rejectsWith(client.send(new DescribeImagesCommand({ Owners: ['nobody'] })), 'InvalidUserID.Malformed', 400);
  });

  test('MaxResults range and combinations', async () => {
    await rejectsWith(client.send(new DescribeImagesCommand({ Owners: ['self'], MaxResults: 4 })), 'InvalidParameterValue', 400);
    await rejectsWith(client.send(new DescribeImagesCommand({ Owners: ['self'], MaxResults: 1001 })), 'InvalidParameterValue', 400);
    await rejectsWith(
      client.send(new DescribeImagesCommand({ ImageIds: ['ami-0a1b2c3d4e5f60001'], MaxResults: 5 })),
      'InvalidParameterCombination',
      400,
    );
    await rejectsWith(client.send(new DescribeImagesCommand({ Owners: ['self'], MaxResults: 5, NextToken: 'bogus' })), 'InvalidPaginationToken', 400);
    const first = await client.send(new DescribeImagesCommand({ Owners: ['self'], MaxResults: 5 }));
    assert.equal(first.Images?.length, 5);
    assert.ok(first.NextToken);
    await rejectsWith(
      client.send(new DescribeImagesCommand({ Owners: ['self'], MaxResults: 5, NextToken: first.NextToken, Filters: [{ Name: 'state', Values: ['available'] }] })),
      'InvalidPaginationToken',
      400,
    );
  });
});

test('paginateDescribeImages with MaxResults 5 returns every image exactly once', async () => {
  const estate = generatedEstate(23, 42, { allAvailable: true, deprecatedShare: 0 });
  await withEmulator({ estate, now: NOW }, async (emulator) => {
    const client = ec2(emulator);
    const seen: string[] = [];
    const tokens: string[] = [];
    const pageSizes: number[] = [];
    for await (const page of paginateDescribeImages({ client, pageSize: 5 }, { Owners: ['self'] })) {
      pageSizes.push(page.Images?.length ?? 0);
      seen.push(...(page.Images ?? []).map((i) => i.ImageId!));
      if (page.NextToken) tokens.push(page.NextToken);
    }
    assert.deepEqual(pageSizes, [5, 5, 5, 5, 3]);
    assert.equal(new Set(seen).size, 23);
    assert.deepEqual(seen.sort(), estate.Images.map((i) => i.ImageId).sort());
    assert.equal(new Set(tokens).size, 4, 'distinct opaque tokens');
    assert.equal(emulator.stats().requestsByAction.DescribeImages, 5);
  });
});

test('pageSizeCap returns short pages and pagination still covers everything', async () => {
  const estate = generatedEstate(12, 7, { allAvailable: true, deprecatedShare: 0 });
  await withEmulator({ estate, pageSizeCap: 5 }, async (emulator) => {
    const client = ec2(emulator);
    let count = 0;
    let pages = 0;
    for await (const page of paginateDescribeImages({ client, pageSize: 1000 }, { Owners: ['self'] })) {
      pages++;
      count += page.Images?.length ?? 0;
    }
    assert.equal(count, 12);
    assert.equal(pages, 3);
  });
});

describe('DescribeImages across accounts (examples/emulator-estate.json)', () => {
  let emulator: RunningEmulator;
  before(async () => {
    emulator = await startEmulator({ estate: RICH_ESTATE, now: NOW });
  });
  after(() => emulator.close());

  test('each caller sees own, public and shared images (account, organization, OU)', async () => {
    const prod = await ec2(emulator, { accessKeyId: KEYS.prod }).send(new DescribeImagesCommand({}));
    assert.deepEqual(ids(prod.Images), [
      'ami-0a0b0c0d0e0f00001', 'ami-0b1c2d3e4f5a60001', 'ami-0b1c2d3e4f5a60002', 'ami-0b1c2d3e4f5a60003',
      'ami-0b1c2d3e4f5a60004', 'ami-0b1c2d3e4f5a60005',
    ]);
    const dev = await ec2(emulator, { accessKeyId: KEYS.dev }).send(new DescribeImagesCommand({}));
    assert.deepEqual(
      ids(dev.Images),
      ['ami-0a0b0c0d0e0f00001', 'ami-0b1c2d3e4f5a60001', 'ami-0b1c2d3e4f5a60002', 'ami-0b1c2d3e4f5a60003', 'ami-0b1c2d3e4f5a60004', 'ami-0c1d2e3f4a5b60001'],
      'shared by id, by organization and by OU; the deprecated shared image is hidden',
    );
    const outside = await ec2(emulator, { accessKeyId: KEYS.outside }).send(new DescribeImagesCommand({}));
    assert.deepEqual(ids(outside.Images), ['ami-0a0b0c0d0e0f00001', 'ami-0b1c2d3e4f5a60004'], 'public images only');
  });

  test('deprecated images of others: IncludeDeprecated or asking by id', async () => {
    const dev = ec2(emulator, { accessKeyId: KEYS.dev });
    const withDeprecated = await dev.send(new DescribeImagesCommand({ IncludeDeprecated: true }));
    assert.ok(ids(withDeprecated.Images).includes('ami-0b1c2d3e4f5a60005'));
    const byId = await dev.send(new DescribeImagesCommand({ ImageIds: ['ami-0b1c2d3e4f5a60005'] }));
    assert.equal(byId.Images?.[0]?.DeprecationTime, '2024-01-10T10:00:00.000Z');
  });

  test('an image the caller may not launch is InvalidAMIID.NotFound', async () => {
    const outside = ec2(emulator, { accessKeyId: KEYS.outside });
    await rejectsWith(outside.send(new DescribeImagesCommand({ ImageIds: ['ami-0b1c2d3e4f5a60001'] })), 'InvalidAMIID.NotFound', 400);
  });

  test('Owners amazon and account ids; ExecutableUsers all, self and an account id', async () => {
    const prod = ec2(emulator, { accessKeyId: KEYS.prod });
    const amazon = await prod.send(new DescribeImagesCommand({ Owners: ['amazon'] }));
    assert.deepEqual(ids(amazon.Images), ['ami-0a0b0c0d0e0f00001']);
    assert.equal(amazon.Images?.[0]?.ImageOwnerAlias, 'amazon');
    const all = await prod.send(new DescribeImagesCommand({ ExecutableUsers: ['all'] }));
    assert.deepEqual(ids(all.Images), ['ami-0a0b0c0d0e0f00001', 'ami-0b1c2d3e4f5a60004']);
    const sharedWithDev = await prod.send(new DescribeImagesCommand({ ExecutableUsers: ['444455556666'], IncludeDeprecated: true }));
    assert.deepEqual(ids(sharedWithDev.Images), ['ami-0b1c2d3e4f5a60001', 'ami-0b1c2d3e4f5a60005']);

    const dev = ec2(emulator, { accessKeyId: KEYS.dev });
    const self = await dev.send(new DescribeImagesCommand({ ExecutableUsers: ['self'] }));
    assert.deepEqual(ids(self.Images), ['ami-0b1c2d3e4f5a60001', 'ami-0b1c2d3e4f5a60002', 'ami-0b1c2d3e4f5a60003', 'ami-0c1d2e3f4a5b60001']);
    const fromProd = await dev.send(new DescribeImagesCommand({ Owners: ['111122223333'], ExecutableUsers: ['self'] }));
    assert.deepEqual(ids(fromProd.Images), ['ami-0b1c2d3e4f5a60001', 'ami-0b1c2d3e4f5a60002', 'ami-0b1c2d3e4f5a60003']);
  });

  test('images live in their region', async () => {
    const euWest = await ec2(emulator, { region: 'eu-west-1' }).send(new DescribeImagesCommand({ Owners: ['self'] }));
    assert.deepEqual(ids(euWest.Images), ['ami-0e1f2a3b4c5d60001', 'ami-0e1f2a3b4c5d60002']);
    const usWest = await ec2(emulator, { region: 'us-west-2' }).send(new DescribeImagesCommand({ Owners: ['self'] }));
    assert.deepEqual(usWest.Images, []);
  });
});
