import pLimit from 'p-limit';
import type { Ec2Port, ImageQuery } from '../aws/ec2-port.js';
import { isAmiAuditError, toScanError } from '../errors.js';
import { classify } from './classify.js';
import { CHECKS, type CheckName } from './rules.js';
import { summarize } from './summarize.js';
import type {
  AttributeFailure,
  ClassifiedImage,
  ImageAttributeName,
  ImageAttributes,
  ImageRecord,
  ScanError,
  ScanResult,
  ScanScope,
} from './types.js';

export interface ScanRequest {
  regions: string[];
  query: ImageQuery;
  checks: CheckName[];
  /** Attributes the user asked to read with `DescribeImageAttribute`, on top of what the checks need. */
  attributes: ImageAttributeName[];
  /** Most `DescribeImageAttribute` calls in flight at once, per region. */
  concurrency: number;
  /** Most regions scanned at once. */
  regionConcurrency: number;
}

/** Hooks for callers that want to follow a scan as it goes (progress, streaming output). */
export interface ScanObserver {
  onImage?(image: ClassifiedImage): void;
  onError?(error: ScanError): void;
  onRegionDone?(region: string, images: number): void;
}

export interface ScanDependencies {
  /** Returns the EC2 port for a region. */
  portFor(region: string): Ec2Port | Promise<Ec2Port>;
  now?: Date;
  observer?: ScanObserver;
}

/** Returns the attributes a scan must read one image at a time: what the checks need plus what was asked. */
export function attributesToRead(checks: readonly CheckName[], requested: readonly ImageAttributeName[]): ImageAttributeName[] {
  const needed = new Set<ImageAttributeName>(requested);
  for (const check of checks) for (const attribute of CHECKS[check].attributes) needed.add(attribute);
  return [...needed];
}

/**
 * Scans the regions of a request and returns the classified images and every error met.
 *
 * A failure in one region or on one image becomes a `ScanError` in the result and the others go on;
 * only a configuration error (`AmiAuditError`, such as missing credentials) stops the whole scan.
 */
export async function scan(request: ScanRequest, deps: ScanDependencies): Promise<ScanResult> {
  const now = deps.now ?? new Date();
  const attributes = attributesToRead(request.checks, request.attributes);
  const errors: ScanError[] = [];
  const recordError = (error: ScanError): void => {
    errors.push(error);
    deps.observer?.onError?.(error);
  };

  const limitRegions = pLimit(request.regionConcurrency);
  const perRegion = await Promise.all(
    request.regions.map((region) =>
      limitRegions(async () => {
        const images = await scanRegion(region, request, attributes, deps, now, recordError);
        deps.observer?.onRegionDone?.(region, images.length);
        return images;
      }),
    ),
  );
  const images = perRegion.flat();
  const scope: ScanScope = {
    source: 'aws',
    regions: request.regions,
    owners: request.query.owners,
    executableUsers: request.query.executableUsers,
    imageIds: request.query.imageIds,
    filters: request.query.filters,
    includeDeprecated: request.query.includeDeprecated,
    includeDisabled: request.query.includeDisabled,
    checks: request.checks,
    attributes,
  };
  return { scannedAt: now.toISOString(), scope, images, errors, summary: summarize(images, errors) };
}

async function scanRegion(
  region: string,
  request: ScanRequest,
  attributes: readonly ImageAttributeName[],
  deps: ScanDependencies,
  now: Date,
  recordError: (error: ScanError) => void,
): Promise<ClassifiedImage[]> {
  const classifyOptions = { checks: request.checks, now };
  const limitCalls = pLimit(request.concurrency);
  const pending: Promise<ClassifiedImage>[] = [];
  try {
    const port = await deps.portFor(region);
    // Attribute reads start as soon as a page arrives, so they overlap with listing the next pages.
    for await (const page of port.listImages(request.query)) {
      for (const image of page) {
        pending.push(
          readAttributes(port, image, attributes, limitCalls, recordError).then((extras) => {
            const classified = classify(image, extras, classifyOptions);
            deps.observer?.onImage?.(classified);
            return classified;
          }),
        );
      }
    }
  } catch (error) {
    if (isAmiAuditError(error)) throw error;
    recordError(toScanError(error, { region, action: 'DescribeImages' }));
  }
  return Promise.all(pending);
}

/** Reads every needed attribute of one image; a failure becomes data, never an exception. */
async function readAttributes(
  port: Ec2Port,
  image: ImageRecord,
  attributes: readonly ImageAttributeName[],
  limitCalls: ReturnType<typeof pLimit>,
  recordError: (error: ScanError) => void,
): Promise<{ attributes?: ImageAttributes; failures?: AttributeFailure[] }> {
  if (attributes.length === 0) return {};
  const failures: AttributeFailure[] = [];
  const values = await Promise.all(
    attributes.map((attribute) =>
      limitCalls(async (): Promise<ImageAttributes> => {
        try {
          return await port.readImageAttribute(image.imageId, attribute);
        } catch (error) {
          const scanError = toScanError(error, { region: port.region, imageId: image.imageId, action: 'DescribeImageAttribute' });
          failures.push({ attribute, error: scanError });
          recordError(scanError);
          return {};
        }
      }),
    ),
  );
  const merged: ImageAttributes = {};
  for (const value of values) {
    const { other, ...known } = value;
    Object.assign(merged, known);
    if (other) merged.other = { ...merged.other, ...other };
  }
  return failures.length > 0 ? { attributes: merged, failures } : { attributes: merged };
}
