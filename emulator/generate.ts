// Synthetic estates for pagination tests and benchmarks: N images with a seeded, reproducible
// mix of IMDS support, boot mode, NitroTPM, architecture, visibility, state and deprecation.

import type { DescribeImagesDocument, EstateImage } from './estate.js';
import { hexDigits, pick, seededRandom } from './prng.js';

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
