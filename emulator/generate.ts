// Synthetic estates for pagination tests and benchmarks: N images with a seeded, reproducible
// mix of IMDS support, boot mode, NitroTPM, architecture, visibility, state and deprecation;
// a fleet region (images, instances, launch templates, metrics); an organization of accounts.

import type {
  DescribeImagesDocument,
  EstateAccountSpec,
  EstateImage,
  EstateInstance,
  EstateLaunchTemplate,
  EstateRegionSpec,
  InstanceMetrics,
  RichEstateDocument,
} from './estate.js';
import { hexDigits, pick, seededRandom, type Random } from './prng.js';

export interface GenerateOptions {
  /** Owner of every image (default 111122223333). */
  ownerId?: string;
  /** Only `available` images (default false: some pending, failed and disabled ones). */
  allAvailable?: boolean;
  /** Reference date for creation and deprecation times (default 2026-11-01T00:00:00Z). */
  baseDate?: string;
  /** Share of images with a DeprecationTime, half of them in the past (default 0.15). */
  deprecatedShare?: number;
  /** Share of public images (default 0.08). */
  publicShare?: number;
}

const TEAMS = ['web', 'api', 'batch', 'data', 'ml', 'edge', 'platform', 'payments'];
const ENVIRONMENTS = ['prod', 'staging', 'dev'];
const OSES = ['al2023', 'al2', 'ubuntu-22.04', 'ubuntu-24.04', 'rhel9', 'debian12', 'windows-2022'];
const DAY_MS = 86_400_000;

/** Returns `count` images, identical for identical (count, seed, options). */
export function generateImages(count: number, seed: number, options: GenerateOptions = {}): EstateImage[] {
  if (!Number.isInteger(count) || count < 0) throw new Error(`count must be a non-negative integer, got ${count}`);
  const random = seededRandom(seed);
  const ownerId = options.ownerId ?? '111122223333';
  const base = Date.parse(options.baseDate ?? '2026-11-01T00:00:00Z');
  const deprecatedShare = options.deprecatedShare ?? 0.15;
  const publicShare = options.publicShare ?? 0.08;
  const ids = new Set<string>();
  const images: EstateImage[] = [];
  for (let n = 0; n < count; n++) {
    let id: string;
    do id = `ami-0${hexDigits(random, 16)}`;
    while (ids.has(id));
    ids.add(id);

    const team = pick(random, TEAMS);
    const os = pick(random, OSES);
    const windows = os.startsWith('windows');
    const arch = !windows && random() < 0.3 ? 'arm64' : 'x86_64';
    const created = new Date(base - Math.floor(random() * 3 * 365) * DAY_MS - Math.floor(random() * DAY_MS));
    const version = `${created.getUTCFullYear()}.${String(created.getUTCMonth() + 1).padStart(2, '0')}.${n}`;
    const name = `${team}-${os}-${arch}-${version}`;

    const image: EstateImage = {
      Architecture: arch,
      CreationDate: created.toISOString(),
      ImageId: id,
      ImageLocation: `${ownerId}/${name}`,
      ImageType: 'machine',
      Public: random() < publicShare,
      OwnerId: ownerId,
      PlatformDetails: windows ? 'Windows' : 'Linux/UNIX',
      UsageOperation: windows ? 'RunInstances:0002' : 'RunInstances',
      State: 'available',
      BlockDeviceMappings: [
        {
          DeviceName: '/dev/xvda',
          Ebs: {
            DeleteOnTermination: true,
            SnapshotId: `snap-0${hexDigits(random, 16)}`,
            VolumeSize: windows ? 30 : pick(random, [8, 8, 16, 32]),
            VolumeType: 'gp3',
            Encrypted: random() < 0.5,
          },
        },
      ],
      Description: `${name} built by the ${team} team`,
      EnaSupport: true,
      Hypervisor: 'xen',
      Name: name,
      RootDeviceName: '/dev/xvda',
      RootDeviceType: 'ebs',
      SriovNetSupport: 'simple',
      VirtualizationType: 'hvm',
      Tags: [
        { Key: 'Team', Value: team },
        { Key: 'Environment', Value: pick(random, ENVIRONMENTS) },
      ],
    };
    if (windows) image.Platform = 'windows';

    if (random() < 0.55) image.ImdsSupport = 'v2.0';
    // Graviton images are mostly UEFI; x86 ones are spread over every mode, unset included.
    const bootMode = arch === 'arm64'
      ? pick(random, ['uefi', 'uefi', undefined])
      : pick(random, ['legacy-bios', 'uefi', 'uefi-preferred', undefined, undefined]);
    if (bootMode) image.BootMode = bootMode;
    const uefi = bootMode === 'uefi' || bootMode === 'uefi-preferred';
    // NitroTPM needs UEFI; a few images carry the flag anyway, as misbuilt AMIs do.
    if ((uefi && random() < 0.5) || random() < 0.05) image.TpmSupport = 'v2.0';

    if (!options.allAvailable) {
      const r = random();
      if (r < 0.04) image.State = 'pending';
      else if (r < 0.07) {
        image.State = 'failed';
        image.StateReason = { Code: 'Client.InternalError', Message: 'Client.InternalError: snapshot copy failed' };
      } else if (r < 0.1) image.State = 'disabled';
    }
    if (random() < deprecatedShare) {
      const past = random() < 0.5;
      const offsetDays = 1 + Math.floor(random() * 365);
      image.DeprecationTime = new Date(base + (past ? -offsetDays : offsetDays) * DAY_MS).toISOString();
    }
    if (random() < 0.3) {
      image.LastLaunchedTime = new Date(base - Math.floor(random() * 90) * DAY_MS).toISOString().replace('.000Z', 'Z');
    }
    images.push(image);
  }
  return images;
}

/** A `{"Images": [...]}` document of generated images, usable as an emulator estate. */
export function generatedEstate(count: number, seed: number, options: GenerateOptions = {}): DescribeImagesDocument {
  return { Images: generateImages(count, seed, options) };
}

export interface FleetOptions {
  /** Owner of everything generated (default 111122223333). */
  accountId?: string;
  /** Images (default 100). */
  images?: number;
  /** Instances spread over the images (default 1000). */
  instances?: number;
  /** Launch templates (default: one per 20 images, at least 1 when there are images). */
  launchTemplates?: number;
  /** Share of instances with CloudWatch metrics (default 0.7); the others have no datapoints at all. */
  metricsShare?: number;
  /** Share of instances with metrics whose MetadataNoToken is above 0 (default 0.25); the rest report zeros. */
  callingShare?: number;
  /** Datapoints per metric and instance, spread over the window (default 4). */
  datapointsPerMetric?: number;
  /** Days before `now` the datapoints cover (default 14). */
  metricDays?: number;
  /**
   * End of the metrics window (default: the current hour). Everything else depends only on the
   * seed; pass a fixed date for fully reproducible metrics.
   */
  now?: Date | string;
  /** Options of the images (default owner: accountId). */
  imageOptions?: GenerateOptions;
}

/** Instance states with their weights: mostly running, some stopped, a few in transition or gone. */
const INSTANCE_STATES: [string, number][] = [['running', 0.82], ['stopped', 0.12], ['pending', 0.01], ['stopping', 0.02], ['terminated', 0.03]];

function weighted(random: Random, table: [string, number][]): string {
  let r = random();
  for (const [value, weight] of table) {
    if ((r -= weight) < 0) return value;
  }
  return table[table.length - 1]![0];
}

function uniqueId(random: Random, prefix: string, seen: Set<string>): string {
  let id: string;
  do id = `${prefix}${hexDigits(random, 16)}`;
  while (seen.has(id));
  seen.add(id);
  return id;
}

/**
 * One account's region with a fleet: images, instances spread over them (a few images run most
 * instances, some run none; states mostly running, some stopped; HttpTokens set on about half,
 * derived from the image and account defaults on the rest), launch templates (1-4 versions, $Default
 * and $Latest often disagreeing, some images as SSM references), and metrics for a share of the
 * instances (MetadataNoToken above 0, all zeros, or none at all). Identical for identical
 * (seed, options) apart from `now`.
 */
export function generateFleetRegion(seed: number, options: FleetOptions = {}): EstateRegionSpec {
  const random = seededRandom(seed);
  const accountId = options.accountId ?? '111122223333';
  const imageCount = options.images ?? 100;
  const instanceCount = options.instances ?? 1000;
  const templateCount = options.launchTemplates ?? (imageCount > 0 ? Math.max(1, Math.round(imageCount / 20)) : 0);
  const metricsShare = options.metricsShare ?? 0.7;
  const callingShare = options.callingShare ?? 0.25;
  const pointsPerMetric = options.datapointsPerMetric ?? 4;
  const windowMs = (options.metricDays ?? 14) * DAY_MS;
  const end = options.now !== undefined ? new Date(options.now).getTime() : Math.floor(Date.now() / 3_600_000) * 3_600_000;
  if (!Number.isInteger(instanceCount) || instanceCount < 0) throw new Error(`instances must be a non-negative integer, got ${instanceCount}`);
  if (instanceCount > 0 && imageCount === 0) throw new Error('instances need at least one image');

  const images = generateImages(imageCount, seed * 7919 + 1, { ownerId: accountId, ...options.imageOptions });
  const ids = new Set<string>();
  // A power law over the images: the first ones run most instances, the last ~30% none.
  const used = Math.max(1, Math.ceil(imageCount * 0.7));
  const instances: EstateInstance[] = [];
  const metrics: Record<string, InstanceMetrics> = {};
  for (let n = 0; n < instanceCount; n++) {
    const image = images[Math.floor(used * random() ** 2)]!;
    const state = weighted(random, INSTANCE_STATES);
    const instance: EstateInstance = {
      InstanceId: uniqueId(random, 'i-0', ids),
      ImageId: image.ImageId,
      OwnerId: accountId,
      State: state,
      InstanceType: pick(random, ['t3.micro', 't3.large', 'm7i.large', 'm7g.large', 'c7i.xlarge']),
      LaunchTime: new Date(end - Math.floor(random() * 400) * DAY_MS).toISOString(),
    };
    if (random() < 0.5) instance.MetadataOptions = { HttpTokens: random() < 0.5 ? 'optional' : 'required' };
    instances.push(instance);

    if (state === 'terminated' || random() >= metricsShare) continue;
    const calling = random() < callingShare;
    const rejecting = !calling && random() < 0.1;
    const series = (positive: boolean) =>
      Array.from({ length: pointsPerMetric }, (_, i) => ({
        Timestamp: new Date(end - windowMs + Math.floor(((i + random()) * windowMs) / pointsPerMetric / 60_000) * 60_000).toISOString(),
        Value: positive ? 1 + Math.floor(random() * 50) : 0,
      }));
    metrics[instance.InstanceId] = { MetadataNoToken: series(calling), MetadataNoTokenRejected: series(rejecting) };
  }

  const launchTemplates: EstateLaunchTemplate[] = [];
  const templateIds = new Set<string>();
  for (let n = 0; n < templateCount; n++) {
    const versionCount = 1 + Math.floor(random() * 4);
    const versions = Array.from({ length: versionCount }, (_, i) => {
      const ssm = random() < 0.1;
      const tokens = pick(random, ['optional', 'required', undefined] as const);
      return {
        VersionNumber: i + 1,
        ImageId: ssm ? `resolve:ssm:/golden/${pick(random, TEAMS)}` : images[Math.floor(used * random() ** 2)]!.ImageId,
        ...(tokens ? { MetadataOptions: { HttpTokens: tokens } } : {}),
      };
    });
    launchTemplates.push({
      LaunchTemplateId: uniqueId(random, 'lt-0', templateIds),
      LaunchTemplateName: `${pick(random, TEAMS)}-${n}`,
      OwnerId: accountId,
      DefaultVersionNumber: 1 + Math.floor(random() * versionCount),
      Versions: versions,
    });
  }
  return { Images: images, Instances: instances, LaunchTemplates: launchTemplates, Metrics: metrics };
}

/** A rich estate of one account and one region holding generateFleetRegion's fleet. */
export function generatedFleetEstate(seed: number, options: FleetOptions & { region?: string; accessKeyId?: string } = {}): RichEstateDocument {
  const accountId = options.accountId ?? '111122223333';
  return {
    DefaultAccountId: accountId,
    Accounts: [{ AccountId: accountId, ...(options.accessKeyId ? { AccessKeyIds: [options.accessKeyId] } : {}) }],
    Regions: { [options.region ?? 'us-east-1']: generateFleetRegion(seed, { ...options, accountId }) },
  };
}

export interface OrganizationOptions {
  /** Accounts, the management account first (default 200). */
  accounts?: number;
  /** Regions each account uses: a count of the default regions below, or names (default 4). */
  regions?: number | string[];
  /** Images per account and region (default 25). */
  imagesPerRegion?: number;
  /** Share of member accounts SUSPENDED (default 0.03); one more is CLOSED when there are 10 or more. */
  suspendedShare?: number;
  /** Member accounts (counted from the last) whose Roles is [] so that no role can be assumed (default 0). */
  accountsWithoutRole?: number;
  /** Access key of the management account (default AKIAORGMANAGEMENT000). */
  managementAccessKeyId?: string;
  /** Options of the images. */
  imageOptions?: GenerateOptions;
}

/** Regions used by generateOrganizationEstate, in order: none needs opt-in. */
export const ORGANIZATION_REGIONS = ['us-east-1', 'eu-west-1', 'us-west-2', 'ap-southeast-2', 'eu-central-1', 'us-east-2', 'ap-northeast-1', 'ca-central-1'];

/** The id of the n-th generated organization account (0: the management account). */
export function organizationAccountId(n: number): string {
  return String(100_000_000_000 + n);
}

/**
 * An organization of `accounts` accounts × `regions` regions × `imagesPerRegion` images each: the
 * Organization block (management account 100000000000 with an access key, the second account a
 * delegated administrator), names and e-mails, a few suspended accounts and one closed. Deterministic.
 */
export function generateOrganizationEstate(seed: number, options: OrganizationOptions = {}): RichEstateDocument {
  const count = options.accounts ?? 200;
  if (!Number.isInteger(count) || count < 1) throw new Error(`accounts must be a positive integer, got ${count}`);
  const regionNames = Array.isArray(options.regions) ? options.regions : ORGANIZATION_REGIONS.slice(0, options.regions ?? 4);
  if (regionNames.length === 0 || (typeof options.regions === 'number' && options.regions > ORGANIZATION_REGIONS.length)) {
    throw new Error(`regions must be 1 to ${ORGANIZATION_REGIONS.length}, or a list of names`);
  }
  const perRegion = options.imagesPerRegion ?? 25;
  const suspendedShare = options.suspendedShare ?? 0.03;
  const withoutRole = options.accountsWithoutRole ?? 0;
  const random = seededRandom(seed);
  const management = organizationAccountId(0);

  const accounts: EstateAccountSpec[] = [];
  for (let n = 0; n < count; n++) {
    const id = organizationAccountId(n);
    const team = TEAMS[n % TEAMS.length]!;
    const env = ENVIRONMENTS[Math.floor(n / TEAMS.length) % ENVIRONMENTS.length]!;
    const spec: EstateAccountSpec = { AccountId: id, Name: n === 0 ? 'management' : `${team}-${env}-${n}`, Email: `aws+${n}@example.com` };
    if (n === 0) spec.AccessKeyIds = [options.managementAccessKeyId ?? 'AKIAORGMANAGEMENT000'];
    else if (n === count - 1 && count >= 10) spec.OrganizationState = 'CLOSED';
    else if (n > 1 && random() < suspendedShare) spec.OrganizationState = 'SUSPENDED';
    if (n > 0 && n >= count - withoutRole) spec.Roles = [];
    accounts.push(spec);
  }
  const regions: Record<string, EstateRegionSpec> = {};
  regionNames.forEach((region, r) => {
    const images: EstateImage[] = [];
    for (let n = 0; n < count; n++) {
      images.push(...generateImages(perRegion, seed * 1_000_003 + n * 97 + r + 1, { ...options.imageOptions, ownerId: organizationAccountId(n) }));
    }
    regions[region] = { Images: images };
  });
  return {
    DefaultAccountId: management,
    Organization: { ManagementAccountId: management, ...(count > 1 ? { DelegatedAdministrators: [organizationAccountId(1)] } : {}) },
    Accounts: accounts,
    Regions: regions,
  };
}
