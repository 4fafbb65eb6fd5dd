// DescribeImages: the images visible to the caller, narrowed by ImageId.N, Owner.N,
// ExecutableBy.N and Filter.N, with EC2's rules for deprecated and disabled images and
// MaxResults/NextToken pagination (without MaxResults everything comes in one page).
//
// Visibility: without ImageId/Owner/ExecutableBy, every image the caller may launch (own,
// public, shared with it, its organization or OU). Deprecated images (DeprecationTime passed)
// are hidden from non-owners unless IncludeDeprecated=true or the image is asked for by id;
// owners always see their own. Disabled images are visible only to their owner and only with
// IncludeDisabled=true. ExecutableBy: `all` = public images; `self` or the caller's own id =
// images the caller owns or that are explicitly shared with it (account, organization, OU) —
// the older EC2 wording "AMIs for which you own or have explicit permissions"; another account
// id = images explicitly shared with that account id.

import type { EstateImage, RegionState } from '../estate.js';
import { ACCOUNT_ID, IMAGE_ID } from '../estate.js';
import { ApiError, Errors } from '../errors.js';
import { compileFilters, type FilterTable } from '../filters.js';
import { canLaunch, isDeprecated, isDisabled, isOwner, isPublic, isSharedWith, isSharedWithAccountId } from '../image-access.js';
import { paginate, readPageRequest, type PageRequest } from '../pagination.js';
import { leaf, list } from '../xml.js';
import { checkDryRun, type ActionContext, type ActionDefinition } from './context.js';
import { imageItemXml } from './image-xml.js';

const OWNER_ALIASES = ['amazon', 'aws-marketplace', 'aws-backup-vault'];

const bdm = (img: EstateImage) => img.BlockDeviceMappings ?? [];

/** The filters EC2 documents for DescribeImages. */
export const IMAGE_FILTERS: FilterTable<EstateImage> = {
  names: {
    architecture: (i) => [i.Architecture],
    'block-device-mapping.delete-on-termination': (i) => bdm(i).map((m) => m.Ebs?.DeleteOnTermination),
    'block-device-mapping.device-name': (i) => bdm(i).map((m) => m.DeviceName),
    'block-device-mapping.snapshot-id': (i) => bdm(i).map((m) => m.Ebs?.SnapshotId),
    'block-device-mapping.volume-size': (i) => bdm(i).map((m) => m.Ebs?.VolumeSize),
    'block-device-mapping.volume-type': (i) => bdm(i).map((m) => m.Ebs?.VolumeType),
    'block-device-mapping.encrypted': (i) => bdm(i).map((m) => m.Ebs?.Encrypted),
    'boot-mode': (i) => [i.BootMode],
    'creation-date': (i) => [i.CreationDate],
    description: (i) => [i.Description],
    'ena-support': (i) => [i.EnaSupport],
    'free-tier-eligible': (i) => [i.FreeTierEligible],
    hypervisor: (i) => [i.Hypervisor],
    'image-allowed': (i) => [i.ImageAllowed],
    'image-id': (i) => [i.ImageId],
    'image-type': (i) => [i.ImageType],
    'is-public': (i) => [isPublic(i)],
    'kernel-id': (i) => [i.KernelId],
    'manifest-location': (i) => [i.ImageLocation],
    name: (i) => [i.Name],
    'owner-alias': (i) => [i.ImageOwnerAlias],
    'owner-id': (i) => [i.OwnerId],
    platform: (i) => [i.Platform],
    'product-code': (i) => (i.ProductCodes ?? []).map((p) => p.ProductCodeId),
    'product-code.type': (i) => (i.ProductCodes ?? []).map((p) => p.ProductCodeType),
    'public-ssm-parameter-name': (i) => [i.PublicSsmParameterName],
    'ramdisk-id': (i) => [i.RamdiskId],
    'root-device-name': (i) => [i.RootDeviceName],
    'root-device-type': (i) => [i.RootDeviceType],
    'source-image-id': (i) => [i.SourceImageId],
    'source-image-region': (i) => [i.SourceImageRegion],
    'source-instance-id': (i) => [i.SourceInstanceId],
    'sriov-net-support': (i) => [i.SriovNetSupport],
    state: (i) => [i.State],
    'state-reason-code': (i) => [i.StateReason?.Code],
    'state-reason-message': (i) => [i.StateReason?.Message],
    'virtualization-type': (i) => [i.VirtualizationType],
    // Documented filters on data the emulator does not model: accepted, they match nothing.
    'image-watermark.source-image-creation-time': () => [],
    'image-watermark.source-image-id': () => [],
    'image-watermark.source-image-region': () => [],
    'image-watermark.watermark-creation-time': () => [],
    'image-watermark.watermark-key': () => [],
    'instance-type-specification.supported-instance-type': () => [],
    'instance-type-specification.unsupported-instance-type': () => [],
    'scan-result.critical-fix-available-since': () => [],
    'scan-result.finding-scan-date': () => [],
    'scan-result.high-fix-available-since': () => [],
    'scan-result.highest-finding-severity-label': () => [],
    'scan-result.informational-fix-available-since': () => [],
    'scan-result.low-fix-available-since': () => [],
    'scan-result.medium-fix-available-since': () => [],
  },
  tags: (i) => i.Tags,
};

function malformedUser(value: string): ApiError {
  return new ApiError('InvalidUserID.Malformed', `Invalid user id: "${value}"`);
}

/**
 * The filtered listing behind a paginated request, kept per region so that each further page is a
 * slice instead of a new pass over every image (a million-image estate would otherwise cost a full
 * scan per page). Keyed by caller, request and the region's image count, so a new image starts over.
 */
const listings = new WeakMap<RegionState, Map<string, EstateImage[]>>();
const LISTINGS_KEPT = 8;

function listingKey(ctx: ActionContext): string {
  const request = ctx.params
    .entries()
    .filter(([key]) => key !== 'NextToken' && key !== 'MaxResults' && !key.startsWith('X-Amz-'))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([ctx.account.accountId, ctx.region.images.length, request]);
}

function describeImages(ctx: ActionContext) {
  const page = readPageRequest(ctx.params, 5, 1000);
  const cacheable = page.maxResults !== undefined && ctx.params.list('ImageId').length === 0;
  if (!cacheable) return renderPage(ctx, page, selectImages(ctx, page));
  let cache = listings.get(ctx.region);
  if (!cache) listings.set(ctx.region, (cache = new Map()));
  const key = listingKey(ctx);
  let images = page.nextToken !== undefined ? cache.get(key) : undefined;
  if (!images) {
    images = selectImages(ctx, page);
    cache.delete(key);
    cache.set(key, images);
    if (cache.size > LISTINGS_KEPT) cache.delete(cache.keys().next().value!);
  }
  return renderPage(ctx, page, images);
}

function renderPage(ctx: ActionContext, page: PageRequest, images: EstateImage[]) {
  const result = paginate(images, ctx.params, page, ctx.pageSizeCap);
  return [list('imagesSet', result.items.map(imageItemXml)), leaf('nextToken', result.nextToken)].filter((x) => x !== undefined);
}

/** The images a request selects, in estate order: visibility, ids, owners, executable users, filters. */
function selectImages(ctx: ActionContext, page: PageRequest): EstateImage[] {
  const { params, account, now } = ctx;
  const imageIds = params.list('ImageId');
  const owners = params.list('Owner');
  const executableBy = params.list('ExecutableBy');
  const includeDeprecated = params.bool('IncludeDeprecated') ?? false;
  const includeDisabled = params.bool('IncludeDisabled') ?? false;
  if (page.maxResults !== undefined && imageIds.length > 0) {
    throw Errors.invalidParameterCombination('The parameter imageIdsSet cannot be used with the parameter maxResults');
  }
  for (const id of imageIds) if (!IMAGE_ID.test(id)) throw Errors.amiMalformed(id);
  for (const o of owners) if (o !== 'self' && !OWNER_ALIASES.includes(o) && !ACCOUNT_ID.test(o)) throw malformedUser(o);
  for (const e of executableBy) if (e !== 'self' && e !== 'all' && !ACCOUNT_ID.test(e)) throw malformedUser(e);
  const matchesFilters = compileFilters(params.filters(), IMAGE_FILTERS);
  checkDryRun(ctx);

  let images = ctx.region.images.filter((img) => canLaunch(img, account) && (!isDisabled(img) || includeDisabled));

  if (imageIds.length > 0) {
    const wanted = new Set(imageIds);
    const found = new Set(images.filter((img) => wanted.has(img.ImageId)).map((img) => img.ImageId));
    const missing = [...wanted].filter((id) => !found.has(id));
    // A disabled image asked for by id without IncludeDisabled is simply left out.
    const reallyMissing = missing.filter((id) => !ctx.region.images.some((img) => img.ImageId === id && isOwner(img, account)));
    if (reallyMissing.length > 0) throw Errors.amiNotFound(reallyMissing);
    images = images.filter((img) => wanted.has(img.ImageId));
  } else if (!includeDeprecated) {
    images = images.filter((img) => isOwner(img, account) || !isDeprecated(img, now));
  }

  if (owners.length > 0) {
    images = images.filter((img) =>
      owners.some((o) =>
        o === 'self' ? isOwner(img, account) : OWNER_ALIASES.includes(o) ? img.ImageOwnerAlias === o : img.OwnerId === o,
      ),
    );
  }
  if (executableBy.length > 0) {
    images = images.filter((img) =>
      executableBy.some((e) => {
        if (e === 'all') return isPublic(img);
        if (e === 'self' || e === account.accountId) return isOwner(img, account) || isSharedWith(img, account);
        return isSharedWithAccountId(img, e);
      }),
    );
  }
  return images.filter(matchesFilters);
}

export const DescribeImages: ActionDefinition = { service: 'ec2', handle: describeImages };
