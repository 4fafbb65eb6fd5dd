import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import {
  DescribeInstancesCommand,
  DescribeLaunchTemplateVersionsCommand,
  GetInstanceMetadataDefaultsCommand,
  type EC2Client,
  type Filter,
} from '@aws-sdk/client-ec2';
import { reportCall, type ApiCallListener, type AwsClientSettings } from './client-config.js';
import { describeAwsError } from './describe-aws-error.js';
import type { Credentials } from './ec2-sdk.js';
import { ThrottleTolerantRetryStrategy } from './throttle-tolerant-retry-strategy.js';
import type { FleetPort, MetricWindow } from '../core/ports.js';
import type { AccountImdsDefaults, InstanceSummary, LaunchTemplateVersionRecord, MetadataCallSums } from '../core/fleet/types.js';

/** `DescribeInstances` returns at most 1,000 instances a page. */
const INSTANCES_PAGE_SIZE = 1000;
/** `DescribeLaunchTemplateVersions` returns at most 200 versions a page. */
const TEMPLATE_VERSIONS_PAGE_SIZE = 200;
/** One datapoint per day: a sum over the window needs no finer grain, and keeps each answer small. */
const METRIC_PERIOD_SECONDS = 86_400;
/** Every state but `shutting-down` and `terminated`: an instance that can still run. */
const LIVE_STATES = ['pending', 'running', 'stopping', 'stopped'];

/** Returns a CloudWatch client for one region, with the scan's endpoint, retries and timeouts. */
export function createCloudWatchClient(settings: AwsClientSettings, region: string, credentials?: Credentials, stop?: AbortSignal): CloudWatchClient {
  return new CloudWatchClient({
    region,
    ...(credentials ? { credentials } : settings.profile ? { profile: settings.profile } : {}),
    ...(settings.endpointUrl ? { endpoint: settings.endpointUrl } : {}),
    maxAttempts: settings.maxAttempts,
    retryStrategy: new ThrottleTolerantRetryStrategy({ maxAttempts: settings.maxAttempts, mode: settings.retryMode, ...(stop ? { stop } : {}) }),
    requestHandler: {
      requestTimeout: settings.requestTimeoutMs,
      throwOnRequestTimeout: true,
      connectionTimeout: Math.min(settings.requestTimeoutMs, 10_000),
    },
  });
}

/** A `FleetPort` backed by the AWS SDK: EC2 for defaults, instances and templates, CloudWatch for metrics. */
export class SdkFleetPort implements FleetPort {
  readonly region: string;
  private readonly onCall: ApiCallListener | undefined;
  private readonly errorContext: { endpoint?: string; maxAttempts?: number };

  constructor(
    private readonly ec2: EC2Client,
    private readonly cloudWatch: CloudWatchClient,
    options: { region: string; endpoint?: string; maxAttempts?: number; onCall?: ApiCallListener },
  ) {
    this.region = options.region;
    this.onCall = options.onCall;
    this.errorContext = { ...(options.endpoint ? { endpoint: options.endpoint } : {}), ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}) };
  }

  async metadataDefaults(signal?: AbortSignal): Promise<Omit<AccountImdsDefaults, 'accountId' | 'region'>> {
    const output = await this.call('GetInstanceMetadataDefaults', 'ec2', () => this.ec2.send(new GetInstanceMetadataDefaultsCommand({}), { abortSignal: signal }));
    // An empty AccountLevel means the account states no preference.
    const level = output.AccountLevel ?? {};
    return {
      httpTokens: level.HttpTokens || null,
      httpPutResponseHopLimit: level.HttpPutResponseHopLimit ?? null,
      httpTokensEnforced: (level as { HttpTokensEnforced?: string }).HttpTokensEnforced || null,
      managedBy: level.ManagedBy || null,
    };
  }

  async *listInstances(imageIds: readonly string[] | undefined, signal?: AbortSignal): AsyncIterable<InstanceSummary[]> {
    const filters: Filter[] = [{ Name: 'instance-state-name', Values: LIVE_STATES }];
    if (imageIds) filters.push({ Name: 'image-id', Values: [...imageIds] });
    let nextToken: string | undefined;
    do {
      const token = nextToken;
      const output = await this.call('DescribeInstances', 'ec2', () =>
        this.ec2.send(new DescribeInstancesCommand({ Filters: filters, MaxResults: INSTANCES_PAGE_SIZE, ...(token ? { NextToken: token } : {}) }), { abortSignal: signal }),
      );
      const page: InstanceSummary[] = [];
      for (const reservation of output.Reservations ?? []) {
        for (const instance of reservation.Instances ?? []) {
          if (!instance.InstanceId || !instance.ImageId) continue;
          page.push({
            instanceId: instance.InstanceId,
            imageId: instance.ImageId,
            state: instance.State?.Name ?? 'unknown',
            httpTokens: instance.MetadataOptions?.HttpTokens ?? null,
          });
        }
      }
      yield page;
      nextToken = nextPageToken('DescribeInstances', token, output.NextToken, this.region);
    } while (nextToken);
  }

  async *listLaunchTemplateVersions(signal?: AbortSignal): AsyncIterable<LaunchTemplateVersionRecord[]> {
    let nextToken: string | undefined;
    do {
      const token = nextToken;
      // Without a template id or name, EC2 answers for every launch template of the account.
      const output = await this.call('DescribeLaunchTemplateVersions', 'ec2', () =>
        this.ec2.send(
          new DescribeLaunchTemplateVersionsCommand({ Versions: ['$Latest', '$Default'], MaxResults: TEMPLATE_VERSIONS_PAGE_SIZE, ...(token ? { NextToken: token } : {}) }),
          { abortSignal: signal },
        ),
      );
      yield (output.LaunchTemplateVersions ?? [])
        .filter((version) => version.LaunchTemplateId && version.VersionNumber !== undefined)
        .map((version) => ({
          id: version.LaunchTemplateId!,
          name: version.LaunchTemplateName ?? null,
          version: version.VersionNumber!,
          isDefault: version.DefaultVersion === true,
          imageId: version.LaunchTemplateData?.ImageId || null,
          httpTokens: version.LaunchTemplateData?.MetadataOptions?.HttpTokens ?? null,
        }));
      nextToken = nextPageToken('DescribeLaunchTemplateVersions', token, output.NextToken, this.region);
    } while (nextToken);
  }

  async metadataCalls(instanceIds: readonly string[], window: MetricWindow, signal?: AbortSignal): Promise<Map<string, MetadataCallSums>> {
    const sums = new Map<string, MetadataCallSums>();
    if (instanceIds.length === 0) return sums;
    const queries: MetricDataQuery[] = [];
    const byQuery = new Map<string, { instanceId: string; metric: keyof MetadataCallSums }>();
    instanceIds.forEach((instanceId, index) => {
      sums.set(instanceId, { noToken: null, rejected: null });
      for (const [metric, name, prefix] of [['noToken', 'MetadataNoToken', 'n'], ['rejected', 'MetadataNoTokenRejected', 'r']] as const) {
        // Query ids must start with a lower-case letter; the instance is found again through the map.
        const id = `${prefix}${index}`;
        byQuery.set(id, { instanceId, metric });
        queries.push({
          Id: id,
          MetricStat: {
            Metric: { Namespace: 'AWS/EC2', MetricName: name, Dimensions: [{ Name: 'InstanceId', Value: instanceId }] },
            Period: METRIC_PERIOD_SECONDS,
            Stat: 'Sum',
          },
          ReturnData: true,
        });
      }
    });
    let nextToken: string | undefined;
    do {
      const token = nextToken;
      const output = await this.call('GetMetricData', 'cloudwatch', () =>
        this.cloudWatch.send(
          new GetMetricDataCommand({ MetricDataQueries: queries, StartTime: window.start, EndTime: window.end, ...(token ? { NextToken: token } : {}) }),
          { abortSignal: signal },
        ),
      );
      for (const result of output.MetricDataResults ?? []) {
        const target = result.Id ? byQuery.get(result.Id) : undefined;
        const values = result.Values ?? [];
        if (!target || values.length === 0) continue;
        const entry = sums.get(target.instanceId)!;
        entry[target.metric] = (entry[target.metric] ?? 0) + values.reduce((total, value) => total + value, 0);
      }
      nextToken = nextPageToken('GetMetricData', token, output.NextToken, this.region);
    } while (nextToken);
    return sums;
  }

  private async call<T>(action: string, service: 'ec2' | 'cloudwatch', send: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      const output = await send();
      reportCall(this.onCall, { action, region: this.region, started }, output);
      return output;
    } catch (error) {
      reportCall(this.onCall, { action, region: this.region, started }, error);
      throw describeAwsError(error, { action, region: this.region, service, ...this.errorContext });
    }
  }
}

/** Returns the token of the next page, or undefined at the end; a token repeated by the service would loop forever. */
function nextPageToken(action: string, sent: string | undefined, received: string | undefined, region: string): string | undefined {
  if (received && received === sent) throw describeAwsError(new Error(`${action} returned the same NextToken twice`), { action, region });
  return received || undefined;
}
