import { KNOWN_VALUES } from './ec2-values.js';
import type { BootMode, EffectiveBootMode } from './types.js';

/** The boot mode of the instance types of each architecture, used when an AMI leaves `BootMode` unset. */
const ARCHITECTURE_DEFAULT: ReadonlyMap<string, BootMode> = new Map([
  ['arm64', 'uefi'],
  ['arm64_mac', 'uefi'],
  ['x86_64', 'legacy-bios'],
  ['i386', 'legacy-bios'],
  ['x86_64_mac', 'legacy-bios'],
]);

/** Returns true for a `BootMode` value EC2 documents. */
export function isBootMode(value: string): value is BootMode {
  return (KNOWN_VALUES.BootMode as readonly string[]).includes(value);
}

/**
 * Returns the boot mode an instance gets from an AMI, or `unknown` when it cannot be decided.
 *
 * An AMI that sets `BootMode` boots that way. One that leaves it unset boots the instance type's
 * default: Graviton (`arm64`, `arm64_mac`) types boot UEFI, Intel and AMD types (`x86_64`, `i386`,
 * `x86_64_mac`) boot legacy BIOS. A `BootMode` value EC2 does not document, or an unset `BootMode` with
 * a missing or unknown architecture, is `unknown`: guessing legacy BIOS would raise TPM and boot
 * findings on a guess, and guessing UEFI would hide them.
 */
export function effectiveBootMode(bootMode: string | null, architecture: string | null): EffectiveBootMode {
  if (bootMode !== null) return isBootMode(bootMode) ? bootMode : 'unknown';
  return (architecture !== null && ARCHITECTURE_DEFAULT.get(architecture)) || 'unknown';
}
