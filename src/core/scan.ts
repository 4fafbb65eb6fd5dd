import { setMaxListeners } from 'node:events';
import pLimit from 'p-limit';
import type { AccountPort, Ec2Port, FleetPort, ImageQuery, MetricWindow } from './ports.js';
import { readMetadataCalls, readRegionFleet, type FleetSink, type RegionFleet } from './fleet/region-fleet.js';
import type { ImageFleetFacts } from './fleet/image-fleet.js';
import { DEFAULT_EVIDENCE_DAYS } from './fleet/evidence.js';
import { AmiAuditError, isAmiAuditError, toScanError } from '../errors.js';
import { DEFAULT_ACCOUNT_CONCURRENCY, planRegions, withAccountName, type AccountScheduling, type Identity, type RegionSelection } from './plan-accounts.js';
import type { OrganizationPlan } from './plan-organization.js';
import { classify, type ClassifyOptions } from './classify.js';
import { InOrder } from './in-order.js';
import { CHECKS, type CheckName } from './rules.js';
import { SummaryCounter, withComparisons } from './summarize.js';
import type { Baseline } from './baseline.js';
import type { Suppressor } from './suppressions.js';
import type {
  AttributeFailure,
  ClassifiedImage,
  ImageAttributeName,
  ImageAttributes,
  ImageRecord,
  ScanError,
  ScanResult,
  ScopeAccountRegions,
  SkippedRegion,
} from './types.js';

export type { RegionSelection };

export interface ScanRequest {
  regions: RegionSelection;
  query: ImageQuery;
  checks: CheckName[];
  /** Attributes the user asked to read with `DescribeImageAttribute`, on top of what the checks need. */
  attributes: ImageAttributeName[];
  /** Most `DescribeImageAttribute` calls in flight at once, per region (EC2 throttles each region apart). */
  concurrency: number;
  /** Most regions scanned at once in each account (accounts run under `accountConcurrency`). */
  regionConcurrency: number;
  /** Milliseconds the whole scan may take; past it, what was not read is named and the scan is incomplete. */
  timeoutMs?: number;
  /** Known exceptions from an ignore file; their report goes into the summary. */
  suppressor?: Suppressor;
  /** The previous report to compare with (`--baseline`); the comparison goes into the summary. */
  baseline?: Baseline;
  /** Days of CloudWatch metrics the `evidence` check reads (default 14). */
  evidenceDays?: number;
}

/** What of the fleet view a request reads: `fleet` for defaults, instances and templates; `evidence` adds CloudWatch. */
function fleetScope(request: ScanRequest, now: Date): RegionContext['fleet'] {
  const evidence = request.checks.includes('evidence');
  if (!evidence && !request.checks.includes('fleet')) return undefined;
  if (!evidence) return { window: undefined };
  const days = request.evidenceDays ?? DEFAULT_EVIDENCE_DAYS;
  return { window: { start: new Date(now.getTime() - days * 86_400_000), end: now }, days };
}

/** Hooks for callers that follow a scan as it goes: progress lines, streamed output. */
export interface ScanObserver {
  onImage?(image: ClassifiedImage): void;
  onError?(error: ScanError): void;
  onWarning?(message: string): void;
  onRegionStart?(region: string): void;
  onRegionDone?(accountId: string | null, region: string, images: number): void;
}

export interface ScanDependencies {
  accounts: AccountPort[];
  /** With `--org`: what listing the organization found (accounts skipped, ids not found, the scope). */
  organization?: Pick<OrganizationPlan, 'skipped' | 'errors' | 'scope'>;
  now?: Date;
  observer?: ScanObserver;
  /** Keep the classified images in the result (table, JSON); off when they are streamed (NDJSON). */
  collectImages?: boolean;
}

/** Returns the attributes a scan must read one image at a time: what the checks need plus what was asked. */
export function attributesToRead(checks: readonly CheckName[], requested: readonly ImageAttributeName[]): ImageAttributeName[] {
  const needed = new Set<ImageAttributeName>(requested);
  for (const check of checks) for (const attribute of CHECKS[check].attributes) needed.add(attribute);
  return [...needed];
}

interface RegionTask {
  account: AccountPort;
  identity: Promise<Identity>;
  region: string;
}

/**
 * Scans every region of every account in a request and returns the classified images, the errors met
 * and the regions skipped.
 *
 * A failure in one account, region or image becomes a `ScanError` in the result and the rest goes on;
 * only a configuration error (`AmiAuditError`, such as missing credentials in a single-account scan)
 * stops the whole scan.
 */
export async function scan(request: ScanRequest & AccountScheduling, deps: ScanDependencies): Promise<ScanResult> {
  const now = deps.now ?? new Date();
  const attributes = attributesToRead(request.checks, request.attributes);
  const errors: ScanError[] = [];
  const skipped: SkippedRegion[] = [];
  const fleet = fleetScope(request, now);
  const counter = new SummaryCounter(fleet ? { fleet: { evidence: fleet.window !== undefined } } : {});
  const collect = deps.collectImages !== false;
  const deadline = new AbortController();
  const accountConcurrency = request.accountConcurrency ?? DEFAULT_ACCOUNT_CONCURRENCY;
  const accountsInFlight = Math.max(1, Math.min(accountConcurrency, deps.accounts.length));
  // Every call in flight listens to the deadline; Node warns past 10 listeners unless told the bound.
  setMaxListeners(request.concurrency * request.regionConcurrency * accountsInFlight * 2 + 16, deadline.signal);
  const timer = request.timeoutMs !== undefined ? setTimeout(() => deadline.abort(), request.timeoutMs) : undefined;
  const recordError = (error: ScanError): void => {
    errors.push(error);
    deps.observer?.onError?.(error);
  };
  const context: RegionContext = {
    request,
    attributes,
    classifyOptions: { checks: request.checks, now, ...(request.suppressor ? { suppressor: request.suppressor } : {}), ...(request.baseline ? { baseline: request.baseline } : {}) },
    signal: deadline.signal,
    recordError,
    emit: (image) => {
      counter.add(image);
      deps.observer?.onImage?.(image);
    },
    collect,
    observer: deps.observer,
    imageIds: { found: new Set(), missing: [] },
    fleet,
    fleetSink: { recordError, note: (note) => counter.fleet?.addNote(note) },
    onFleetDefaults: (defaults) => counter.fleet?.addDefaults(defaults),
  };

  try {
    for (const error of deps.organization?.errors ?? []) recordError(error);
    skipped.push(...(deps.organization?.skipped ?? []));
    const accounts = deps.accounts.map(withAccountName);
    const plans = await planRegions(request.regions, accounts, context, skipped, accountConcurrency);
    // Accounts one after another under --account-concurrency, regions within each under
    // --region-concurrency; an account's clients go as soon as its regions are read.
    const limitAccounts = pLimit(accountConcurrency);
    const perAccount = await Promise.all(
      plans.map(({ account, identity, regions }) =>
        limitAccounts(async () => {
          const limitRegions = pLimit(request.regionConcurrency);
          try {
            return (await Promise.all(regions.map((region) => limitRegions(() => scanRegion({ account, identity, region }, context))))).flat();
          } finally {
            account.release?.();
          }
        }),
      ),
    );
    const images = perAccount.flat();
    // Every account planned has its totals, an account with no image too. Not before the scan: a
    // single account's identity runs alongside its first listing call.
    for (const plan of plans) {
      const { accountId } = await plan.identity;
      if (accountId) counter.addAccount(accountId, plan.account.name);
    }
    for (const error of missingImageErrors(context.imageIds)) recordError(error);
    const accountRegions = await Promise.all(
      plans.map(async (plan): Promise<ScopeAccountRegions> => ({ account: plan.account.label, accountId: (await plan.identity).accountId, regions: plan.regions })),
    );
    return {
      scannedAt: now.toISOString(),
      scope: {
        source: 'aws',
        accounts: deps.accounts.map((account) => account.label),
        regions: request.regions === 'all' ? ['all'] : request.regions === 'home' ? [...new Set(plans.flatMap((plan) => plan.regions))] : request.regions,
        accountRegions,
        ...request.query,
        checks: request.checks,
        attributes,
        ...(deps.organization ? { organization: deps.organization.scope } : {}),
      },
      images,
      errors,
      skipped,
      summary: withComparisons(counter.summary(errors), request),
    };
  } finally {
    clearTimeout(timer);
  }
}

interface RegionContext {
  imageIds: ImageIdTally;
  request: ScanRequest;
  attributes: readonly ImageAttributeName[];
  classifyOptions: ClassifyOptions;
  signal: AbortSignal;
  recordError(error: ScanError): void;
  emit(image: ClassifiedImage): void;
  collect: boolean;
  observer: ScanObserver | undefined;
  /** Set when the fleet view is read; `window` (and `days`) only with the evidence check. */
  fleet: { window: MetricWindow | undefined; days?: number } | undefined;
  fleetSink: FleetSink;
  onFleetDefaults(defaults: NonNullable<RegionFleet['defaults']>): void;
}

/** What `--image-ids` met: the ids listed in some region of an account, and the ids a region did not hold. */
interface ImageIdTally {
  /** `<account> <image id>` of every image listed. */
  found: Set<string>;
  missing: { account: string; error: ScanError }[];
}

/**
 * Returns one `NotFound` error per image id that no region of an account holds. An image lives in
 * one region, so with several regions an id missing from the others is not an error; an id missing
 * from all of them is reported once, not once per region.
 */
function missingImageErrors(tally: ImageIdTally): ScanError[] {
  const byImage = new Map<string, ScanError[]>();
  for (const { account, error } of tally.missing) {
    const key = `${account} ${error.imageId}`;
    if (tally.found.has(key)) continue;
    byImage.set(key, [...(byImage.get(key) ?? []), error]);
  }
  return [...byImage.values()].map((errors) => {
    if (errors.length === 1) return errors[0]!;
    const { region: _region, ...first } = errors[0]!;
    return { ...first, message: `Image ${first.imageId} was not found in any of the ${errors.length} regions scanned: check the id and the regions (InvalidAMIID.NotFound)` };
  });
}

/** Lists and classifies one region of one account; returns the images when they are collected. */
async function scanRegion(task: RegionTask, context: RegionContext): Promise<ClassifiedImage[]> {
  const { region } = task;
  if (context.signal.aborted) {
    const { accountId } = await task.identity;
    context.recordError({ region, ...(accountId ? { accountId } : {}), code: 'ScanTimeout', action: 'DescribeImages', message: `Region ${region}${accountId ? ` of ${accountId}` : ''} was not scanned: the scan reached --timeout first` });
    return [];
  }
  context.observer?.onRegionStart?.(region);
  const limitCalls = pLimit(context.request.concurrency);
  const ordered = new InOrder<ClassifiedImage>(context.emit);
  const pages: Promise<ClassifiedImage[]>[] = [];
  let listed = 0;
  let identity: Identity | undefined;
  // The fleet reads run alongside the listing: every image of the region waits for the same answers.
  const fleetReads = context.fleet ? fleetPort(task.account, region) : undefined;
  const fleet = fleetReads ? readFleetOf(task, fleetReads, context) : undefined;
  // Image ids this region does not hold; recorded once the account id is known.
  const notFound: ScanError[] = [];
  try {
    const port = task.account.ec2(region);
    for await (const page of port.listImages(context.request.query, context.signal, (error) => notFound.push(error))) {
      identity ??= await task.identity;
      const accountId = identity.accountId;
      listed += page.length;
      if (context.request.query.imageIds.length > 0) for (const image of page) context.imageIds.found.add(`${accountId ?? task.account.label} ${image.imageId}`);
      const records = accountId ? page.map((image) => ({ ...image, accountId })) : page;
      pages.push(classifyPage(port, records, limitCalls, context, ordered, listed - page.length, fleet && fleetReads && { fleet, port: fleetReads, accountId }));
      // Attribute reads of a page overlap with listing the next one, but no more than two pages wait,
      // so memory stays bounded however large the region is.
      if (pages.length >= 2) await pages[pages.length - 2];
      if (!context.collect) pages.splice(0, pages.length - 1);
    }
    identity ??= await task.identity;
  } catch (error) {
    identity ??= await task.identity;
    if (isAmiAuditError(error) && !identity.failed) throw error;
    const accountId = identity.accountId;
    const scanError = toScanError(error, { region, ...(accountId ? { accountId } : {}), action: 'DescribeImages' });
    // An account whose credentials failed was reported once already; its regions add nothing.
    if (!identity.failed) {
      if (context.signal.aborted) {
        // The scan's own deadline stopped the call: there is no AWS error code to report.
        const { awsCode: _awsCode, ...stopped } = scanError;
        context.recordError({ ...stopped, code: 'ScanTimeout', message: `Listing ${region}${accountId ? ` of ${accountId}` : ''} stopped at --timeout after ${listed} images: the rest were not read` });
      } else {
        context.recordError(scanError);
      }
    }
  }
  const account = identity.accountId ?? task.account.label;
  for (const error of notFound) context.imageIds.missing.push({ account, error: identity.accountId ? { ...error, accountId: identity.accountId } : error });
  const images = (await Promise.all(pages)).flat();
  // Reads that no page waited for (an empty region) must still end, and report their errors, in the scan.
  await fleet;
  context.observer?.onRegionDone?.(identity.accountId, region, listed);
  return context.collect ? images : [];
}

/**
 * Reads the region's fleet view once its account is known; an account whose credentials failed was
 * reported already and gets nothing more.
 */
async function readFleetOf(task: RegionTask, port: FleetPort, context: RegionContext): Promise<RegionFleet> {
  const { accountId, failed } = await task.identity;
  if (failed || context.signal.aborted) return { defaults: null, instancesByImage: null, templatesByImage: null };
  const fleet = await readRegionFleet(port, { accountId, imageIds: context.request.query.imageIds }, context.fleetSink, context.signal);
  if (fleet.defaults) context.onFleetDefaults(fleet.defaults);
  return fleet;
}

/** Returns the account's fleet port for a region; an account port without one cannot serve `--fleet`. */
function fleetPort(account: AccountPort, region: string): FleetPort {
  if (!account.fleet) throw new AmiAuditError('Internal', `Account ${account.label} cannot read the fleet view (its port has no fleet reads)`);
  return account.fleet(region);
}

/** A page's way to the fleet view of its region. */
interface PageFleet {
  fleet: Promise<RegionFleet>;
  port: FleetPort;
  accountId: string | null;
}

/**
 * Reads the attributes of one page's images (bounded by `limitCalls`) and classifies each as it
 * completes; `ordered` passes them on in listing order (`offset` is the page's first position).
 */
async function classifyPage(
  port: Ec2Port,
  page: readonly ImageRecord[],
  limitCalls: ReturnType<typeof pLimit>,
  context: RegionContext,
  ordered: InOrder<ClassifiedImage>,
  offset: number,
  pageFleet: PageFleet | undefined,
): Promise<ClassifiedImage[]> {
  const factsOf = pageFleet ? await fleetFactsOf(page, pageFleet, limitCalls, context) : undefined;
  const extrasOf = (image: ImageRecord) => (factsOf ? { fleet: factsOf(image) } : {});
  if (context.attributes.length === 0) {
    return page.map((image, index) => {
      const classified = classify(image, extrasOf(image), context.classifyOptions);
      ordered.put(offset + index, classified);
      return classified;
    });
  }
  return Promise.all(
    page.map(async (image, index) => {
      const classified = classify(image, { ...(await readAttributes(port, image, limitCalls, context)), ...extrasOf(image) }, context.classifyOptions);
      ordered.put(offset + index, classified);
      return classified;
    }),
  );
}

/**
 * Returns, for each image of a page, what its region's fleet reads say of it. With the evidence check,
 * reads CloudWatch for the instances of the page's images that are not yet `v2.0` (those need no
 * evidence): 250 instances a call, never one call per instance.
 */
async function fleetFactsOf(
  page: readonly ImageRecord[],
  pageFleet: PageFleet,
  limitCalls: ReturnType<typeof pLimit>,
  context: RegionContext,
): Promise<(image: ImageRecord) => ImageFleetFacts> {
  const fleet = await pageFleet.fleet;
  const window = context.fleet?.window;
  let metrics: Awaited<ReturnType<typeof readMetadataCalls>> | undefined;
  if (window && fleet.instancesByImage && !context.signal.aborted) {
    const ids = page
      .filter((image) => image.imdsSupport !== 'v2.0')
      .flatMap((image) => (fleet.instancesByImage!.get(image.imageId) ?? []).map((instance) => instance.instanceId));
    metrics = await readMetadataCalls(pageFleet.port, ids, window, { accountId: pageFleet.accountId }, context.fleetSink, limitCalls, context.signal);
  }
  return (image) => {
    const instances = fleet.instancesByImage ? (fleet.instancesByImage.get(image.imageId) ?? []) : null;
    const facts: ImageFleetFacts = {
      defaults: fleet.defaults,
      instances,
      launchTemplates: fleet.templatesByImage ? (fleet.templatesByImage.get(image.imageId) ?? []) : null,
    };
    if (window) {
      const unread = !metrics || (instances ?? []).some((instance) => metrics!.unread.has(instance.instanceId));
      facts.metrics = { calls: unread ? null : metrics!.calls, windowDays: context.fleet!.days! };
    }
    return facts;
  };
}

/** Reads every needed attribute of one image; a failure becomes data, never an exception. */
async function readAttributes(
  port: Ec2Port,
  image: ImageRecord,
  limitCalls: ReturnType<typeof pLimit>,
  context: RegionContext,
): Promise<{ attributes?: ImageAttributes; failures?: AttributeFailure[] }> {
  const failures: AttributeFailure[] = [];
  const values = await Promise.all(
    context.attributes.map((attribute) =>
      limitCalls(async (): Promise<ImageAttributes> => {
        const where = { region: port.region, imageId: image.imageId, action: 'DescribeImageAttribute', ...(image.accountId ? { accountId: image.accountId } : {}) };
        try {
          if (context.signal.aborted) throw new Error('aborted');
          return await port.readImageAttribute(image.imageId, attribute, context.signal);
        } catch (error) {
          const scanError = context.signal.aborted
            ? { ...where, code: 'ScanTimeout', message: `${attribute} of ${image.imageId} in ${port.region} was not read: the scan reached --timeout first` }
            : toScanError(error, where);
          failures.push({ attribute, error: scanError });
          context.recordError(scanError);
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
