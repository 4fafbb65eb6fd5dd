// Looks up one image by id for the single-image actions, with EC2's errors: a malformed id is
// InvalidAMIID.Malformed, an id the caller cannot see is InvalidAMIID.NotFound.

import type { EstateImage } from '../estate.js';
import { IMAGE_ID } from '../estate.js';
import { Errors } from '../errors.js';
import { canLaunch } from '../image-access.js';
import type { ActionContext } from './context.js';

export function findVisibleImage(ctx: ActionContext, imageId: string): EstateImage {
  if (!IMAGE_ID.test(imageId)) throw Errors.amiMalformed(imageId);
  const image = ctx.region.images.find((img) => img.ImageId === imageId);
  if (!image || !canLaunch(image, ctx.account)) throw Errors.amiNotFound([imageId]);
  return image;
}
