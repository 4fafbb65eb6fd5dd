// DescribeImageAttribute, ModifyImageAttribute and RegisterImage fidelity.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  DescribeImageAttributeCommand,
  DescribeImagesCommand,
  ModifyImageAttributeCommand,
  RegisterImageCommand,
  type EC2Client,
  type ImageAttributeName,
} from '@aws-sdk/client-ec2';
import { startEmulator, type RunningEmulator } from '../../emulator/server.js';
import { KEYS, RICH_ESTATE, ec2, rawQuery, rejectsWith, withEmulator } from './helpers.js';

describe('DescribeImageAttribute', () => {
  let emulator: RunningEmulator;
  let prod: EC2Client;
  before(async () => {
    emulator = await startEmulator({ estate: RICH_ESTATE });
    prod = ec2(emulator, { accessKeyId: KEYS.prod });
  });
  after(() => emulator.close());

  const read = (ImageId: string, Attribute: ImageAttributeName) => prod.send(new DescribeImageAttributeCommand({ ImageId, Attribute }));

  test('every value attribute, set', async () => {
    const id = 'ami-0b1c2d3e4f5a60001';
    const expected: [ImageAttributeName, string, string][] = [
      ['description', 'Description', 'web-al2023-2026.10.0'],
      ['sriovNetSupport', 'SriovNetSupport', 'simple'],
      ['bootMode', 'BootMode', 'uefi'],
      ['tpmSupport', 'TpmSupport', 'v2.0'],
      ['uefiData', 'UefiData', 'UV1TU0IAAAAA'],
      ['lastLaunchedTime', 'LastLaunchedTime', '2026-11-20T07:00:00Z'],
      ['imdsSupport', 'ImdsSupport', 'v2.0'],
      ['deregistrationProtection', 'DeregistrationProtection', 'enabled-with-cooldown'],
    ];
    for (const [attribute, field, value] of expected) {
      const out = (await read(id, attribute)) as unknown as Record<string, unknown>;
      assert.equal(out.ImageId, id);
      assert.deepEqual(out[field], { Value: value }, attribute);
    }
  });

  test('unset attributes are empty values, not errors', async () => {
    const id = 'ami-0b1c2d3e4f5a60002';
    const expected: [ImageAttributeName, string][] = [
      ['kernel', 'KernelId'], ['ramdisk', 'RamdiskId'], ['bootMode', 'BootMode'], ['tpmSupport', 'TpmSupport'],
      ['uefiData', 'UefiData'], ['lastLaunchedTime', 'LastLaunchedTime'], ['imdsSupport', 'ImdsSupport'],
      ['deregistrationProtection', 'DeregistrationProtection'],
    ];
    for (const [attribute, field] of expected) {
      const out = (await read(id, attribute)) as unknown as Record<string, unknown>;
      assert.deepEqual(out[field], {}, attribute);
    }
    const raw = await rawQuery(emulator, `Action=DescribeImageAttribute&Version=2016-11-15&ImageId=${id}&Attribute=bootMode`, { accessKeyId: KEYS.prod });
    assert.match(raw.text, /<bootMode\/>/);
  });

  test('launchPermission lists accounts, organizations, OUs and the all group', async () => {
    assert.deepEqual((await read('ami-0b1c2d3e4f5a60001', 'launchPermission')).LaunchPermissions, [{ UserId: '444455556666' }]);
    assert.deepEqual((await read('ami-0b1c2d3e4f5a60002', 'launchPermission')).LaunchPermissions, [
      { OrganizationArn: 'arn:aws:organizations::999988887777:organization/o-exampleorg1' },
    ]);
    assert.deepEqual((await read('ami-0b1c2d3e4f5a60003', 'launchPermission')).LaunchPermissions, [
      { OrganizationalUnitArn: 'arn:aws:organizations::999988887777:ou/o-exampleorg1/ou-dev-22222222' },
    ]);
    assert.deepEqual((await read('ami-0b1c2d3e4f5a60004', 'launchPermission')).LaunchPermissions, [{ Group: 'all' }]);
    assert.deepEqual((await read('ami-0b1c2d3e4f5a60006', 'launchPermission')).LaunchPermissions, []);
  });

  test('productCodes is an empty list when there are none', async () => {
    assert.deepEqual((await read('ami-0b1c2d3e4f5a60001', 'productCodes')).ProductCodes, []);
  });

  test('blockDeviceMapping answers AuthFailure, as EC2 does', async () => {
    await rejectsWith(read('ami-0b1c2d3e4f5a60001', 'blockDeviceMapping'), 'AuthFailure', 401);
  });

  test('unknown attribute, unknown image, malformed id, other owner', async () => {
    await rejectsWith(read('ami-0b1c2d3e4f5a60001', 'colour' as ImageAttributeName), 'InvalidParameterValue', 400);
    await rejectsWith(read('ami-0123456789abcdef0', 'bootMode'), 'InvalidAMIID.NotFound', 400);
    await rejectsWith(read('ami-123', 'bootMode'), 'InvalidAMIID.Malformed', 400);
    // A public image of another account: visible, but its attributes are the owner's.
    await rejectsWith(read('ami-0a0b0c0d0e0f00001', 'bootMode'), 'AuthFailure', 401);
  });
});

test('ModifyImageAttribute: DryRun changes nothing, then ImdsSupport=v2.0 for real', async () => {
  await withEmulator({ estate: RICH_ESTATE }, async (emulator) => {
    const prod = ec2(emulator, { accessKeyId: KEYS.prod });
    const id = 'ami-0b1c2d3e4f5a60002';
    const imds = async () => (await prod.send(new DescribeImagesCommand({ ImageIds: [id] }))).Images?.[0]?.ImdsSupport;

    const dry = await rejectsWith(
      prod.send(new ModifyImageAttributeCommand({ ImageId: id, ImdsSupport: { Value: 'v2.0' }, DryRun: true })),
      'DryRunOperation',
      412,
    );
    assert.match(dry.message, /DryRun/);
    assert.equal(await imds(), undefined);

    const out = await prod.send(new ModifyImageAttributeCommand({ ImageId: id, ImdsSupport: { Value: 'v2.0' } }));
    assert.equal(out.$metadata.httpStatusCode, 200);
    assert.equal(await imds(), 'v2.0');
    const raw = await rawQuery(emulator, `Action=ModifyImageAttribute&Version=2016-11-15&ImageId=${id}&ImdsSupport.Value=v2.0`, { accessKeyId: KEYS.prod });
    assert.match(raw.text, /<return>true<\/return>/);

    await rejectsWith(prod.send(new ModifyImageAttributeCommand({ ImageId: id, ImdsSupport: { Value: 'v1.0' } })), 'InvalidParameterValue', 400);
    await rejectsWith(
      prod.send(new ModifyImageAttributeCommand({ ImageId: 'ami-0a0b0c0d0e0f00001', ImdsSupport: { Value: 'v2.0' } })),
      'AuthFailure',
      401,
    );
    // The dev account's identity lacks ec2:ModifyImageAttribute: UnauthorizedOperation, DryRun or not.
    const dev = ec2(emulator, { accessKeyId: KEYS.dev });
    await rejectsWith(
      dev.send(new ModifyImageAttributeCommand({ ImageId: 'ami-0c1d2e3f4a5b60001', ImdsSupport: { Value: 'v2.0' }, DryRun: true })),
      'UnauthorizedOperation',
      403,
    );
  });
});

test('ModifyImageAttribute: launch permissions add and remove', async () => {
  await withEmulator({ estate: RICH_ESTATE }, async (emulator) => {
    const prod = ec2(emulator, { accessKeyId: KEYS.prod });
    const outside = ec2(emulator, { accessKeyId: KEYS.outside });
    const id = 'ami-0b1c2d3e4f5a60002'; // shared with the organization only
    await rejectsWith(outside.send(new DescribeImagesCommand({ ImageIds: [id] })), 'InvalidAMIID.NotFound', 400);
    await prod.send(new ModifyImageAttributeCommand({ ImageId: id, LaunchPermission: { Add: [{ UserId: '777788889999' }] } }));
    assert.equal((await outside.send(new DescribeImagesCommand({ ImageIds: [id] }))).Images?.length, 1);
    await prod.send(new ModifyImageAttributeCommand({ ImageId: id, LaunchPermission: { Remove: [{ UserId: '777788889999' }] } }));
    await rejectsWith(outside.send(new DescribeImagesCommand({ ImageIds: [id] })), 'InvalidAMIID.NotFound', 400);
  });
});

test('RegisterImage creates an image with IMDS, boot mode, NitroTPM and UEFI data', async () => {
  await withEmulator({ estate: RICH_ESTATE, now: '2026-11-27T12:00:00.000Z' }, async (emulator) => {
    const prod = ec2(emulator, { accessKeyId: KEYS.prod, region: 'eu-west-1' });
    const { ImageId } = await prod.send(
      new RegisterImageCommand({
        Name: 'web-al2023-2026.11.1',
        Description: 'rebuilt for IMDSv2',
        Architecture: 'arm64',
        ImdsSupport: 'v2.0',
        BootMode: 'uefi',
        TpmSupport: 'v2.0',
        UefiData: 'QUJD',
        RootDeviceName: '/dev/xvda',
        VirtualizationType: 'hvm',
        EnaSupport: true,
        BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { SnapshotId: 'snap-0123456789abcdef0', VolumeSize: 16 } }],
        TagSpecifications: [{ ResourceType: 'image', Tags: [{ Key: 'Team', Value: 'web' }] }],
      }),
    );
    assert.match(ImageId ?? '', /^ami-[0-9a-f]{17}$/);
    const image = (await prod.send(new DescribeImagesCommand({ ImageIds: [ImageId!] }))).Images![0]!;
    assert.equal(image.Name, 'web-al2023-2026.11.1');
    assert.equal(image.OwnerId, '111122223333');
    assert.equal(image.State, 'available');
    assert.equal(image.Architecture, 'arm64');
    assert.equal(image.ImdsSupport, 'v2.0');
    assert.equal(image.BootMode, 'uefi');
    assert.equal(image.TpmSupport, 'v2.0');
    assert.equal(image.CreationDate, '2026-11-27T12:00:00.000Z');
    assert.deepEqual(image.Tags, [{ Key: 'Team', Value: 'web' }]);
    assert.equal(image.BlockDeviceMappings?.[0]?.Ebs?.VolumeSize, 16);
    const uefi = await prod.send(new DescribeImageAttributeCommand({ ImageId, Attribute: 'uefiData' }));
    assert.deepEqual(uefi.UefiData, { Value: 'QUJD' });

    await rejectsWith(prod.send(new RegisterImageCommand({ Name: 'web-al2023-2026.11.1' })), 'InvalidAMIName.Duplicate', 400);
    await rejectsWith(prod.send(new RegisterImageCommand({ Name: 'x', BootMode: 'uefi' })), 'InvalidAMIName.Malformed', 400);
    await rejectsWith(prod.send(new RegisterImageCommand({ Name: 'dry-run-image', DryRun: true })), 'DryRunOperation', 412);
    await rejectsWith(
      prod.send(new RegisterImageCommand({ Name: 'tpm-on-bios', BootMode: 'legacy-bios', TpmSupport: 'v2.0' })),
      'InvalidParameterCombination',
      400,
    );
    // EC2 stores no control character XML cannot carry: the write is refused, so no read can break.
    const refused = await rejectsWith(
      prod.send(new RegisterImageCommand({ Name: 'escape-in-description', Description: 'x\u001b[2J' })),
      'InvalidParameterValue',
      400,
    );
    assert.match(refused.message, /Description holds the invalid character U\+001B/);
    await rejectsWith(prod.send(new ModifyImageAttributeCommand({ ImageId, Description: { Value: 'bell\u0007' } })), 'InvalidParameterValue', 400);
    assert.equal((await prod.send(new DescribeImagesCommand({ ImageIds: [ImageId!] }))).Images![0]!.Description, 'rebuilt for IMDSv2');
    // The new image is only in eu-west-1.
    const usEast = ec2(emulator, { accessKeyId: KEYS.prod });
    await rejectsWith(usEast.send(new DescribeImagesCommand({ ImageIds: [ImageId!] })), 'InvalidAMIID.NotFound', 400);
  });
});
