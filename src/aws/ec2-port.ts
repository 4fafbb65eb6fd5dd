import type { ImageAttributeName, ImageAttributes, ImageRecord } from '../core/types.js';

/** What to list: the `DescribeImages` parameters ami-audit passes through. */
export interface ImageQuery {
  owners: string[];
  executableUsers: string[];
  imageIds: string[];
  filters: { name: string; values: string[] }[];
  includeDeprecated: boolean;
  includeDisabled: boolean;
}

/**
 * The EC2 operations a scan needs, in one region. The SDK adapter implements it; tests may fake it.
 * Every method throws `AwsCallError` for an AWS failure after retries, or `AmiAuditError` for a
 * configuration problem (no credentials) that no other region can do better with.
 */
export interface Ec2Port {
  readonly region: string;
  /** Yields the images page by page, following every `NextToken`. */
  listImages(query: ImageQuery): AsyncIterable<ImageRecord[]>;
  /** Reads one attribute of one image: the part of `ImageAttributes` that attribute fills. */
  readImageAttribute(imageId: string, attribute: ImageAttributeName): Promise<ImageAttributes>;
}
