import type { BootMode, ImageAttributeName, ImageAttributes, ImageRecord, LaunchPermission, Severity } from './types.js';

/** What a rule sees of one image. */
export interface RuleContext {
  image: ImageRecord;
  imdsSupport: string | null;
  effectiveBootMode: BootMode;
  tpmSupport: string | null;
  /** True when `DescribeImages` says so, or the launch permissions grant the group `all`. */
  isPublic: boolean;
  uefiData?: string | null;
  launchPermission?: LaunchPermission[];
  /** What `DescribeImageAttribute` said, when it was asked. */
  attributes?: ImageAttributes;
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
  boot: { attributes: [], description: 'images that can only boot legacy BIOS' },
  lifecycle: { attributes: [], description: 'deprecated images and images that are not available' },
  consistency: { attributes: [], description: 'DescribeImageAttribute disagreeing with DescribeImages (only when --attributes reads imdsSupport, bootMode or tpmSupport)' },
  'secure-boot': { attributes: ['uefiData'], description: 'UEFI images without a UEFI variable store (Secure Boot off)' },
  sharing: { attributes: ['launchPermission'], description: 'images that other accounts, organizations or everyone may launch' },
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

/** Every rule ami-audit knows, in the order findings are listed. */
export const RULES: readonly Rule[] = [
  {
    id: 'IMDS_V1_ALLOWED',
    check: 'imds',
    severity: 'high',
    summary: 'ImdsSupport is not v2.0, so instances launched from the image allow IMDSv1 (critical when the image is public).',
    evaluate: ({ imdsSupport, isPublic }) => {
      if (imdsSupport === 'v2.0') return undefined;
      const value = imdsSupport === null ? 'unset' : `"${imdsSupport}"`;
      return isPublic
        ? { severity: 'critical', message: `Public image with ImdsSupport ${value}: anyone can launch instances that allow IMDSv1` }
        : { severity: 'high', message: `ImdsSupport is ${value}: instances launched from it allow IMDSv1 unless the launch requires tokens` };
    },
  },
  {
    id: 'TPM_WITHOUT_UEFI',
    check: 'tpm',
    severity: 'medium',
    summary: 'TpmSupport is v2.0 but the image boots legacy BIOS, so NitroTPM cannot work.',
    evaluate: ({ tpmSupport, effectiveBootMode, image }) =>
      tpmSupport === 'v2.0' && effectiveBootMode === 'legacy-bios'
        ? {
            severity: 'medium',
            message: `TpmSupport v2.0 needs UEFI, but the image boots legacy BIOS${image.bootMode ? '' : ` (BootMode unset on ${image.architecture ?? 'unknown architecture'})`}`,
          }
        : undefined,
  },
  {
    id: 'LEGACY_BIOS_ONLY',
    check: 'boot',
    severity: 'low',
    summary: 'The image boots legacy BIOS: no NitroTPM and no UEFI Secure Boot.',
    evaluate: ({ effectiveBootMode, image }) =>
      effectiveBootMode === 'legacy-bios'
        ? {
            severity: 'low',
            message: `Boots legacy BIOS${image.bootMode ? '' : ` (BootMode unset on ${image.architecture ?? 'unknown architecture'})`}: no NitroTPM or UEFI Secure Boot`,
          }
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
        ? { severity: 'info', message: `State is ${image.state}, not available` }
        : undefined,
  },
  {
    id: 'ATTRIBUTE_MISMATCH',
    check: 'consistency',
    severity: 'medium',
    summary: 'DescribeImageAttribute and DescribeImages disagree on ImdsSupport, BootMode or TpmSupport; the attribute is used.',
    evaluate: ({ image, attributes }) => {
      if (!attributes) return undefined;
      const show = (value: string | null | undefined) => (value ? value : 'unset');
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
      effectiveBootMode !== 'legacy-bios' && uefiData === null
        ? { severity: 'low', message: 'Boots UEFI without a UEFI variable store: UEFI Secure Boot is off' }
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
];
