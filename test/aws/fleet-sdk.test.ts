import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { CloudWatchClient, CloudWatchServiceException, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeInstancesCommand, DescribeLaunchTemplateVersionsCommand, EC2Client, GetInstanceMetadataDefaultsCommand } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { SdkFleetPort } from '../../src/aws/fleet-sdk.js';
import { AwsCallError } from '../../src/errors.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const ec2 = mockClient(EC2Client);
const cloudWatch = mockClient(CloudWatchClient);
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
const port = () => new SdkFleetPort(new EC2Client({ region: 'eu-west-1', credentials }), new CloudWatchClient({ region: 'eu-west-1', credentials }), { region: 'eu-west-1' });

async function collect<T>(pages: AsyncIterable<T[]>): Promise<T[][]> {
  const all: T[][] = [];
  for await (const page of pages) all.push(page);
  return all;
}

beforeEach(() => {
  ec2.reset();
  cloudWatch.reset();
});

describe('the SDK fleet port', () => {
  test('an empty AccountLevel is no preference', async () => {
    ec2.on(GetInstanceMetadataDefaultsCommand).resolves({ AccountLevel: {} });
    assert.deepEqual(await port().metadataDefaults(), { httpTokens: null, httpPutResponseHopLimit: null, httpTokensEnforced: null, managedBy: null });
    ec2.on(GetInstanceMetadataDefaultsCommand).resolves({ AccountLevel: { HttpTokens: 'required', HttpPutResponseHopLimit: 2, ManagedBy: 'declarative-policy' } });
    assert.deepEqual(await port().metadataDefaults(), { httpTokens: 'required', httpPutResponseHopLimit: 2, httpTokensEnforced: null, managedBy: 'declarative-policy' });
  });

  test('instances: live states only, 1,000 a page, every page, image ids as a filter', async () => {
    const inputs: Record<string, unknown>[] = [];
    ec2.on(DescribeInstancesCommand).callsFake((input: Record<string, unknown>) => {
      inputs.push(structuredClone(input));
      return input.NextToken
        ? { Reservations: [{ Instances: [{ InstanceId: 'i-2', ImageId: 'ami-1', State: { Name: 'stopped' } }] }] }
        : { Reservations: [{ Instances: [{ InstanceId: 'i-1', ImageId: 'ami-1', State: { Name: 'running' }, MetadataOptions: { HttpTokens: 'optional' } }] }], NextToken: 'page-2' };
    });
    const pages = await collect(port().listInstances(['ami-1']));
    assert.deepEqual(pages, [[{ instanceId: 'i-1', imageId: 'ami-1', state: 'running', httpTokens: 'optional' }], [{ instanceId: 'i-2', imageId: 'ami-1', state: 'stopped', httpTokens: null }]]);
    assert.deepEqual(inputs[0], {
      Filters: [{ Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] }, { Name: 'image-id', Values: ['ami-1'] }],
      MaxResults: 1000,
    });
    assert.equal(inputs[1]!.NextToken, 'page-2');
  });

  test('launch templates: $Latest and $Default of every template, without a template id', async () => {
    ec2.on(DescribeLaunchTemplateVersionsCommand).resolves({
      LaunchTemplateVersions: [{ LaunchTemplateId: 'lt-1', LaunchTemplateName: 'web', VersionNumber: 4, DefaultVersion: true, LaunchTemplateData: { ImageId: 'ami-1', MetadataOptions: { HttpTokens: 'optional' } } }],
    });
    assert.deepEqual(await collect(port().listLaunchTemplateVersions()), [[{ id: 'lt-1', name: 'web', version: 4, isDefault: true, imageId: 'ami-1', httpTokens: 'optional' }]]);
    const input = ec2.commandCalls(DescribeLaunchTemplateVersionsCommand)[0]!.args[0].input;
    assert.deepEqual(input.Versions, ['$Latest', '$Default']);
    assert.equal(input.LaunchTemplateId, undefined);
    assert.equal(input.LaunchTemplateName, undefined);
  });

  test('metrics: two Sum queries per instance, summed over every page; no datapoint is null, not zero', async () => {
    cloudWatch.on(GetMetricDataCommand).callsFake((input: { NextToken?: string }) =>
      input.NextToken
        ? { MetricDataResults: [{ Id: 'n0', Values: [2] }] }
        : { MetricDataResults: [{ Id: 'n0', Values: [3, 4] }, { Id: 'r0', Values: [0] }, { Id: 'n1', Values: [] }, { Id: 'r1', Values: [] }], NextToken: 'more' },
    );
    const window = { start: new Date('2026-11-01T00:00:00Z'), end: new Date('2026-11-15T00:00:00Z') };
    const sums = await port().metadataCalls(['i-1', 'i-2'], window);
    assert.deepEqual([...sums], [['i-1', { noToken: 9, rejected: 0 }], ['i-2', { noToken: null, rejected: null }]]);
    const input = cloudWatch.commandCalls(GetMetricDataCommand)[0]!.args[0].input;
    assert.equal(input.MetricDataQueries!.length, 4);
    assert.deepEqual(input.MetricDataQueries![1]!.MetricStat, {
      Metric: { Namespace: 'AWS/EC2', MetricName: 'MetadataNoTokenRejected', Dimensions: [{ Name: 'InstanceId', Value: 'i-1' }] },
      Period: 86400,
      Stat: 'Sum',
    });
    assert.deepEqual([input.StartTime, input.EndTime], [window.start, window.end]);
  });

  test('a CloudWatch refusal names the cloudwatch permission', async () => {
    cloudWatch.on(GetMetricDataCommand).rejects(new CloudWatchServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 }, message: 'not allowed' }));
    const error = await port().metadataCalls(['i-1'], { start: new Date(0), end: new Date(1) }).catch((e: unknown) => e);
    assert.ok(error instanceof AwsCallError);
    assert.equal(error.scanError.code, 'AccessDenied');
    assert.match(error.scanError.message, /grant the IAM permission cloudwatch:GetMetricData/);
  });
});
