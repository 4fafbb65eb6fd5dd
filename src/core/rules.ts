import { isKnownValue, KNOWN_VALUES, quoteValue, showValue } from './ec2-values.js';
import type { ImageFleetView } from './fleet/image-fleet.js';
import type { EffectiveBootMode, ImageAttributeName, ImageAttributes, ImageRecord, LaunchPermission, Severity } from './types.js';

/** What a rule sees of one image. */
export interface RuleContext {
  image: ImageRecord;
  imdsSupport: string | null;
  /** `BootMode` as classified: the attribute's value when it was read, else what `DescribeImages` said. */
  bootMode: string | null;
  effectiveBootMode: EffectiveBootMode;
  tpmSupport: string | null;
  /** True when `DescribeImages` says so, or the launch permissions grant the group `all`. */
  isPublic: boolean;
  uefiData?: string | null;
  launchPermission?: LaunchPermission[];
  /** What `DescribeImageAttribute` said, when it was asked. */
  attributes?: ImageAttributes;
  /** With `--fleet`/`--evidence`: what launches get, who runs the image, and CloudWatch's evidence. */
  fleet?: ImageFleetView;
  now: Date;
}

/** A rule: a stable id, the check it belongs to, and a test that returns a finding or nothing. */
export interface Rule {
  id: string;
  check: CheckName;
  /** The severity in the README's rule table; a rule may raise it for one image (see `evaluate`). */
  severity: Severity;
  summary: string;
  evaluate(context: RuleContext): { severity: Severity; message: string } | undefined;
}

/** Checks a user can select with `--checks`; each names the rules it runs and the attributes it reads. */
export const CHECKS = {
  imds: { attributes: [], description: 'IMDSv2 required by the AMI (ImdsSupport)' },
  tpm: { attributes: [], description: 'NitroTPM claimed on an image that boots legacy BIOS' },
  boot: { attributes: [], description: 'images that can only boot legacy BIOS, or whose boot mode cannot be decided' },
  lifecycle: { attributes: [], description: 'deprecated images and images that are not available' },
  consistency: { attributes: [], description: 'DescribeImageAttribute disagreeing with DescribeImages (only when --attributes reads imdsSupport, bootMode or tpmSupport)' },
  'secure-boot': { attributes: ['uefiData'], description: 'UEFI images without a UEFI variable store (Secure Boot off)' },
  sharing: { attributes: ['launchPermission'], description: 'images that other accounts, organizations or everyone may launch' },
  fleet: { attributes: [], description: 'launches that allow IMDSv1 through the account\'s metadata defaults or a launch template (--fleet reads them)' },
  evidence: { attributes: [], description: 'instances launched from the image that still call IMDSv1, from CloudWatch (--evidence reads it)' },
} as const satisfies Record<string, { attributes: readonly ImageAttributeName[]; description: string }>;
export type CheckName = keyof typeof CHECKS;
export const CHECK_NAMES = Object.keys(CHECKS) as CheckName[];
export const DEFAULT_CHECKS: CheckName[] = ['imds', 'tpm', 'boot', 'lifecycle', 'consistency'];

/** The attributes both APIs report, as `DescribeImages` names them in an `ImageRecord`. */
const VERIFIABLE = [
  ['imdsSupport', 'ImdsSupport'],
  ['bootMode', 'BootMode'],
  ['tpmSupport', 'TpmSupport'],
] as const;

/** Returns why the effective boot mode is `unknown`, for the messages of the rules that depend on it. */
function whyBootModeUnknown(bootMode: string | null, architecture: string | null): string {
  if (bootMode !== null) return `BootMode ${quoteValue(bootMode)} is not a value ami-audit knows (${KNOWN_VALUES.BootMode.join(', ')})`;
  if (architecture === null) return 'BootMode is unset and the architecture is missing';
  return `BootMode is unset on architecture ${quoteValue(architecture)}, which ami-audit does not know`;
}

const bootsUefi = (mode: EffectiveBootMode): boolean => mode === 'uefi' || mode === 'uefi-preferred';

/**
 * Every rule ami-audit knows, in the order findings are listed. A check that cannot decide (a value EC2
 * added after this table was written, a missing architecture) says so with an `*_UNDECIDED` or
 * `*_UNKNOWN` rule at the severity of the finding it could not rule out, so that a gate never passes
 * on a guess and no finding is raised on one.
 */
export const RULES: readonly Rule[] = [
  {
    id: 'IMDS_V1_ALLOWED',
    check: 'imds',
    severity: 'high',
    summary: 'ImdsSupport is not v2.0, so instances launched from the image allow IMDSv1 (critical when the image is public).',
    evaluate: ({ imdsSupport, isPublic }) => {
      if (imdsSupport === 'v2.0') return undefined;
      if (imdsSupport !== null && !isKnownValue('ImdsSupport', imdsSupport)) {
        // A value EC2 may add later: it cannot be shown to require IMDSv2, so it is not ready.
        const value = `ImdsSupport ${quoteValue(imdsSupport)} (not a value ami-audit knows; EC2 defines v2.0)`;
        return isPublic
          ? { severity: 'critical', message: `Public image with ${value}: IMDSv2 cannot be confirmed as required, so anyone may launch instances that allow IMDSv1` }
          : { severity: 'high', message: `${value}: IMDSv2 cannot be confirmed as required, so instances launched from it may allow IMDSv1` };
      }
      return isPublic
        ? { severity: 'critical', message: 'Public image with ImdsSupport unset: anyone can launch instances that allow IMDSv1' }
        : { severity: 'high', message: 'ImdsSupport is unset: instances launched from it allow IMDSv1 unless the launch requires tokens' };
    },
  },
  {
    id: 'TPM_WITHOUT_UEFI',
    check: 'tpm',
    severity: 'medium',
    summary: 'TpmSupport is v2.0 but the image boots legacy BIOS, so NitroTPM cannot work.',
    evaluate: ({ tpmSupport, bootMode, effectiveBootMode, image }) =>
      tpmSupport === 'v2.0' && effectiveBootMode === 'legacy-bios'
        ? {
            severity: 'medium',
            message: `TpmSupport v2.0 needs UEFI, but the image boots legacy BIOS${bootMode ? '' : ` (BootMode unset on ${image.architecture})`}`,
          }
        : undefined,
  },
  {
    id: 'TPM_UNDECIDED',
    check: 'tpm',
    severity: 'medium',
    summary: 'NitroTPM is claimed (or TpmSupport has a value ami-audit does not know) and the image may not boot UEFI: the tpm check cannot decide.',
    evaluate: ({ tpmSupport, bootMode, effectiveBootMode, image }) => {
      if (tpmSupport === 'v2.0' && effectiveBootMode === 'unknown') {
        return { severity: 'medium', message: `TpmSupport v2.0 needs UEFI, but ${whyBootModeUnknown(bootMode, image.architecture)}: whether NitroTPM can work is not decided` };
      }
      if (tpmSupport !== null && !isKnownValue('TpmSupport', tpmSupport) && !bootsUefi(effectiveBootMode)) {
        const boots = effectiveBootMode === 'unknown' ? 'whose boot mode is not decided' : 'that boots legacy BIOS';
        return {
          severity: 'medium',
          message: `TpmSupport ${quoteValue(tpmSupport)} is not a value ami-audit knows (EC2 defines v2.0), on an image ${boots}: whether NitroTPM can work is not decided`,
        };
      }
      return undefined;
    },
  },
  {
    id: 'LEGACY_BIOS_ONLY',
    check: 'boot',
    severity: 'low',
    summary: 'The image boots legacy BIOS: no NitroTPM and no UEFI Secure Boot.',
    evaluate: ({ bootMode, effectiveBootMode, image }) =>
      effectiveBootMode === 'legacy-bios'
        ? {
            severity: 'low',
            message: `Boots legacy BIOS${bootMode ? '' : ` (BootMode unset on ${image.architecture})`}: no NitroTPM or UEFI Secure Boot`,
          }
        : undefined,
  },
  {
    id: 'BOOT_MODE_UNKNOWN',
    check: 'boot',
    severity: 'low',
    summary: 'BootMode has a value ami-audit does not know, or is unset with a missing or unknown architecture: the boot mode is not guessed.',
    evaluate: ({ bootMode, effectiveBootMode, image }) =>
      effectiveBootMode === 'unknown'
        ? { severity: 'low', message: `${whyBootModeUnknown(bootMode, image.architecture)}: the boot mode is not decided, so the image may boot legacy BIOS only` }
        : undefined,
  },
  {
    id: 'DEPRECATED',
    check: 'lifecycle',
    severity: 'info',
    summary: 'The deprecation time has passed.',
    evaluate: ({ image, now }) => {
      if (!image.deprecationTime) return undefined;
      const deprecatedAt = Date.parse(image.deprecationTime);
      return Number.isFinite(deprecatedAt) && deprecatedAt <= now.getTime()
        ? { severity: 'info', message: `Deprecated since ${image.deprecationTime}` }
        : undefined;
    },
  },
  {
    id: 'NOT_AVAILABLE',
    check: 'lifecycle',
    severity: 'info',
    summary: 'The image state is not available (pending, failed, disabled, ...).',
    evaluate: ({ image }) =>
      image.state !== null && image.state !== 'available'
        ? { severity: 'info', message: `State is ${showValue(image.state)}, not available` }
        : undefined,
  },
  {
    id: 'ATTRIBUTE_MISMATCH',
    check: 'consistency',
    severity: 'medium',
    summary: 'DescribeImageAttribute and DescribeImages disagree on ImdsSupport, BootMode or TpmSupport; the attribute is used.',
    evaluate: ({ image, attributes }) => {
      if (!attributes) return undefined;
      const show = (value: string | null | undefined) => (value ? showValue(value) : 'unset');
      const differences = VERIFIABLE.filter(([key]) => attributes[key] !== undefined && attributes[key] !== image[key]).map(
        ([key, name]) => `${name} ${show(image[key])} in DescribeImages, ${show(attributes[key])} in DescribeImageAttribute`,
      );
      return differences.length > 0 ? { severity: 'medium', message: `${differences.join('; ')}: the attribute's value is used` } : undefined;
    },
  },
  {
    id: 'SECURE_BOOT_NOT_CONFIGURED',
    check: 'secure-boot',
    severity: 'low',
    summary: 'The image boots UEFI but has no UEFI variable store (uefiData), so UEFI Secure Boot is off.',
    evaluate: ({ effectiveBootMode, uefiData }) =>
      bootsUefi(effectiveBootMode) && uefiData === null
        ? { severity: 'low', message: 'Boots UEFI without a UEFI variable store: UEFI Secure Boot is off' }
        : undefined,
  },
  {
    id: 'SECURE_BOOT_UNDECIDED',
    check: 'secure-boot',
    severity: 'low',
    summary: 'The image has no UEFI variable store and its boot mode cannot be decided: the secure-boot check cannot decide.',
    evaluate: ({ bootMode, effectiveBootMode, uefiData, image }) =>
      effectiveBootMode === 'unknown' && uefiData === null
        ? {
            severity: 'low',
            message: `No UEFI variable store, and ${whyBootModeUnknown(bootMode, image.architecture)}: whether UEFI Secure Boot is off is not decided`,
          }
        : undefined,
  },
  {
    id: 'SHARED_OUTSIDE_ACCOUNT',
    check: 'sharing',
    severity: 'info',
    summary: 'Launch permission is granted to other accounts, organizations, organizational units or everyone.',
    evaluate: ({ launchPermission }) => {
      if (!launchPermission || launchPermission.length === 0) return undefined;
      const grantees = launchPermission.map(
        (permission) =>
          permission.group ?? permission.userId ?? permission.organizationArn ?? permission.organizationalUnitArn ?? '?',
      );
      return { severity: 'info', message: `Launch permission granted to ${grantees.join(', ')}` };
    },
  },
  {
    id: 'ACCOUNT_DEFAULT_ALLOWS_V1',
    check: 'fleet',
    severity: 'medium',
    summary: 'ImdsSupport is v2.0, but the account\'s instance metadata defaults set HttpTokens optional, which wins: launches allow IMDSv1.',
    evaluate: ({ imdsSupport, fleet }) =>
      imdsSupport === 'v2.0' && fleet?.effectiveSource === 'account-default' && fleet.effectiveHttpTokens === 'optional'
        ? { severity: 'medium', message: 'ImdsSupport is v2.0, but the account\'s metadata defaults in this region set HttpTokens optional, which wins: plain launches allow IMDSv1' }
        : undefined,
  },
  {
    id: 'LAUNCH_TEMPLATE_ALLOWS_V1',
    check: 'fleet',
    severity: 'medium',
    summary: 'A launch template ($Latest or $Default version) that launches the image sets HttpTokens optional.',
    evaluate: ({ fleet }) => {
      const optional = (fleet?.usage.launchTemplates ?? []).filter((template) => template.httpTokens === 'optional');
      if (optional.length === 0) return undefined;
      const named = optional.map(
        (template) => `${template.id}${template.name ? ` (${template.name})` : ''} version ${template.version}${versionRoles(template)}`,
      );
      return { severity: 'medium', message: `Launch template ${named.join(', ')} sets HttpTokens optional: instances it launches allow IMDSv1` };
    },
  },
  {
    id: 'IMDS_V1_IN_USE',
    check: 'evidence',
    severity: 'high',
    summary: 'Instances launched from the image made IMDSv1 calls in the evidence window (CloudWatch MetadataNoToken): requiring tokens would break them.',
    evaluate: ({ fleet }) => {
      const evidence = fleet?.evidence;
      if (evidence?.verdict !== 'blocked') return undefined;
      const callers = evidence.instancesCallingV1 ?? [];
      return {
        severity: 'high',
        message: `${evidence.noTokenCalls} IMDSv1 calls in the last ${evidence.windowDays} days from ${callers.join(', ')}: update the software on it to use IMDSv2 before setting ImdsSupport v2.0 or requiring tokens, which would break it`,
      };
    },
  },
];

/** Says which of `$Default` and `$Latest` a launch template version is. */
function versionRoles(template: { isDefault: boolean; isLatest: boolean }): string {
  const roles = [template.isDefault ? '$Default' : '', template.isLatest ? '$Latest' : ''].filter(Boolean);
  return roles.length > 0 ? ` (${roles.join(', ')})` : '';
}
