import type { ImageAttributeName } from '../core/types.js';

/** The member of EC2's `ImageAttribute` output that carries each attribute's value. */
export const ATTRIBUTE_OUTPUT_MEMBER = {
  description: 'Description',
  kernel: 'KernelId',
  ramdisk: 'RamdiskId',
  launchPermission: 'LaunchPermissions',
  productCodes: 'ProductCodes',
  blockDeviceMapping: 'BlockDeviceMappings',
  sriovNetSupport: 'SriovNetSupport',
  bootMode: 'BootMode',
  tpmSupport: 'TpmSupport',
  uefiData: 'UefiData',
  lastLaunchedTime: 'LastLaunchedTime',
  imdsSupport: 'ImdsSupport',
  deregistrationProtection: 'DeregistrationProtection',
} as const satisfies Record<ImageAttributeName, string>;
