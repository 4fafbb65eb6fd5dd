/**
 * What to do about each rule's finding, in words a reviewer can act on: SARIF's `help` and the
 * Markdown summary show it. Kept apart from the rules themselves, which decide; this only advises.
 */
export const REMEDIATION: Readonly<Record<string, string>> = {
  IMDS_V1_ALLOWED:
    'Make sure the software in the image calls the instance metadata service with IMDSv2 tokens, then set the flag: ' +
    '`aws ec2 modify-image-attribute --image-id <image-id> --imds-support v2.0`. The change cannot be undone: the only way back ' +
    'is a new AMI registered from the snapshot. Instances launched from the image then require tokens (HttpTokens=required, hop limit 2).',
  TPM_WITHOUT_UEFI:
    'NitroTPM needs UEFI boot. BootMode and TpmSupport are set when the image is registered: register it again with ' +
    '`--boot-mode uefi` (or `uefi-preferred`) and `--tpm-support v2.0`, or without `--tpm-support`.',
  LEGACY_BIOS_ONLY:
    'Build or register a UEFI image (`--boot-mode uefi` or `uefi-preferred`) to use NitroTPM and UEFI Secure Boot.',
  DEPRECATED: 'Move launches to a current image, then deregister this one, or cancel the deprecation if it is still meant to be used.',
  NOT_AVAILABLE: 'An image that is not available cannot be launched: deregister a failed image; a pending one becomes available on its own.',
  ATTRIBUTE_MISMATCH:
    'DescribeImageAttribute and DescribeImages disagree. Scan again; if the difference stays, the attribute read is the one used, and AWS Support can explain the other.',
  SECURE_BOOT_NOT_CONFIGURED:
    'Register the image with a UEFI variable store (`--uefi-data`) that holds your Secure Boot keys (PK, KEK, db).',
  SHARED_OUTSIDE_ACCOUNT:
    'Review who may launch the image (`aws ec2 describe-image-attribute --attribute launchPermission`) and remove the grants ' +
    'that are not needed with `aws ec2 modify-image-attribute --launch-permission "Remove=[...]"`.',
};

/** Returns the remediation of a rule, or a pointer to the README for a rule without one. */
export function remediationFor(ruleId: string): string {
  return REMEDIATION[ruleId] ?? 'See the rule table in the ami-audit README.';
}
