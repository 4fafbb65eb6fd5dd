// DescribeImageAttribute: one attribute of one image. Only the owner may read attributes
// (others get AuthFailure, as EC2 answers for public AMIs of other accounts). An unset
// attribute is an empty element (`<bootMode/>`), not an error; `blockDeviceMapping` is
// deprecated and answers AuthFailure; an unknown name is InvalidParameterValue.

import type { EstateImage } from '../estate.js';
import { ApiError, Errors } from '../errors.js';
import { isOwner } from '../image-access.js';
import { el, item, leaf, list, type XmlElement } from '../xml.js';
import { checkDryRun, type ActionContext, type ActionDefinition } from './context.js';
import { productCodesXml } from './image-xml.js';
import { findVisibleImage } from './find-image.js';

/** `<name><value>..</value></name>`, or `<name/>` when unset. */
function attributeValue(name: string, value: string | undefined): XmlElement {
  return el(name, leaf('value', value));
}

function launchPermissionXml(img: EstateImage): XmlElement {
  const grants = [...(img.LaunchPermissions ?? [])];
  if (img.Public === true && !grants.some((g) => g.Group === 'all')) grants.unshift({ Group: 'all' });
  return list(
    'launchPermission',
    grants.map((g) =>
      item(leaf('group', g.Group), leaf('userId', g.UserId), leaf('organizationArn', g.OrganizationArn), leaf('organizationalUnitArn', g.OrganizationalUnitArn)),
    ),
  );
}

const ATTRIBUTES: Record<string, (img: EstateImage) => XmlElement> = {
  description: (img) => attributeValue('description', img.Description),
  kernel: (img) => attributeValue('kernel', img.KernelId),
  ramdisk: (img) => attributeValue('ramdisk', img.RamdiskId),
  launchPermission: launchPermissionXml,
  productCodes: (img) => productCodesXml(img.ProductCodes ?? [])!,
  blockDeviceMapping: () => {
    throw new ApiError('AuthFailure', 'Unauthorized attempt to access restricted resource');
  },
  sriovNetSupport: (img) => attributeValue('sriovNetSupport', img.SriovNetSupport),
  bootMode: (img) => attributeValue('bootMode', img.BootMode),
  tpmSupport: (img) => attributeValue('tpmSupport', img.TpmSupport),
  uefiData: (img) => attributeValue('uefiData', img.UefiData),
  lastLaunchedTime: (img) => attributeValue('lastLaunchedTime', img.LastLaunchedTime),
  imdsSupport: (img) => attributeValue('imdsSupport', img.ImdsSupport),
  deregistrationProtection: (img) => attributeValue('deregistrationProtection', img.DeregistrationProtection),
};

export const IMAGE_ATTRIBUTE_NAMES = Object.keys(ATTRIBUTES);

function describeImageAttribute(ctx: ActionContext) {
  const attribute = ctx.params.required('Attribute');
  const imageId = ctx.params.required('ImageId');
  const render = ATTRIBUTES[attribute];
  if (!render) {
    throw Errors.invalidParameterValue(`Value (${attribute}) for parameter attribute is invalid. Unknown attribute.`);
  }
  const image = findVisibleImage(ctx, imageId);
  if (!isOwner(image, ctx.account)) throw Errors.notAuthorizedForImage(imageId);
  checkDryRun(ctx);
  return [leaf('imageId', image.ImageId)!, render(image)];
}

export const DescribeImageAttribute: ActionDefinition = { service: 'ec2', handle: describeImageAttribute };
