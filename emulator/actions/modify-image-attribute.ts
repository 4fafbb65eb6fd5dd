// ModifyImageAttribute: the owner sets ImdsSupport (only `v2.0`, and it cannot be undone),
// Description, or adds/removes launch permissions. Answers `<return>true</return>`.
// Checks, in EC2's order, each one the same with DryRun=true:
//   1. the caller's IAM permission (the server: Accounts[].DeniedActions → UnauthorizedOperation);
//   2. the image id (InvalidAMIID.Malformed, or InvalidAMIID.NotFound when the caller cannot see it);
//   3. ownership: an image the caller can see but does not own (shared with it, or public) answers
//      AuthFailure "Not authorized for image:<id>", as EC2 does for another owner's image attributes;
//   4. the values: ImdsSupport takes only `v2.0` (InvalidParameterValue otherwise); setting it on an
//      image already `v2.0` is accepted and changes nothing;
//   5. DryRun=true then answers DryRunOperation (HTTP 412) and changes nothing.
// To make a write fail, use the server's failAction/failError knobs.

import type { EstateImage, EstateLaunchPermission } from '../estate.js';
import { ACCOUNT_ID } from '../estate.js';
import { Errors } from '../errors.js';
import { isOwner } from '../image-access.js';
import { leaf } from '../xml.js';
import { checkDryRun, rejectUnstorableText, type ActionContext, type ActionDefinition } from './context.js';
import { findVisibleImage } from './find-image.js';

type Change = (img: EstateImage) => void;

function launchPermissionGrants(ctx: ActionContext, op: 'Add' | 'Remove'): EstateLaunchPermission[] {
  const { params } = ctx;
  const grants: EstateLaunchPermission[] = [];
  const prefix = `LaunchPermission.${op}`;
  const indices = new Set(
    params
      .entries()
      .map(([k]) => new RegExp(`^${prefix}\\.(\\d+)\\.`).exec(k)?.[1])
      .filter((x): x is string => x !== undefined),
  );
  for (const i of indices) {
    const userId = params.get(`${prefix}.${i}.UserId`);
    const group = params.get(`${prefix}.${i}.Group`);
    const org = params.get(`${prefix}.${i}.OrganizationArn`);
    const ou = params.get(`${prefix}.${i}.OrganizationalUnitArn`);
    if (userId !== undefined) {
      if (!ACCOUNT_ID.test(userId)) throw Errors.invalidParameterValue(`Invalid user id: "${userId}"`);
      grants.push({ UserId: userId });
    } else if (group !== undefined) {
      if (group !== 'all') throw Errors.invalidParameterValue(`Invalid group: "${group}"`);
      grants.push({ Group: 'all' });
    } else if (org !== undefined) grants.push({ OrganizationArn: org });
    else if (ou !== undefined) grants.push({ OrganizationalUnitArn: ou });
  }
  return grants;
}

function sameGrant(a: EstateLaunchPermission, b: EstateLaunchPermission): boolean {
  return a.UserId === b.UserId && a.Group === b.Group && a.OrganizationArn === b.OrganizationArn && a.OrganizationalUnitArn === b.OrganizationalUnitArn;
}

function collectChanges(ctx: ActionContext): Change[] {
  const { params } = ctx;
  const changes: Change[] = [];
  const attribute = params.get('Attribute');
  const imds = params.get('ImdsSupport.Value') ?? (attribute === 'imdsSupport' ? params.get('Value') : undefined);
  if (imds !== undefined) {
    if (imds !== 'v2.0') {
      throw Errors.invalidParameterValue(`Value (${imds}) for parameter imdsSupport is invalid. The only supported value is v2.0.`);
    }
    changes.push((img) => {
      img.ImdsSupport = 'v2.0';
    });
  }
  const description = params.get('Description.Value') ?? (attribute === 'description' ? params.get('Value') : undefined);
  if (description !== undefined) {
    changes.push((img) => {
      img.Description = description;
    });
  }
  const add = launchPermissionGrants(ctx, 'Add');
  const remove = launchPermissionGrants(ctx, 'Remove');
  if (add.length > 0 || remove.length > 0) {
    changes.push((img) => {
      let grants = (img.LaunchPermissions ?? []).filter((g) => !remove.some((r) => sameGrant(g, r)));
      if (remove.some((r) => r.Group === 'all')) img.Public = false;
      for (const g of add) {
        if (g.Group === 'all') img.Public = true;
        else if (!grants.some((x) => sameGrant(x, g))) grants = [...grants, g];
      }
      img.LaunchPermissions = grants.filter((g) => g.Group !== 'all');
    });
  }
  if (changes.length === 0) {
    if (attribute !== undefined) {
      throw Errors.invalidParameterValue(`Value (${attribute}) for parameter attribute is invalid. Unknown attribute.`);
    }
    throw Errors.missingParameter('ImdsSupport');
  }
  return changes;
}

function modifyImageAttribute(ctx: ActionContext) {
  rejectUnstorableText(ctx);
  const imageId = ctx.params.required('ImageId');
  const image = findVisibleImage(ctx, imageId);
  if (!isOwner(image, ctx.account)) throw Errors.notAuthorizedForImage(imageId);
  const changes = collectChanges(ctx);
  checkDryRun(ctx);
  for (const change of changes) change(image);
  return [leaf('return', true)!];
}

export const ModifyImageAttribute: ActionDefinition = { service: 'ec2', handle: modifyImageAttribute };
