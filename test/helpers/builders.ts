import type { ImageRecord } from '../../src/core/types.js';

/** Returns an image record with plausible defaults; pass only what the test is about. */
export function anImage(overrides: Partial<ImageRecord> = {}): ImageRecord {
  return {
    imageId: 'ami-0123456789abcdef0',
    region: 'us-east-1',
    accountId: '111122223333',
    name: 'web-2026.11.0',
    description: null,
    ownerId: '111122223333',
    public: false,
    architecture: 'x86_64',
    state: 'available',
    creationDate: '2026-11-01T00:00:00.000Z',
    deprecationTime: null,
    imdsSupport: 'v2.0',
    bootMode: 'uefi',
    tpmSupport: null,
    tags: [],
    ...overrides,
  };
}

export const NOW = new Date('2026-11-27T12:00:00.000Z');

/** An image as `aws ec2 describe-images` prints it, ready for IMDSv2 and booting UEFI; pass only what the test is about. */
export function anEc2Image(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ImageId: 'ami-0abc1234',
    Name: 'web-2026.11.0',
    OwnerId: '111122223333',
    Public: false,
    Architecture: 'x86_64',
    State: 'available',
    CreationDate: '2026-11-01T00:00:00.000Z',
    ImdsSupport: 'v2.0',
    BootMode: 'uefi',
    Tags: [{ Key: 'Team', Value: 'web' }],
    ...overrides,
  };
}
