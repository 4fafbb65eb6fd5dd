// ModifyImageAttribute ImdsSupport fidelity, through the real EC2Client: the answers ami-audit fix
// depends on (DryRun, permissions, ownership, values), in the order EC2 checks them.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DescribeImagesCommand, ModifyImageAttributeCommand, type EC2Client } from '@aws-sdk/client-ec2';
import type { RunningEmulator } from '../../emulator/server.js';
import { startEmulator } from '../../emulator/server.js';
import { ec2, rawQuery, rejectsWith } from './helpers.js';

const ME = '111122223333';
const OTHER = '444455556666';
const DENIED = 'AKIADENIEDEXAMPLE001';
const UNSET = 'ami-0f00000000000a001';
const FLAGGED = 'ami-0f00000000000a002';
const SHARED_IN = 'ami-0f00000000000a003';
const PUBLIC_OTHER = 'ami-0f00000000000a004';
const HIDDEN = 'ami-0f00000000000a005';

describe('ModifyImageAttribute ImdsSupport', () => {
  let emulator: RunningEmulator;
  let mine: EC2Client;
  let denied: EC2Client;
  const imds = async (ImageId: string) => (await mine.send(new DescribeImagesCommand({ ImageIds: [ImageId] }))).Images?.[0]?.ImdsSupport;
  const modify = (client: EC2Client, ImageId: string, Value: string, DryRun?: boolean) => client.send(new ModifyImageAttributeCommand({ ImageId, ImdsSupport: { Value }, ...(DryRun === undefined ? {} : { DryRun }) }));

  before(async () => {
    emulator = await startEmulator({
      estate: {
        DefaultAccountId: ME,
        Accounts: [{ AccountId: ME }, { AccountId: OTHER, AccessKeyIds: [DENIED], DeniedActions: ['ModifyImageAttribute'] }],
        Regions: {
          'us-east-1': {
            Images: [
              { ImageId: UNSET, OwnerId: ME, State: 'available' },
              { ImageId: FLAGGED, OwnerId: ME, State: 'available', ImdsSupport: 'v2.0' },
              { ImageId: SHARED_IN, OwnerId: OTHER, State: 'available', LaunchPermissions: [{ UserId: ME }] },
              { ImageId: PUBLIC_OTHER, OwnerId: '137112412989', State: 'available', Public: true },
              { ImageId: HIDDEN, OwnerId: OTHER, State: 'available' },
            ],
          },
        },
      },
    });
    mine = ec2(emulator);
    denied = ec2(emulator, { accessKeyId: DENIED });
  });
  after(() => emulator.close());

  test('DryRun on the caller\'s own image: DryRunOperation (412), and nothing changes', async () => {
    const error = await rejectsWith(modify(mine, UNSET, 'v2.0', true), 'DryRunOperation', 412);
    assert.equal(error.message, 'Request would have succeeded, but DryRun flag is set.');
    assert.equal(await imds(UNSET), undefined);
  });

  test('a caller without ec2:ModifyImageAttribute: UnauthorizedOperation (403), DryRun or not, before any other check', async () => {
    await rejectsWith(modify(denied, HIDDEN, 'v2.0', true), 'UnauthorizedOperation', 403);
    await rejectsWith(modify(denied, HIDDEN, 'v2.0'), 'UnauthorizedOperation', 403);
    await rejectsWith(modify(denied, UNSET, 'v1.0', true), 'UnauthorizedOperation', 403);
  });

  test('someone else\'s image the caller can see (shared with it, or public): AuthFailure "Not authorized for image", DryRun too', async () => {
    for (const imageId of [SHARED_IN, PUBLIC_OTHER]) {
      const error = await rejectsWith(modify(mine, imageId, 'v2.0', true), 'AuthFailure', 401);
      assert.equal(error.message, `Not authorized for image:${imageId}`);
      await rejectsWith(modify(mine, imageId, 'v2.0'), 'AuthFailure', 401);
    }
  });

  test('an image the caller cannot see: InvalidAMIID.NotFound', async () => {
    await rejectsWith(modify(mine, HIDDEN, 'v2.0', true), 'InvalidAMIID.NotFound', 400);
  });

  test('any value but v2.0 is InvalidParameterValue, checked before DryRun', async () => {
    for (const value of ['v1.0', 'V2.0', 'v2', '']) {
      await rejectsWith(modify(mine, UNSET, value, true), 'InvalidParameterValue', 400);
      await rejectsWith(modify(mine, UNSET, value), 'InvalidParameterValue', 400);
    }
    assert.equal(await imds(UNSET), undefined);
  });

  test('v2.0 on an image already v2.0 is accepted, and it stays v2.0', async () => {
    const out = await modify(mine, FLAGGED, 'v2.0');
    assert.equal(out.$metadata.httpStatusCode, 200);
    await rejectsWith(modify(mine, FLAGGED, 'v2.0', true), 'DryRunOperation', 412);
    assert.equal(await imds(FLAGGED), 'v2.0');
  });

  test('Attribute=imdsSupport with Value=v2.0 sets it too (the older form of the call)', async () => {
    const raw = await rawQuery(emulator, `Action=ModifyImageAttribute&Version=2016-11-15&ImageId=${UNSET}&Attribute=imdsSupport&Value=v2.0`);
    assert.equal(raw.status, 200);
    assert.match(raw.text, /<return>true<\/return>/);
    assert.equal(await imds(UNSET), 'v2.0');
  });
});
