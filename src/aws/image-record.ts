import type { Image } from '@aws-sdk/client-ec2';
import type { ImageRecord } from '../core/types.js';

/**
 * Returns ami-audit's record of an image from EC2's `Image` shape. The SDK's parsed output and the AWS
 * CLI's `describe-images` JSON share this shape, so the live scan and `--input` go through one mapping.
 * The types hold for both: the SDK parses EC2's answer, and `--input` checks each field first
 * (`src/input/check-image-shape.ts`, which lists every field read here).
 */
export function imageRecordFromEc2(image: Image, region: string | null, accountId: string | null): ImageRecord {
  return {
    imageId: image.ImageId ?? '',
    region,
    accountId,
    name: image.Name ?? null,
    description: image.Description ?? null,
    ownerId: image.OwnerId ?? null,
    public: image.Public === true,
    // An empty element is how EC2's XML leaves a value unset: read it as unset, like the three below.
    architecture: image.Architecture || null,
    state: image.State ?? null,
    creationDate: image.CreationDate ?? null,
    deprecationTime: image.DeprecationTime ?? null,
    imdsSupport: image.ImdsSupport || null,
    bootMode: image.BootMode || null,
    tpmSupport: image.TpmSupport || null,
    tags: (image.Tags ?? []).map((tag) => ({ key: tag.Key ?? '', value: tag.Value ?? '' })),
  };
}
