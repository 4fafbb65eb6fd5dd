import type { FleetPort, MetricWindow } from '../ports.js';
import type { ScanError } from '../types.js';
import { toScanError } from '../../errors.js';
import type { AccountImdsDefaults, FleetNote, InstanceSummary, LaunchTemplateUse, LaunchTemplateVersionRecord, MetadataCallSums } from './types.js';

/** EC2 takes at most 200 values in one filter: `--image-ids` are looked up in chunks of that size. */
export const IMAGE_IDS_PER_FILTER = 200;
/** CloudWatch takes 500 queries a `GetMetricData` call; each instance needs two (no-token and rejected calls). */
export const INSTANCES_PER_METRIC_CALL = 250;

/** What one region of one account says about launches, read once and shared by every image listed there. */
export interface RegionFleet {
  /** Null when `GetInstanceMetadataDefaults` failed (the error is recorded). */
  defaults: AccountImdsDefaults | null;
  /** Instances by image id; null when `DescribeInstances` failed. */
  instancesByImage: Map<string, InstanceSummary[]> | null;
  /** `$Latest`/`$Default` template versions by the image id they launch; null when they could not be read. */
  templatesByImage: Map<string, LaunchTemplateUse[]> | null;
}

/** Where a region's fleet reads report what went wrong, and remarks that are not errors. */
export interface FleetSink {
  recordError(error: ScanError): void;
  note(note: FleetNote): void;
}

/**
 * Reads a region's metadata defaults, instances and launch templates, all three at once. The
 * instances are listed once for the region (1,000 a call), never once per image; with `--image-ids`
 * only those images' instances are asked for, 200 ids a call. A failed read becomes an error and a
 * null part, so the images are still classified and the scan is marked incomplete.
 */
export async function readRegionFleet(
  port: FleetPort,
  where: { accountId: string | null; imageIds: readonly string[] },
  sink: FleetSink,
  signal?: AbortSignal,
): Promise<RegionFleet> {
  const context = { region: port.region, ...(where.accountId ? { accountId: where.accountId } : {}) };
  const attempt = async <T>(action: string, read: () => Promise<T>): Promise<T | null> => {
    try {
      return await read();
    } catch (error) {
      sink.recordError(toScanError(error, { ...context, action }));
      return null;
    }
  };
  const [defaults, instancesByImage, templatesByImage] = await Promise.all([
    attempt('GetInstanceMetadataDefaults', async (): Promise<AccountImdsDefaults> => ({ accountId: where.accountId, region: port.region, ...(await port.metadataDefaults(signal)) })),
    attempt('DescribeInstances', () => instancesOf(port, where.imageIds, signal)),
    attempt('DescribeLaunchTemplateVersions', () => templatesOf(port, where.accountId, sink, signal)),
  ]);
  return { defaults, instancesByImage, templatesByImage };
}

async function instancesOf(port: FleetPort, imageIds: readonly string[], signal?: AbortSignal): Promise<Map<string, InstanceSummary[]>> {
  const byImage = new Map<string, InstanceSummary[]>();
  const chunks = imageIds.length === 0 ? [undefined] : chunk(imageIds, IMAGE_IDS_PER_FILTER);
  for (const ids of chunks) {
    for await (const page of port.listInstances(ids, signal)) {
      for (const instance of page) {
        const list = byImage.get(instance.imageId);
        if (list) list.push(instance);
        else byImage.set(instance.imageId, [instance]);
      }
    }
  }
  return byImage;
}

/**
 * Groups `$Latest` and `$Default` versions by the image they launch. `$Latest` is the highest version
 * number EC2 returned for a template. A version whose image is an SSM parameter is noted, not guessed:
 * resolving it would need `ssm:GetParameter` and says only what the parameter holds today.
 */
async function templatesOf(port: FleetPort, accountId: string | null, sink: FleetSink, signal?: AbortSignal): Promise<Map<string, LaunchTemplateUse[]>> {
  const versions = new Map<string, LaunchTemplateVersionRecord>();
  const latest = new Map<string, number>();
  for await (const page of port.listLaunchTemplateVersions(signal)) {
    for (const version of page) {
      versions.set(`${version.id} ${version.version}`, version);
      latest.set(version.id, Math.max(latest.get(version.id) ?? 0, version.version));
    }
  }
  const byImage = new Map<string, LaunchTemplateUse[]>();
  for (const version of versions.values()) {
    if (version.imageId === null) continue;
    const use: LaunchTemplateUse = {
      id: version.id,
      name: version.name,
      version: version.version,
      isDefault: version.isDefault,
      isLatest: latest.get(version.id) === version.version,
      httpTokens: version.httpTokens,
    };
    if (version.imageId.startsWith('resolve:ssm:')) {
      sink.note({
        code: 'UnresolvedImageReference',
        message: `Launch template ${version.id}${version.name ? ` (${version.name})` : ''} version ${version.version} launches ${version.imageId}: an SSM parameter, not resolved, so the image it launches is not known`,
        accountId,
        region: port.region,
        launchTemplateId: version.id,
        version: version.version,
      });
      continue;
    }
    const list = byImage.get(version.imageId);
    if (list) list.push(use);
    else byImage.set(version.imageId, [use]);
  }
  return byImage;
}

/**
 * Reads CloudWatch's IMDS call sums for these instances, 250 a call (500 queries). Returns the sums,
 * and the instances whose call failed (their images get no evidence; the error is recorded).
 */
export async function readMetadataCalls(
  port: FleetPort,
  instanceIds: readonly string[],
  window: MetricWindow,
  where: { accountId: string | null },
  sink: FleetSink,
  limit: <T>(task: () => Promise<T>) => Promise<T>,
  signal?: AbortSignal,
): Promise<{ calls: Map<string, MetadataCallSums>; unread: Set<string> }> {
  const calls = new Map<string, MetadataCallSums>();
  const unread = new Set<string>();
  await Promise.all(
    chunk(instanceIds, INSTANCES_PER_METRIC_CALL).map((ids) =>
      limit(async () => {
        try {
          for (const [id, sums] of await port.metadataCalls(ids, window, signal)) calls.set(id, sums);
        } catch (error) {
          for (const id of ids) unread.add(id);
          sink.recordError(toScanError(error, { region: port.region, ...(where.accountId ? { accountId: where.accountId } : {}), action: 'GetMetricData' }));
        }
      }),
    ),
  );
  return { calls, unread };
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let index = 0; index < items.length; index += size) chunks.push(items.slice(index, index + size));
  return chunks;
}
