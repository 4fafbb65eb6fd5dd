// Rows for `scan --fleet --evidence`: the calls per region and the wall time for 1,000 images run by
// 10,000 instances, against the emulator with 20 ms of latency and no throttling (the row measures
// call economy and overlap, not EC2's or CloudWatch's rate limits).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { createAccountPorts } from '../src/aws/accounts.js';
import { DEFAULT_CHECKS } from '../src/core/rules.js';
import { scan } from '../src/core/scan.js';
import { startEmulatorProcess } from './emulator-process.js';

const ACCOUNT = '111122223333';
const IMAGES = 1000;
const INSTANCES = 10_000;
const LATENCY_MS = 20;
const CONCURRENCY = 10;

interface Row {
  measure: string;
  figure: string;
  detail: string;
}

const hex = (value: number, digits: number) => value.toString(16).padStart(digits, '0');

/**
 * An estate of one region: IMAGES images none of which is v2.0 (so every instance needs evidence),
 * INSTANCES instances spread evenly over them, 9 in 10 running; a third of the instances published
 * metrics (one in ten of those called IMDSv1), and 50 launch templates.
 */
function fleetEstate(now: number): object {
  const images = Array.from({ length: IMAGES }, (_, index) => ({ ImageId: `ami-${hex(index + 1, 17)}`, Name: `fleet-${index}`, OwnerId: ACCOUNT, State: 'available', Architecture: 'x86_64' }));
  const instances = Array.from({ length: INSTANCES }, (_, index) => ({
    InstanceId: `i-${hex(index + 1, 17)}`,
    ImageId: images[index % IMAGES]!.ImageId,
    OwnerId: ACCOUNT,
    State: index % 10 === 9 ? 'stopped' : 'running',
    MetadataOptions: { HttpTokens: index % 4 === 0 ? 'required' : 'optional' },
  }));
  const metrics: Record<string, object> = {};
  instances.forEach((instance, index) => {
    if (index % 3 !== 0) return;
    const day = (days: number, value: number) => ({ Timestamp: new Date(now - days * 86_400_000).toISOString(), Value: value });
    metrics[instance.InstanceId] = { MetadataNoToken: [day(1, index % 30 === 0 ? 4 : 0), day(5, 0)], MetadataNoTokenRejected: [day(1, 0)] };
  });
  const launchTemplates = Array.from({ length: 50 }, (_, index) => ({
    LaunchTemplateId: `lt-${hex(index + 1, 17)}`,
    LaunchTemplateName: `fleet-${index}`,
    DefaultVersionNumber: 1,
    Versions: [
      { VersionNumber: 1, ImageId: images[index]!.ImageId, MetadataOptions: { HttpTokens: 'optional' } },
      { VersionNumber: 2, ImageId: images[index + 50]!.ImageId, MetadataOptions: { HttpTokens: 'required' } },
    ],
  }));
  return {
    DefaultAccountId: ACCOUNT,
    Accounts: [{ AccountId: ACCOUNT, AccessKeyIds: ['AKIDEXAMPLE'] }],
    Regions: { 'us-east-1': { Images: images, Instances: instances, LaunchTemplates: launchTemplates, Metrics: metrics } },
  };
}

/**
 * The floor for any SDK-based tool: the same instance pages read by a bare, warm EC2Client in a loop,
 * then the same number of GetMetricData calls of 500 queries, CONCURRENCY at a time.
 */
async function bareFleetReads(url: string): Promise<number> {
  const ec2 = new EC2Client({ region: 'us-east-1', endpoint: url, maxAttempts: 1 });
  const cloudWatch = new CloudWatchClient({ region: 'us-east-1', endpoint: url, maxAttempts: 1 });
  const ids = Array.from({ length: INSTANCES }, (_, index) => `i-${hex(index + 1, 17)}`);
  const metricCall = (chunk: string[]) =>
    cloudWatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(Date.now() - 14 * 86_400_000),
        EndTime: new Date(),
        MetricDataQueries: chunk.flatMap((id, index) =>
          ['MetadataNoToken', 'MetadataNoTokenRejected'].map((name, which) => ({
            Id: `${which ? 'r' : 'n'}${index}`,
            MetricStat: { Metric: { Namespace: 'AWS/EC2', MetricName: name, Dimensions: [{ Name: 'InstanceId', Value: id }] }, Period: 86_400, Stat: 'Sum' },
          })),
        ),
      }),
    );
  const reads = async () => {
    let token: string | undefined;
    do token = (await ec2.send(new DescribeInstancesCommand({ MaxResults: 1000, ...(token ? { NextToken: token } : {}) }))).NextToken;
    while (token);
    const chunks = Array.from({ length: Math.ceil(INSTANCES / 250) }, (_, index) => ids.slice(index * 250, index * 250 + 250));
    for (let index = 0; index < chunks.length; index += CONCURRENCY) await Promise.all(chunks.slice(index, index + CONCURRENCY).map(metricCall));
  };
  await reads();
  const started = performance.now();
  await reads();
  const ms = performance.now() - started;
  ec2.destroy();
  cloudWatch.destroy();
  return ms;
}

/** Measures one `--fleet --evidence` scan of the estate above, in this process with the real SDK. */
export async function fleetRows(log: (message: string) => void): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'ami-audit-fleet-'));
  const estateFile = join(dir, 'estate.json');
  writeFileSync(estateFile, JSON.stringify(fleetEstate(Date.now())));
  const emulator = await startEmulatorProcess(['--estate', estateFile, '--latency', String(LATENCY_MS)]);
  try {
    const run = async () => {
      const accounts = createAccountPorts({ profiles: [], roleArns: [] }, { maxAttempts: 10, retryMode: 'adaptive', requestTimeoutMs: 20_000, endpointUrl: emulator.url }, 'us-east-1');
      const started = performance.now();
      const result = await scan(
        {
          regions: ['us-east-1'],
          query: { owners: ['self'], executableUsers: [], imageIds: [], filters: [], includeDeprecated: false, includeDisabled: false },
          checks: [...DEFAULT_CHECKS, 'fleet', 'evidence'],
          attributes: [],
          concurrency: CONCURRENCY,
          regionConcurrency: 4,
          evidenceDays: 14,
        },
        { accounts, collectImages: false },
      );
      const ms = performance.now() - started;
      for (const account of accounts) account.destroy();
      return { ms, result };
    };
    await run(); // warm-up: connections, JIT
    await emulator.reset();
    log(`scan --fleet --evidence of ${IMAGES} images and ${INSTANCES} instances`);
    const { ms, result } = await run();
    const calls = (await emulator.stats()).requestsByAction;
    const target = { instances: Math.ceil(INSTANCES / 1000), metrics: Math.ceil((2 * INSTANCES) / 500), defaults: 1 };
    // The bound: the instance pages one after another (each waits for the previous token), then the
    // metric calls CONCURRENCY at a time; the image page, the defaults and the templates overlap them.
    const boundMs = (target.instances + Math.ceil(target.metrics / CONCURRENCY)) * LATENCY_MS;
    const fleet = result.summary.fleet!;
    const floorMs = await bareFleetReads(emulator.url);
    return [
      {
        measure: `calls per region, --fleet --evidence, ${IMAGES.toLocaleString('en-US')} images, ${INSTANCES.toLocaleString('en-US')} instances`,
        figure: `${calls.DescribeInstances ?? 0} DescribeInstances, ${calls.GetMetricData ?? 0} GetMetricData, ${calls.GetInstanceMetadataDefaults ?? 0} GetInstanceMetadataDefaults`,
        detail: `target ⌈I/1000⌉ = ${target.instances}, ⌈2·I/500⌉ = ${target.metrics}, ${target.defaults}; also ${calls.DescribeImages ?? 0} DescribeImages, ${calls.DescribeLaunchTemplateVersions ?? 0} DescribeLaunchTemplateVersions; ${result.errors.length} errors`,
      },
      {
        measure: `scan --fleet --evidence, ${IMAGES.toLocaleString('en-US')} images, ${INSTANCES.toLocaleString('en-US')} instances`,
        figure: `${(ms / 1000).toFixed(2)} s (${(ms / boundMs).toFixed(2)} × bound)`,
        detail: `bound ${(boundMs / 1000).toFixed(2)} s = (${target.instances} instance pages + ${target.metrics} metric calls / ${CONCURRENCY} in flight) × ${LATENCY_MS} ms; evidence ${Object.entries(fleet.byEvidence ?? {}).map(([verdict, count]) => `${count} ${verdict}`).join(', ')}`,
      },
      {
        measure: '  SDK floor for the same instance pages and metric calls',
        figure: `${(floorMs / 1000).toFixed(2)} s (ami-audit ${(ms / floorMs).toFixed(2)} × it)`,
        detail: `bare EC2 and CloudWatch clients making the same calls in sequence (pages) and ${CONCURRENCY} at a time (metrics): most of the time is building and parsing ~1.5 MB of XML per page of 1,000 instances`,
      },
    ];
  } finally {
    await emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
