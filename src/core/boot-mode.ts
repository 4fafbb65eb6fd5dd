import type { BootMode } from './types.js';

/**
 * Returns the boot mode an instance gets from an AMI.
 *
 * An AMI that sets `BootMode` boots that way. One that leaves it unset boots the instance type's
 * default: Graviton (`arm64`, `arm64_mac`) types boot UEFI, Intel and AMD types (`x86_64`, `i386`,
 * `x86_64_mac`) boot legacy BIOS. An unknown architecture is treated as legacy BIOS, the cautious
 * reading for the TPM and Secure Boot checks.
 */
export function effectiveBootMode(bootMode: string | null, architecture: string | null): BootMode {
  if (bootMode === 'legacy-bios' || bootMode === 'uefi' || bootMode === 'uefi-preferred') return bootMode;
  return architecture?.startsWith('arm64') ? 'uefi' : 'legacy-bios';
}
