// EC2 details the fleet view relies on: GetInstanceMetadataDefaults' ManagedBy, and
// DescribeInstances' limit of 200 filter values per call.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DescribeInstancesCommand, GetInstanceMetadataDefaultsCommand } from '@aws-sdk/client-ec2';
import { parseEstate } from '../../emulator/estate.js';
import { ec2, rejectsWith, withEmulator } from './helpers.js';

test('GetInstanceMetadataDefaults serves ManagedBy and ManagedExceptionMessage when the estate sets them', async () => {
  const estate = {
    Accounts: [{
      AccountId: '111122223333',
      InstanceMetadataDefaults: {
        'us-east-1': { HttpTokens: 'required', ManagedBy: 'declarative-policy' as const, ManagedExceptionMessage: 'Set by the security team' },
        '*': { HttpTokens: 'optional' },
      },
    }],
  };
  await withEmulator({ estate }, async (emulator) => {
    const policy = await ec2(emulator).send(new GetInstanceMetadataDefaultsCommand({}));
    assert.deepEqual(policy.AccountLevel, { HttpTokens: 'required', ManagedBy: 'declarative-policy', ManagedExceptionMessage: 'Set by the security team' });
    const plain = await ec2(emulator, { region: 'eu-west-1' }).send(new GetInstanceMetadataDefaultsCommand({}));
    assert.deepEqual(plain.AccountLevel, { HttpTokens: 'optional' });
  });
  assert.throws(
    () => parseEstate({ Accounts: [{ AccountId: '111122223333', InstanceMetadataDefaults: { '*': { ManagedBy: 'someone' } } }] }),
    /Accounts\[0\]\.InstanceMetadataDefaults\.\*\.ManagedBy: must be account or declarative-policy/,
  );
});

test('DescribeInstances refuses more than 200 filter values in one call (FilterLimitExceeded)', async () => {
  await withEmulator({}, async (emulator) => {
    const client = ec2(emulator);
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `ami-${String(i).padStart(17, '0')}`);
    await client.send(new DescribeInstancesCommand({ Filters: [{ Name: 'image-id', Values: ids(200) }] }));
    const e = await rejectsWith(
      client.send(new DescribeInstancesCommand({ Filters: [{ Name: 'image-id', Values: ids(199) }, { Name: 'instance-state-name', Values: ['running', 'stopped'] }] })),
      'FilterLimitExceeded',
      400,
    );
    assert.match(e.message, /200/);
  });
});
