// The benchmark generators: a fleet region (images, instances, launch templates, metrics) and an
// organization estate, deterministic and accepted by the estate loader and the real clients.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeImagesCommand, paginateDescribeInstances, paginateDescribeLaunchTemplateVersions } from '@aws-sdk/client-ec2';
import { paginateListAccounts } from '@aws-sdk/client-organizations';
import { parseEstate } from '../../emulator/estate.js';
import { generatedFleetEstate, generateFleetRegion, generateOrganizationEstate, organizationAccountId } from '../../emulator/generate.js';
import { cloudwatch, ec2, organizations, withEmulator } from './helpers.js';

const NOW = '2026-11-20T00:00:00Z';

test('generateFleetRegion is deterministic and mixes states, tokens, templates and metrics', () => {
  const a = generateFleetRegion(5, { images: 50, instances: 1000, now: NOW });
  assert.deepEqual(generateFleetRegion(5, { images: 50, instances: 1000, now: NOW }), a);
  assert.notDeepEqual(generateFleetRegion(6, { images: 50, instances: 1000, now: NOW }), a);

  assert.equal(a.Images?.length, 50);
  assert.equal(a.Instances?.length, 1000);
  const states = new Map<string, number>();
  for (const i of a.Instances!) states.set(i.State as string, (states.get(i.State as string) ?? 0) + 1);
  assert.ok(states.get('running')! > 700 && states.get('stopped')! > 50, JSON.stringify([...states]));
  const tokens = new Set(a.Instances!.map((i) => i.MetadataOptions?.HttpTokens));
  assert.deepEqual(tokens, new Set(['optional', 'required', undefined]));
  const imagesInUse = new Set(a.Instances!.map((i) => i.ImageId));
  assert.ok(imagesInUse.size < 50, 'some images run no instance');

  assert.equal(a.LaunchTemplates?.length, 3);
  const metrics = Object.values(a.Metrics!);
  const calling = metrics.filter((m) => m.MetadataNoToken!.some((p) => p.Value > 0)).length;
  const zero = metrics.length - calling;
  assert.ok(calling > 50 && zero > 200, `${calling} calling, ${zero} zero`);
  assert.ok(metrics.length < 800, 'a share of the instances has no datapoints at all');
  const timestamps = metrics.flatMap((m) => m.MetadataNoToken!.map((p) => Date.parse(p.Timestamp)));
  assert.ok(timestamps.every((t) => t >= Date.parse(NOW) - 14 * 86_400_000 && t < Date.parse(NOW)));

  // The loader accepts it (ids unique, templates consistent).
  const estate = parseEstate(generatedFleetEstate(5, { images: 50, instances: 1000, now: NOW }));
  assert.equal(estate.regions.get('us-east-1')?.instances.length, 1000);
});

test('a generated fleet is served: instances, $Latest/$Default templates, metrics', async () => {
  const now = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
  await withEmulator({ estate: generatedFleetEstate(2, { images: 40, instances: 300, launchTemplates: 12 }) }, async (emulator) => {
    const client = ec2(emulator);
    let instances = 0;
    for await (const page of paginateDescribeInstances({ client }, { MaxResults: 100 })) {
      for (const r of page.Reservations ?? []) instances += r.Instances?.length ?? 0;
    }
    assert.equal(instances, 300);
    let versions = 0;
    for await (const page of paginateDescribeLaunchTemplateVersions({ client }, { Versions: ['$Latest', '$Default'] })) versions += page.LaunchTemplateVersions?.length ?? 0;
    assert.ok(versions >= 12 && versions <= 24);

    const ids = [...emulator.estate.regions.get('us-east-1')!.metrics.keys()].slice(0, 100);
    const out = await cloudwatch(emulator).send(new GetMetricDataCommand({
      StartTime: new Date(now.getTime() - 14 * 86_400_000),
      EndTime: now,
      MetricDataQueries: ids.map((id, n) => ({
        Id: `q${n}`,
        MetricStat: { Metric: { Namespace: 'AWS/EC2', MetricName: 'MetadataNoToken', Dimensions: [{ Name: 'InstanceId', Value: id }] }, Period: 14 * 86_400, Stat: 'Sum' },
      })),
    }));
    assert.equal(out.MetricDataResults?.length, ids.length);
    assert.ok(out.MetricDataResults!.every((r) => (r.Values?.length ?? 0) >= 1), 'every instance with metrics has datapoints in the window');
  });
});

test('generateOrganizationEstate: accounts × regions × images, an Organization block, some suspended', async () => {
  const doc = generateOrganizationEstate(1, { accounts: 200, regions: 4, imagesPerRegion: 2, accountsWithoutRole: 1 });
  assert.deepEqual(generateOrganizationEstate(1, { accounts: 200, regions: 4, imagesPerRegion: 2, accountsWithoutRole: 1 }), doc);
  assert.equal(doc.Accounts?.length, 200);
  assert.deepEqual(Object.keys(doc.Regions!), ['us-east-1', 'eu-west-1', 'us-west-2', 'ap-southeast-2']);
  assert.equal(doc.Regions!['eu-west-1']!.Images!.length, 400);
  const states = doc.Accounts!.map((a) => a.OrganizationState ?? 'ACTIVE');
  assert.ok(states.filter((s) => s === 'SUSPENDED').length >= 1);
  assert.equal(states.filter((s) => s === 'CLOSED').length, 1);
  assert.deepEqual(doc.Accounts![199]!.Roles, [], 'the last account has no role to assume');
  assert.equal(doc.Accounts![198]!.Roles, undefined);

  await withEmulator({ estate: doc }, async (emulator) => {
    const accounts: string[] = [];
    for await (const page of paginateListAccounts({ client: organizations(emulator, { accessKeyId: 'AKIAORGMANAGEMENT000' }) }, {})) {
      accounts.push(...(page.Accounts ?? []).map((a) => a.Id!));
    }
    assert.equal(accounts.length, 200);
    assert.equal(accounts[0], organizationAccountId(0));
    // Each account sees its own images (unknown keys are the default account, the management one).
    const own = await ec2(emulator, { region: 'ap-southeast-2' }).send(new DescribeImagesCommand({ Owners: ['self'] }));
    assert.equal(own.Images?.length, 2);
  });
});
