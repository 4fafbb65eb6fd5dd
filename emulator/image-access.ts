// Who may see and launch an image, following EC2's three kinds of launch permission:
// implicit (the owner), public (group "all"), and explicit grants to an account, an
// organization or an organizational unit.

import type { Account, EstateImage } from './estate.js';

export function isOwner(image: EstateImage, account: Account): boolean {
  return image.OwnerId === account.accountId;
}

export function isPublic(image: EstateImage): boolean {
  return image.Public === true || (image.LaunchPermissions ?? []).some((lp) => lp.Group === 'all');
}

/** Explicit grant to the account itself, or to its organization or OU. */
export function isSharedWith(image: EstateImage, account: Account): boolean {
  return (image.LaunchPermissions ?? []).some(
    (lp) =>
      lp.UserId === account.accountId ||
      (lp.OrganizationArn !== undefined && lp.OrganizationArn === account.organizationArn) ||
      (lp.OrganizationalUnitArn !== undefined && lp.OrganizationalUnitArn === account.organizationalUnitArn),
  );
}

/** Explicit grant to one account id (not its organization: EC2 does not expand those for other ids). */
export function isSharedWithAccountId(image: EstateImage, accountId: string): boolean {
  return (image.LaunchPermissions ?? []).some((lp) => lp.UserId === accountId);
}

/** Disabled images lose public and shared access: only the owner still sees them. */
export function isDisabled(image: EstateImage): boolean {
  return image.State === 'disabled';
}

export function canLaunch(image: EstateImage, account: Account): boolean {
  if (isOwner(image, account)) return true;
  if (isDisabled(image)) return false;
  return isPublic(image) || isSharedWith(image, account);
}

/** Deprecated once its DeprecationTime has passed. */
export function isDeprecated(image: EstateImage, now: Date): boolean {
  if (!image.DeprecationTime) return false;
  return Date.parse(image.DeprecationTime) <= now.getTime();
}
